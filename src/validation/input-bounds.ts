/**
 * The length bounds and character rules of every string the gateway and its sandbox accept: one
 * table for both, documented in docs/input-bounds.md. The upstream spec sets no maxLength
 * anywhere, so the bounds are ours, chosen to fit real Italian names, addresses and documents with
 * room to spare, and to keep a single field from carrying a payload (a 100 KB first name).
 */

/** Which control characters a kind of string tolerates. */
export type ControlPolicy =
  /** No C0 control (U+0000-U+001F) and no DEL (U+007F), tab included: single-line text. */
  | "none"
  /** Tab, line feed and carriage return allowed (free notes, base64 wrapped in lines); the rest refused. */
  | "multiline";

export interface Bound {
  /** Most characters (Unicode code points) allowed. */
  max: number;
  controls: ControlPolicy;
  /** Why this number: shown in docs/input-bounds.md. */
  why: string;
}

/** Base64 length of `bytes` bytes, wrapped in 76-character lines with CRLF (the most a MIME encoder adds). */
function base64Chars(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + Math.ceil(chars / 76) * 2;
}

/** Largest decoded file placeOrder and uploadIdentificationDocuments accept (3 MiB). */
export const GATEWAY_FILE_BYTES = 3 * 1024 * 1024;
/** Largest decoded upload the sandbox accepts (10 MiB), as the upstream's own limit is unknown. */
export const SANDBOX_FILE_BYTES = 10 * 1024 * 1024;

/** Every kind of bounded string; fields of both surfaces map to one of these. */
export const BOUNDS = {
  personName: { max: 100, controls: "none", why: "first or last name; the longest Italian names with several given names fit in 60" },
  recipient: { max: 150, controls: "none", why: "name on a parcel: a person, or a company with `c/o`" },
  email: { max: 254, controls: "none", why: "RFC 5321 path limit" },
  phone: { max: 32, controls: "none", why: "+39 and 11 digits with separators" },
  taxCode: { max: 16, controls: "none", why: "a codice fiscale is exactly 16 characters" },
  date: { max: 10, controls: "none", why: "yyyy-mm-dd (GraphQL) or dd/mm/yyyy (sandbox)" },
  sex: { max: 1, controls: "none", why: "M or F" },
  place: { max: 100, controls: "none", why: "comune or foreign city; the longest comune has 34 characters" },
  province: { max: 64, controls: "none", why: "two-letter sigla, or a province name in the sandbox (`Verbano-Cusio-Ossola`)" },
  country: { max: 64, controls: "none", why: "country name or code" },
  address: { max: 200, controls: "none", why: "street, number, staircase, floor, interior" },
  postalCode: { max: 10, controls: "none", why: "a CAP has 5 digits; foreign postcodes at most 10" },
  documentType: { max: 50, controls: "none", why: "carta d'identità, patente, passaporto, ..." },
  documentNumber: { max: 32, controls: "none", why: "Italian ID card, licence and passport numbers have 9-10 characters" },
  issuingAuthority: { max: 150, controls: "none", why: "`Comune di ...`, `Motorizzazione Civile di ...`, `Questura di ...`" },
  notes: { max: 1000, controls: "multiline", why: "free text for the courier or the operator" },
  fileName: { max: 255, controls: "none", why: "file-system limit for a file name" },
  gatewayFile: { max: base64Chars(GATEWAY_FILE_BYTES), controls: "multiline", why: "3 MiB once decoded, base64 in CRLF-wrapped lines" },
  sandboxFile: { max: base64Chars(SANDBOX_FILE_BYTES), controls: "multiline", why: "10 MiB once decoded, base64 in CRLF-wrapped lines" },
  productCode: { max: 32, controls: "none", why: "catalogue codes have at most 12 characters" },
  idempotencyKey: { max: 128, controls: "none", why: "the existing key rule (8-128 of A-Z a-z 0-9 . _ : -): a UUID or a composite key" },
  id: { max: 64, controls: "none", why: "ids are 24 hex characters" },
  cursor: { max: 128, controls: "none", why: "cursors the gateway hands out are under 40 characters" },
  search: { max: 100, controls: "none", why: "a name, an e-mail or a request code" },
  url: { max: 2048, controls: "none", why: "the practical URL limit of browsers and proxies" },
  description: { max: 500, controls: "none", why: "a label for a webhook endpoint" },
  tenantName: { max: 100, controls: "none", why: "a company name" },
  secretToken: { max: 4096, controls: "none", why: "an upstream bearer token (a JWT fits)" },
  subject: { max: 200, controls: "none", why: "the tenant's own reference for an end user (a customer id)" },
  origin: { max: 253, controls: "none", why: "scheme, host and port of a web page (`https://shop.example`)" },
  enumText: { max: 16, controls: "none", why: "enumerated values such as `ordinaria` or `POST`" },
  fieldName: { max: 64, controls: "none", why: "a form field name for callbacks" },
  requestCode: { max: 64, controls: "none", why: "the upstream's `codice_richiesta`" },
  text: { max: 1000, controls: "none", why: "fallback for a string no row names yet (a test lists them)" },
} as const satisfies Record<string, Bound>;

export type BoundKind = keyof typeof BOUNDS;

/** The default for a GraphQL string position no row names (a unit test keeps this list empty). */
export const FALLBACK_BOUND: BoundKind = "text";

/**
 * GraphQL: input object fields as `Type.field`, field arguments as `Parent.field(arg)`.
 * Every String or ID position of the schema has a row (see test/unit/input-bounds.test.ts).
 */
export const GRAPHQL_BOUNDS: Readonly<Record<string, BoundKind>> = {
  "ApplicantInput.firstName": "personName",
  "ApplicantInput.lastName": "personName",
  "ApplicantInput.email": "email",
  "ApplicantInput.phone": "phone",
  "ApplicantInput.taxCode": "taxCode",
  "ApplicantInput.birthDate": "date",
  "ApplicantInput.sex": "sex",
  "ApplicantInput.birthPlace": "place",
  "ApplicantInput.birthProvince": "province",
  "ApplicantInput.birthCountry": "country",
  "ApplicantInput.notes": "notes",
  "ResidenceInput.address": "address",
  "ResidenceInput.city": "place",
  "ResidenceInput.province": "province",
  "ResidenceInput.postalCode": "postalCode",
  "ResidenceInput.country": "country",
  "ShippingAddressInput.recipient": "recipient",
  "ShippingAddressInput.address": "address",
  "ShippingAddressInput.city": "place",
  "ShippingAddressInput.province": "province",
  "ShippingAddressInput.postalCode": "postalCode",
  "IdentityDocumentInput.type": "documentType",
  "IdentityDocumentInput.number": "documentNumber",
  "IdentityDocumentInput.issuedBy": "issuingAuthority",
  "IdentityDocumentInput.issueDate": "date",
  "IdentityDocumentInput.expiryDate": "date",
  "ShippingRecipientInput.recipient": "recipient",
  "ShippingRecipientInput.address": "address",
  "ShippingRecipientInput.city": "place",
  "ShippingRecipientInput.province": "province",
  "ShippingRecipientInput.postalCode": "postalCode",
  "ShippingRecipientInput.email": "email",
  "ShippingRecipientInput.phone": "phone",
  "ShippingRecipientInput.notes": "notes",
  "FileInput.fileName": "fileName",
  "FileInput.contentBase64": "gatewayFile",
  "VideoOrderInput.email": "email",
  "VideoOrderInput.phone": "phone",
  "VideoUpgradeInput.requestId": "id",
  "PlaceOrderInput.productCode": "productCode",
  "CreateTenantInput.name": "tenantName",
  "SignatureRequestFilter.productCode": "productCode",
  "SignatureRequestFilter.search": "search",
  "ProductFilter.search": "search",
  "Query.product(code)": "productCode",
  "Query.signatureRequest(id)": "id",
  "Query.signatureRequests(after)": "cursor",
  "Query.webhookDeliveries(endpointId)": "id",
  "Mutation.placeOrder(idempotencyKey)": "idempotencyKey",
  "Mutation.uploadIdentificationDocuments(requestId)": "id",
  "Mutation.requestVideoRecognition(requestId)": "id",
  "Mutation.refreshSignatureRequest(id)": "id",
  "Mutation.registrationFormUrl(requestId)": "id",
  "Mutation.createWebhookEndpoint(url)": "url",
  "Mutation.createWebhookEndpoint(description)": "description",
  "Mutation.deleteWebhookEndpoint(id)": "id",
  "Mutation.setUpstreamToken(tenantId)": "id",
  "Mutation.setUpstreamToken(token)": "secretToken",
  "Subscription.statusEvents(after)": "cursor",
  "Subscription.signatureRequestUpdated(id)": "id",
  "Query.webhookDeliveriesForRequest(requestId)": "id",
  "Query.sandboxCallbacks(requestId)": "id",
  "Query.sandboxInbox(requestId)": "id",
  "Query.spidVoucher(id)": "id",
  "Query.signatureRequestTimeline(id)": "id",
  "Mutation.redeliverWebhook(deliveryId)": "id",
  "Mutation.sendExampleWebhook(endpointId)": "id",
  "Mutation.rotateWebhookSecret(endpointId)": "id",
  "Mutation.createSessionToken(subject)": "subject",
  "Mutation.setAllowedOrigins(origins)": "origin",
  "Mutation.setTenantAllowedOrigins(origins)": "origin",
  "Mutation.setTenantAllowedOrigins(tenantId)": "id",
  "Mutation.forceSandboxOutcome(requestId)": "id",
  "Mutation.resendSandboxCallback(callbackId)": "id",
  "Mutation.buySpidVoucher(idempotencyKey)": "idempotencyKey",
  "Subscription.statusEvents(productCode)": "productCode",
};

const ANAGRAFICA: Readonly<Record<string, BoundKind>> = {
  nome: "personName",
  cognome: "personName",
  email: "email",
  cellulare: "phone",
  codice_fiscale: "taxCode",
  data_nascita: "date",
  sesso: "sex",
  comune_nascita: "place",
  provincia_nascita: "province",
  nazione_nascita: "country",
  indirizzo_residenza: "address",
  comune_residenza: "place",
  provincia_residenza: "province",
  cap_residenza: "postalCode",
  nazione_residenza: "country",
  destinatario: "recipient",
  indirizzo_spedizione: "address",
  comune_spedizione: "place",
  provincia_spedizione: "province",
  cap_spedizione: "postalCode",
  tipo_documento: "documentType",
  numero_documento: "documentNumber",
  soggetto_emittente: "issuingAuthority",
  data_emissione: "date",
  data_scadenza: "date",
  note: "notes",
};

const ANAGRAFICA_SPEDIZIONE: Readonly<Record<string, BoundKind>> = {
  destinatario: "recipient",
  email: "email",
  cellulare: "phone",
  indirizzo_spedizione: "address",
  comune_spedizione: "place",
  provincia_spedizione: "province",
  cap_spedizione: "postalCode",
  note: "notes",
};

/** Sandbox bodies (POST and PATCH /richiesta/...), by JSON path. */
export const SANDBOX_BOUNDS: Readonly<Record<string, BoundKind>> = {
  ...Object.fromEntries(Object.entries(ANAGRAFICA).map(([k, v]) => [`anagrafica.${k}`, v])),
  ...Object.fromEntries(Object.entries(ANAGRAFICA_SPEDIZIONE).map(([k, v]) => [`anagrafica_spedizione.${k}`, v])),
  email: "email",
  cellulare: "phone",
  spedizione: "enumText",
  documento: "sandboxFile",
  nome_documento: "fileName",
  modulo: "sandboxFile",
  nome_modulo: "fileName",
  id: "id",
  codice_richiesta: "requestCode",
  "callback.url": "url",
  "callback.method": "enumText",
  "callback.field": "fieldName",
};

/** `callback.data` is echoed back in every callback: its JSON is bounded as a whole, its strings refuse controls. */
export const SANDBOX_CALLBACK_DATA_MAX_JSON = 4096;

/** One string that breaks its bound. */
export interface BoundProblem {
  path: string;
  message: string;
}

function isRefusedControl(code: number, policy: ControlPolicy): boolean {
  if (code === 0x7f) return true;
  if (code > 0x1f) return false;
  return policy === "none" || !(code === 0x09 || code === 0x0a || code === 0x0d);
}

/** Why `value` breaks `bound` (too long, or a refused control character), or null when it fits. */
export function checkBound(value: string, bound: Bound): string | null {
  // Code units are at least as many as code points: most strings are decided without counting.
  if (value.length > bound.max) {
    let points = 0;
    for (const _ of value) if (++points > bound.max) break;
    if (points > bound.max) {
      // Counting a huge value's code points would cost more than refusing it: its length in code units is enough.
      const received = value.length <= 4 * bound.max ? `${[...value].length} characters` : `${value.length} UTF-16 code units`;
      return `expected at most ${bound.max} characters, received ${received}`;
    }
  }
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) {
      if (isRefusedControl(code, bound.controls)) {
        return `expected no control characters, received U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}`;
      }
    }
  }
  return null;
}

/** The bound of a kind. */
export function boundOf(kind: BoundKind): Bound {
  return BOUNDS[kind];
}
