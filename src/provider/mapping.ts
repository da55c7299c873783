// The one place where the upstream's Italian meets the gateway's English. Reads (upstream → English)
// are lenient where the spec is loose, so an odd value never makes a request unreadable; writes
// (English → upstream) are strict, so nothing the upstream would misread is ever sent.
import { BadUserInputError, type FieldProblem } from "../errors/index.js";
import { UpstreamUnavailableError } from "./provider-errors.js";
import type {
  UpstreamAnagrafica,
  UpstreamAnagraficaSpedizione,
  UpstreamCallback,
  UpstreamFirma,
  UpstreamFornitore,
  UpstreamPostBodyFirme,
  UpstreamPostBodyFirmeAruba,
  UpstreamPostBodyFirmeVideoriconoscimento,
  UpstreamPostBodyLettore,
  UpstreamPostBodyRinnovi,
  UpstreamPostBodyVideoriconoscimento,
  UpstreamProduct,
  UpstreamRequest,
  UpstreamSpedizione,
} from "./upstream.types.js";

// ---------------------------------------------------------------------------------------------
// Status

/** A request's progress as the gateway names it; `UNKNOWN` stands for a `stato` this code does not know yet. */
export type SignatureRequestStatus = "IN_REGISTRAZIONE" | "IN_RICONOSCIMENTO" | "IN_LAVORAZIONE" | "EVASA" | "RIFIUTATA" | "UNKNOWN";

/** The statuses that have an upstream `stato`. */
export type KnownSignatureRequestStatus = Exclude<SignatureRequestStatus, "UNKNOWN">;

export const SIGNATURE_REQUEST_STATUSES: readonly SignatureRequestStatus[] = [
  "IN_REGISTRAZIONE",
  "IN_RICONOSCIMENTO",
  "IN_LAVORAZIONE",
  "EVASA",
  "RIFIUTATA",
  "UNKNOWN",
];

const STATUS_BY_STATO: Readonly<Record<string, KnownSignatureRequestStatus>> = {
  in_registrazione: "IN_REGISTRAZIONE",
  in_riconoscimento: "IN_RICONOSCIMENTO",
  in_lavorazione: "IN_LAVORAZIONE",
  evasa: "EVASA",
  // Not in the spec's examples: the sandbox ends a failed video identification here, and the
  // gateway treats it as final (FAILED) rather than polling an unknown state forever.
  rifiutata: "RIFIUTATA",
};

/**
 * Maps an upstream `stato` to a status. The spec declares `stato` a free string and documents
 * only four values by example, so a new one must not make requests unreadable or crash the
 * reconciler: it maps to `UNKNOWN` (not final, so it keeps being polled) and the raw value stays
 * in `ProviderSignatureRequest.upstreamStatus` for logs and alerts.
 */
export function statusFromStato(stato: string): SignatureRequestStatus {
  return STATUS_BY_STATO[stato.trim().toLowerCase()] ?? "UNKNOWN";
}

/** Maps a known status back to the upstream's `stato` (the sandbox writes these). */
export function statoOf(status: KnownSignatureRequestStatus): string {
  switch (status) {
    case "IN_REGISTRAZIONE":
      return "in_registrazione";
    case "IN_RICONOSCIMENTO":
      return "in_riconoscimento";
    case "IN_LAVORAZIONE":
      return "in_lavorazione";
    case "EVASA":
      return "evasa";
    case "RIFIUTATA":
      return "rifiutata";
    default: {
      const never: never = status;
      throw new TypeError(`expected a known SignatureRequestStatus, received ${JSON.stringify(never)}`);
    }
  }
}

/** True for the status after which a request no longer changes (nothing left to poll). */
export function isFinalStatus(status: SignatureRequestStatus): boolean {
  return status === "EVASA" || status === "RIFIUTATA";
}

// ---------------------------------------------------------------------------------------------
// Shipping

/** How fast the device ships after the documents arrive: 6, 1 and 3 business days upstream. */
export type ShippingSpeed = "STANDARD" | "PRIORITY" | "EXPRESS";

/** Maps upstream `spedizione` to a speed; `false` or absent (products that do not ship) → null. */
export function shippingSpeedFromSpedizione(spedizione: unknown): ShippingSpeed | null {
  switch (spedizione) {
    case "ordinaria":
      return "STANDARD";
    case "prioritaria":
      return "PRIORITY";
    case "veloce":
      return "EXPRESS";
    default:
      return null;
  }
}

/** Maps a speed to upstream `spedizione`. */
export function spedizioneOf(speed: ShippingSpeed): UpstreamSpedizione {
  switch (speed) {
    case "STANDARD":
      return "ordinaria";
    case "PRIORITY":
      return "prioritaria";
    case "EXPRESS":
      return "veloce";
    default: {
      const never: never = speed;
      throw new TypeError(`expected a ShippingSpeed, received ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Product families and certification authorities

/** Which body POST /richiesta/{codice_prodotto} takes; FIREST shares the renewals' body, so it is RENEWAL. */
export type ProductFamily = "SIGNATURE" | "ARUBA" | "VIDEO" | "DEVICE_ONLY" | "RENEWAL" | "VIDEO_UPGRADE";

/** The product codes of each family, as listed in the spec's requestBody description. */
export const PRODUCT_CODES_BY_FAMILY: Readonly<Record<ProductFamily, readonly string[]>> = {
  SIGNATURE: ["FIR", "KIT", "KEY", "FIRREM", "KEYCNS", "KITCNS", "SMARTCARDCNS"],
  ARUBA: ["SCARUBACNS", "ARUBAKEYCNS", "OTPDIS", "OTPMOB"],
  VIDEO: ["SMARTCARDCNS_VIDEO", "KEYCNS_VIDEO", "FIRREM_VIDEO"],
  DEVICE_ONLY: ["LETTORE", "FIR_V", "KEY_V", "FIRREM_V", "KEYCNS_V", "SMARTCARDCNS_V"],
  RENEWAL: ["RINFIR", "RINCNS", "RINFIRREM", "FIREST"],
  VIDEO_UPGRADE: ["VIDEORIC"],
};

const FAMILY_BY_CODE: ReadonlyMap<string, ProductFamily> = new Map(
  (Object.entries(PRODUCT_CODES_BY_FAMILY) as [ProductFamily, readonly string[]][]).flatMap(([family, codes]) =>
    codes.map((code): [string, ProductFamily] => [code, family]),
  ),
);

/** The family of a product code; null for codes not orderable through /richiesta (e.g. SPID_PER). */
export function familyOfCode(codiceProdotto: string): ProductFamily | null {
  return FAMILY_BY_CODE.get(codiceProdotto.trim().toUpperCase()) ?? null;
}

export type CertificationAuthority = "INFOCERT" | "ARUBA" | "NAMIRIAL";

/** Maps upstream `tipo` ("Infocert", "Aruba", "Namirial") to an authority; unknown → null. */
export function authorityOfTipo(tipo: string | undefined): CertificationAuthority | null {
  switch (tipo?.trim().toLowerCase()) {
    case "infocert":
      return "INFOCERT";
    case "aruba":
      return "ARUBA";
    case "namirial":
      return "NAMIRIAL";
    default:
      return null;
  }
}

/** Maps an authority to upstream `tipo` as the upstream spells it. */
export function tipoOf(authority: CertificationAuthority): string {
  switch (authority) {
    case "INFOCERT":
      return "Infocert";
    case "ARUBA":
      return "Aruba";
    case "NAMIRIAL":
      return "Namirial";
    default: {
      const never: never = authority;
      throw new TypeError(`expected a CertificationAuthority, received ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Money

/**
 * Converts an upstream euro float to integer cents, rounding half away from zero on the decimal
 * the upstream meant: 1.005 is stored as 1.00499999…, so `Math.round(x * 100)` would give 100;
 * the shortest decimal form of the float ("1.005") is rounded instead.
 */
export function euroToCents(prezzo: number): number {
  if (typeof prezzo !== "number" || !Number.isFinite(prezzo)) {
    throw new RangeError(`prezzo: expected a finite number of euros, received ${JSON.stringify(prezzo)}`);
  }
  const text = String(Math.abs(prezzo));
  let cents: number;
  if (/e/i.test(text)) {
    // Exponent notation only for < 1e-6 or >= 1e21: too small to matter or too large to be safe.
    cents = Math.round(Math.abs(prezzo) * 100);
  } else {
    const [whole, fraction = ""] = text.split(".") as [string, string?];
    const digits = (fraction + "000").slice(0, 3);
    cents = Number(whole) * 100 + Number(digits.slice(0, 2)) + (Number(digits[2]) >= 5 ? 1 : 0);
  }
  if (!Number.isSafeInteger(cents)) {
    throw new RangeError(`prezzo: expected an amount below ${Number.MAX_SAFE_INTEGER / 100} euros, received ${prezzo}`);
  }
  return prezzo < 0 && cents !== 0 ? -cents : cents;
}

/** Converts integer cents to the upstream's euro float (for the sandbox's catalogue). */
export function centsToEuro(cents: number): number {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents: expected a safe integer, received ${JSON.stringify(cents)}`);
  return cents / 100;
}

// ---------------------------------------------------------------------------------------------
// Dates

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UPSTREAM_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Converts an ISO calendar date (yyyy-mm-dd) to the upstream's dd/mm/yyyy; null when it is not a real date. */
export function isoDateToUpstream(iso: string): string | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return isCalendarDate(Number(y), Number(mo), Number(d)) ? `${d}/${mo}/${y}` : null;
}

/** Converts the upstream's dd/mm/yyyy (single digits tolerated) to ISO yyyy-mm-dd; null when it is not a real date. */
export function upstreamDateToIso(date: string): string | null {
  const m = UPSTREAM_DATE.exec(date.trim());
  if (!m) return null;
  const [, d, mo, y] = m as unknown as [string, string, string, string];
  if (!isCalendarDate(Number(y), Number(mo), Number(d))) return null;
  return `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
}

/** Unix seconds (a number, or a string like the FIREST example's "1693574555,") → Date; absent or 0 → null. */
export function dateFromUnixSeconds(value: number | string | null | undefined): Date | null {
  const seconds = typeof value === "number" ? value : typeof value === "string" ? Number(/^\s*(\d+)/.exec(value)?.[1]) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

// ---------------------------------------------------------------------------------------------
// Applicant and shipping recipient

export type Sex = "M" | "F";

export interface AddressInput {
  address: string;
  city: string;
  /** Province (two-letter code or name, as the upstream accepts). */
  province: string;
  postalCode: string;
}

export interface ResidenceInput extends AddressInput {
  country: string;
}

export interface ShippingAddressInput extends AddressInput {
  /** Name on the parcel. */
  recipient: string;
}

export interface IdentityDocumentInput {
  /** E.g. "carta d'identità", "patente", "passaporto": passed through as written. */
  type: string;
  number: string;
  /** Authority that issued the document (`soggetto_emittente`). */
  issuedBy: string;
  /** ISO yyyy-mm-dd. */
  issueDate: string;
  /** ISO yyyy-mm-dd. */
  expiryDate: string;
}

/** The applicant of a signature in English: every field of the upstream's `anagrafica`. */
export interface ApplicantInput {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  taxCode: string;
  /** ISO yyyy-mm-dd. */
  birthDate: string;
  sex: Sex;
  birthPlace: string;
  birthProvince: string;
  birthCountry: string;
  residence: ResidenceInput;
  shipping: ShippingAddressInput;
  document: IdentityDocumentInput;
  notes?: string;
}

/** The recipient of blank devices and readers: every field of `anagrafica_spedizione`. */
export interface ShippingRecipientInput extends ShippingAddressInput {
  email: string;
  phone: string;
  notes?: string;
}

class InputProblems {
  readonly list: FieldProblem[] = [];

  text(path: string, value: unknown): string {
    if (typeof value !== "string" || value.trim() === "") {
      this.list.push({ path, message: `expected a non-empty string, received ${JSON.stringify(value ?? null)}` });
      return "";
    }
    return value.trim();
  }

  date(path: string, value: unknown): string {
    const text = this.text(path, value);
    if (text === "") return "";
    const converted = isoDateToUpstream(text);
    if (converted === null) {
      this.list.push({ path, message: `expected an ISO date yyyy-mm-dd, received ${JSON.stringify(value)}` });
      return "";
    }
    return converted;
  }

  throwIfAny(what: string): void {
    if (this.list.length > 0) {
      throw new BadUserInputError(`${what}: ${this.list.length} invalid field(s): ${this.list.map((p) => p.path).join(", ")}`, this.list);
    }
  }
}

/** English applicant → upstream `anagrafica` (dates to dd/mm/yyyy); BAD_USER_INPUT listing every bad field. */
export function toAnagrafica(input: ApplicantInput, path = "applicant"): UpstreamAnagrafica {
  const p = new InputProblems();
  const anagrafica = buildAnagrafica(p, input ?? ({} as ApplicantInput), path);
  p.throwIfAny(path);
  return anagrafica;
}

function buildAnagrafica(p: InputProblems, input: ApplicantInput, path: string): UpstreamAnagrafica {
  const residence = input.residence ?? ({} as ResidenceInput);
  const shipping = input.shipping ?? ({} as ShippingAddressInput);
  const document = input.document ?? ({} as IdentityDocumentInput);
  const sex = p.text(`${path}.sex`, input.sex).toUpperCase();
  if (sex !== "" && sex !== "M" && sex !== "F") {
    p.list.push({ path: `${path}.sex`, message: `expected "M" or "F", received ${JSON.stringify(input.sex)}` });
  }
  const anagrafica: UpstreamAnagrafica = {
    nome: p.text(`${path}.firstName`, input.firstName),
    cognome: p.text(`${path}.lastName`, input.lastName),
    email: p.text(`${path}.email`, input.email),
    cellulare: p.text(`${path}.phone`, input.phone),
    codice_fiscale: p.text(`${path}.taxCode`, input.taxCode).toUpperCase(),
    data_nascita: p.date(`${path}.birthDate`, input.birthDate),
    sesso: sex,
    comune_nascita: p.text(`${path}.birthPlace`, input.birthPlace),
    provincia_nascita: p.text(`${path}.birthProvince`, input.birthProvince),
    nazione_nascita: p.text(`${path}.birthCountry`, input.birthCountry),
    indirizzo_residenza: p.text(`${path}.residence.address`, residence.address),
    comune_residenza: p.text(`${path}.residence.city`, residence.city),
    provincia_residenza: p.text(`${path}.residence.province`, residence.province),
    cap_residenza: p.text(`${path}.residence.postalCode`, residence.postalCode),
    nazione_residenza: p.text(`${path}.residence.country`, residence.country),
    destinatario: p.text(`${path}.shipping.recipient`, shipping.recipient),
    indirizzo_spedizione: p.text(`${path}.shipping.address`, shipping.address),
    comune_spedizione: p.text(`${path}.shipping.city`, shipping.city),
    provincia_spedizione: p.text(`${path}.shipping.province`, shipping.province),
    cap_spedizione: p.text(`${path}.shipping.postalCode`, shipping.postalCode),
    tipo_documento: p.text(`${path}.document.type`, document.type),
    numero_documento: p.text(`${path}.document.number`, document.number),
    soggetto_emittente: p.text(`${path}.document.issuedBy`, document.issuedBy),
    data_emissione: p.date(`${path}.document.issueDate`, document.issueDate),
    data_scadenza: p.date(`${path}.document.expiryDate`, document.expiryDate),
  };
  if (input.notes !== undefined && input.notes.trim() !== "") anagrafica.note = input.notes.trim();
  return anagrafica;
}

// Reads keep blanks as "" and an unparseable date raw rather than failing: the upstream's own
// examples carry placeholders, and the applicant on record is the gateway's, not this copy.
function isoOrRaw(date: string | undefined): string {
  if (date === undefined || date.trim() === "") return "";
  return upstreamDateToIso(date) ?? date;
}

/** Upstream `anagrafica` → English applicant (dates to ISO; an unparseable date is kept as sent). */
export function fromAnagrafica(a: UpstreamAnagrafica): ApplicantInput {
  const applicant: ApplicantInput = {
    firstName: a.nome ?? "",
    lastName: a.cognome ?? "",
    email: a.email ?? "",
    phone: a.cellulare ?? "",
    taxCode: a.codice_fiscale ?? "",
    birthDate: isoOrRaw(a.data_nascita),
    sex: (a.sesso ?? "").trim().toUpperCase() as Sex,
    birthPlace: a.comune_nascita ?? "",
    birthProvince: a.provincia_nascita ?? "",
    birthCountry: a.nazione_nascita ?? "",
    residence: {
      address: a.indirizzo_residenza ?? "",
      city: a.comune_residenza ?? "",
      province: a.provincia_residenza ?? "",
      postalCode: a.cap_residenza ?? "",
      country: a.nazione_residenza ?? "",
    },
    shipping: {
      recipient: a.destinatario ?? "",
      address: a.indirizzo_spedizione ?? "",
      city: a.comune_spedizione ?? "",
      province: a.provincia_spedizione ?? "",
      postalCode: a.cap_spedizione ?? "",
    },
    document: {
      type: a.tipo_documento ?? "",
      number: a.numero_documento ?? "",
      issuedBy: a.soggetto_emittente ?? "",
      issueDate: isoOrRaw(a.data_emissione),
      expiryDate: isoOrRaw(a.data_scadenza),
    },
  };
  if (a.note !== undefined && a.note !== "") applicant.notes = a.note;
  return applicant;
}

/** English recipient → upstream `anagrafica_spedizione`; BAD_USER_INPUT listing every bad field. */
export function toAnagraficaSpedizione(input: ShippingRecipientInput, path = "recipient"): UpstreamAnagraficaSpedizione {
  const p = new InputProblems();
  const r = input ?? ({} as ShippingRecipientInput);
  const out: UpstreamAnagraficaSpedizione = {
    destinatario: p.text(`${path}.recipient`, r.recipient),
    email: p.text(`${path}.email`, r.email),
    cellulare: p.text(`${path}.phone`, r.phone),
    indirizzo_spedizione: p.text(`${path}.address`, r.address),
    comune_spedizione: p.text(`${path}.city`, r.city),
    provincia_spedizione: p.text(`${path}.province`, r.province),
    cap_spedizione: p.text(`${path}.postalCode`, r.postalCode),
  };
  if (r.notes !== undefined && r.notes.trim() !== "") out.note = r.notes.trim();
  p.throwIfAny(path);
  return out;
}

/** Upstream `anagrafica_spedizione` → English recipient. */
export function fromAnagraficaSpedizione(a: UpstreamAnagraficaSpedizione): ShippingRecipientInput {
  const out: ShippingRecipientInput = {
    recipient: a.destinatario ?? "",
    email: a.email ?? "",
    phone: a.cellulare ?? "",
    address: a.indirizzo_spedizione ?? "",
    city: a.comune_spedizione ?? "",
    province: a.provincia_spedizione ?? "",
    postalCode: a.cap_spedizione ?? "",
  };
  if (a.note !== undefined && a.note !== "") out.notes = a.note;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Order bodies

/** Where the upstream reports changes, and the gateway's id it echoes back in `callback.data`. */
export interface CallbackInput {
  url: string;
  gatewayRequestId: string;
}

/** A file for the upstream: base64 content and its name. */
export interface FileInput {
  fileName: string;
  contentBase64: string;
}

interface OrderCommon {
  callback: CallbackInput;
  /** Product assistance (`assistenza`); sent explicitly, default false. */
  assistance?: boolean;
}

export interface SignatureOrderInput extends OrderCommon {
  /** `urgenza`; default false. */
  urgent?: boolean;
  /** `spedizione`; default STANDARD. */
  shipping?: ShippingSpeed;
  applicant: ApplicantInput;
  /** The signed registration form, when already at hand. */
  form?: FileInput;
  idDocument?: FileInput;
}

export interface ArubaOrderInput extends OrderCommon {
  urgent?: boolean;
  shipping?: ShippingSpeed;
  videoRecognition?: boolean;
  applicant: ApplicantInput;
  /** Required by the upstream for Aruba products. */
  idDocument: FileInput;
}

export interface VideoOrderInput extends OrderCommon {
  urgent?: boolean;
  email: string;
  phone: string;
}

export interface DeviceOnlyOrderInput extends OrderCommon {
  urgent?: boolean;
  shipping?: ShippingSpeed;
  recipient: ShippingRecipientInput;
  /** Default 1. */
  quantity?: number;
}

export type RenewalOrderInput = OrderCommon;

export interface VideoUpgradeOrderInput {
  /** The upstream id of the request to upgrade. */
  requestId: string;
  /** Its `codice_richiesta`, when known. */
  requestCode?: string;
}

export interface OrderInputByFamily {
  SIGNATURE: SignatureOrderInput;
  ARUBA: ArubaOrderInput;
  VIDEO: VideoOrderInput;
  DEVICE_ONLY: DeviceOnlyOrderInput;
  RENEWAL: RenewalOrderInput;
  VIDEO_UPGRADE: VideoUpgradeOrderInput;
}

export interface UpstreamOrderBodyByFamily {
  SIGNATURE: UpstreamPostBodyFirme;
  ARUBA: UpstreamPostBodyFirmeAruba;
  VIDEO: UpstreamPostBodyFirmeVideoriconoscimento;
  DEVICE_ONLY: UpstreamPostBodyLettore;
  RENEWAL: UpstreamPostBodyRinnovi;
  VIDEO_UPGRADE: UpstreamPostBodyVideoriconoscimento;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function callbackOf(p: InputProblems, input: CallbackInput | undefined, path: string): UpstreamCallback {
  const url = p.text(`${path}.url`, input?.url);
  if (url !== "") {
    let ok = false;
    try {
      const protocol = new URL(url).protocol;
      ok = protocol === "https:" || protocol === "http:";
    } catch {
      ok = false;
    }
    if (!ok) p.list.push({ path: `${path}.url`, message: `expected an absolute http(s) URL, received ${JSON.stringify(url)}` });
  }
  const gatewayRequestId = p.text(`${path}.gatewayRequestId`, input?.gatewayRequestId);
  // JSON so the callback arrives as `{"data": <request object>}`, the shape the callback route parses.
  return { url, method: "JSON", field: "data", data: { gatewayRequestId } };
}

function fileOf(p: InputProblems, file: FileInput | undefined, path: string): { content: string; name: string } {
  const name = p.text(`${path}.fileName`, file?.fileName);
  const content = p.text(`${path}.contentBase64`, file?.contentBase64).replace(/\s+/g, "");
  if (content !== "" && !BASE64.test(content)) {
    p.list.push({ path: `${path}.contentBase64`, message: "expected base64 content" });
  }
  return { content, name };
}

function speedOf(p: InputProblems, speed: ShippingSpeed | undefined, path: string): UpstreamSpedizione {
  if (speed === undefined) return "ordinaria";
  if (speed !== "STANDARD" && speed !== "PRIORITY" && speed !== "EXPRESS") {
    p.list.push({ path, message: `expected STANDARD, PRIORITY or EXPRESS, received ${JSON.stringify(speed)}` });
    return "ordinaria";
  }
  return spedizioneOf(speed);
}

/**
 * Builds the flat Italian body of POST /richiesta/{codice_prodotto} for a family. Booleans and
 * the shipping speed are always sent: an order spends money, so nothing is left to upstream defaults.
 * Throws BAD_USER_INPUT listing every invalid field, before anything is sent.
 */
export function toUpstreamOrderBody<F extends ProductFamily>(family: F, input: OrderInputByFamily[F]): UpstreamOrderBodyByFamily[F] {
  const p = new InputProblems();
  const body = buildOrderBody(p, family, input);
  p.throwIfAny(`order body for ${family}`);
  return body as UpstreamOrderBodyByFamily[F];
}

function buildOrderBody(p: InputProblems, family: ProductFamily, raw: unknown): UpstreamOrderBodyByFamily[ProductFamily] {
  switch (family) {
    case "SIGNATURE": {
      const input = raw as SignatureOrderInput;
      const body: UpstreamPostBodyFirme = {
        assistenza: input.assistance ?? false,
        urgenza: input.urgent ?? false,
        spedizione: speedOf(p, input.shipping, "input.shipping"),
        callback: callbackOf(p, input.callback, "input.callback"),
        anagrafica: buildAnagrafica(p, input.applicant ?? ({} as ApplicantInput), "input.applicant"),
      };
      if (input.idDocument !== undefined) {
        const f = fileOf(p, input.idDocument, "input.idDocument");
        body.documento = f.content;
        body.nome_documento = f.name;
      }
      if (input.form !== undefined) {
        const f = fileOf(p, input.form, "input.form");
        body.modulo = f.content;
        body.nome_modulo = f.name;
      }
      return body;
    }
    case "ARUBA": {
      const input = raw as ArubaOrderInput;
      const document = fileOf(p, input.idDocument, "input.idDocument");
      return {
        assistenza: input.assistance ?? false,
        urgenza: input.urgent ?? false,
        spedizione: speedOf(p, input.shipping, "input.shipping"),
        documento: document.content,
        nome_documento: document.name,
        videoriconoscimento: input.videoRecognition ?? false,
        anagrafica: buildAnagrafica(p, input.applicant ?? ({} as ApplicantInput), "input.applicant"),
        callback: callbackOf(p, input.callback, "input.callback"),
      } satisfies UpstreamPostBodyFirmeAruba;
    }
    case "VIDEO": {
      const input = raw as VideoOrderInput;
      return {
        assistenza: input.assistance ?? false,
        urgenza: input.urgent ?? false,
        email: p.text("input.email", input.email),
        cellulare: p.text("input.phone", input.phone),
        callback: callbackOf(p, input.callback, "input.callback"),
      } satisfies UpstreamPostBodyFirmeVideoriconoscimento;
    }
    case "DEVICE_ONLY": {
      const input = raw as DeviceOnlyOrderInput;
      const quantity = input.quantity ?? 1;
      if (!Number.isSafeInteger(quantity) || quantity < 1) {
        p.list.push({ path: "input.quantity", message: `expected an integer >= 1, received ${JSON.stringify(input.quantity)}` });
      }
      const recipient = input.recipient ?? ({} as ShippingRecipientInput);
      const anagraficaSpedizione: UpstreamAnagraficaSpedizione = {
        destinatario: p.text("input.recipient.recipient", recipient.recipient),
        email: p.text("input.recipient.email", recipient.email),
        cellulare: p.text("input.recipient.phone", recipient.phone),
        indirizzo_spedizione: p.text("input.recipient.address", recipient.address),
        comune_spedizione: p.text("input.recipient.city", recipient.city),
        provincia_spedizione: p.text("input.recipient.province", recipient.province),
        cap_spedizione: p.text("input.recipient.postalCode", recipient.postalCode),
      };
      if (recipient.notes !== undefined && recipient.notes.trim() !== "") anagraficaSpedizione.note = recipient.notes.trim();
      return {
        assistenza: input.assistance ?? false,
        urgenza: input.urgent ?? false,
        spedizione: speedOf(p, input.shipping, "input.shipping"),
        callback: callbackOf(p, input.callback, "input.callback"),
        anagrafica_spedizione: anagraficaSpedizione,
        quantita: quantity,
      } satisfies UpstreamPostBodyLettore;
    }
    case "RENEWAL": {
      const input = raw as RenewalOrderInput;
      return {
        assistenza: input.assistance ?? false,
        callback: callbackOf(p, input.callback, "input.callback"),
      } satisfies UpstreamPostBodyRinnovi;
    }
    case "VIDEO_UPGRADE": {
      const input = raw as VideoUpgradeOrderInput;
      const body: UpstreamPostBodyVideoriconoscimento = { id: p.text("input.requestId", input.requestId) };
      if (input.requestCode !== undefined) body.codice_richiesta = p.text("input.requestCode", input.requestCode);
      return body;
    }
    default: {
      const never: never = family;
      throw new TypeError(`expected a ProductFamily, received ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading requests and products

/** The issued device, without PIN, PUK and emergency code (they never leave the gateway). */
export interface ProviderDevice {
  /** Courier tracking code (`codice_spedizione`). */
  trackingCode: string | null;
  /** Number of the sealed envelope with the activation codes (`numero_busta`). */
  envelopeNumber: string | null;
  deviceNumber: string | null;
  cardCode: string | null;
  userCode: string | null;
  /** Identificativo Univoco del Titolare. */
  iut: string | null;
  alias: string | null;
}

/** Per family: renewal `token`, FIREST `codice`, video products' `username`. */
export interface ProviderCredentials {
  token: string | null;
  code: string | null;
  username: string | null;
}

/** The supplier handling a request: where the signed form is sent, whom to ask. */
export interface ProviderSupplier {
  companyName: string | null;
  registeredOffice: string | null;
  vatNumber: string | null;
  legalRepresentative: string | null;
  supportEmail: string | null;
  accountingEmail: string | null;
  supportPhone: string | null;
  recognitionOffice: string | null;
}

export interface ProviderTimestamps {
  purchasedAt: Date | null;
  registeredAt: Date | null;
  issuedAt: Date | null;
  fulfilledAt: Date | null;
  expiresAt: Date | null;
}

/**
 * A request as the gateway reads it. Personal data (anagrafica, contact) is left out on purpose:
 * the gateway holds its own applicant record; use fromAnagrafica when a copy is really needed.
 */
export interface ProviderSignatureRequest {
  upstreamId: string;
  requestCode: string | null;
  productCode: string;
  productName: string | null;
  family: ProductFamily | null;
  authority: CertificationAuthority | null;
  status: SignatureRequestStatus;
  /** The raw `stato`, kept for logs when status is UNKNOWN. */
  upstreamStatus: string;
  owner: string | null;
  assistance: boolean;
  urgent: boolean;
  shipping: ShippingSpeed | null;
  videoRecognition: boolean;
  quantity: number | null;
  formUploaded: boolean;
  documentUploaded: boolean;
  timestamps: ProviderTimestamps;
  /** The id the gateway put in `callback.data` when ordering; null for requests it did not place. */
  gatewayRequestId: string | null;
  device: ProviderDevice | null;
  credentials: ProviderCredentials | null;
  supplier: ProviderSupplier | null;
}

function filled(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function deviceOf(firma: UpstreamFirma | undefined): ProviderDevice | null {
  if (firma === undefined || firma === null) return null;
  // Listed field by field (never spread) so pin, puk and codice_emergenza cannot slip through.
  const device: ProviderDevice = {
    trackingCode: filled(firma.codice_spedizione),
    envelopeNumber: filled(firma.numero_busta),
    deviceNumber: filled(firma.numero_dispositivo),
    cardCode: filled(firma.codice_carta),
    userCode: filled(firma.codice_utente),
    iut: filled(firma.iut),
    alias: filled(firma.alias),
  };
  return Object.values(device).some((v) => v !== null) ? device : null;
}

function supplierOf(f: UpstreamFornitore | undefined): ProviderSupplier | null {
  if (f === undefined || f === null) return null;
  return {
    companyName: filled(f.ragione_sociale),
    registeredOffice: filled(f.sede_legale),
    vatNumber: filled(f.partita_iva),
    legalRepresentative: filled(f.legale_rappresentante),
    supportEmail: filled(f.email_assistenza),
    accountingEmail: filled(f.email_contabilita),
    supportPhone: filled(f.telefono_assistenza),
    recognitionOffice: filled(f.sede_riconoscimento),
  };
}

/** Upstream request object → the gateway's English view (no PIN/PUK/emergency code, no personal data). */
export function fromUpstreamRequest(r: UpstreamRequest): ProviderSignatureRequest {
  const ts = r.timestamp ?? {};
  const callbackData = r.callback?.data;
  const gatewayRequestId =
    callbackData !== undefined && callbackData !== null && typeof callbackData.gatewayRequestId === "string"
      ? callbackData.gatewayRequestId
      : null;
  const credentials =
    r.credenziali === undefined || r.credenziali === null
      ? null
      : {
          token: filled(r.credenziali.token),
          code: filled(r.credenziali.codice),
          username: filled(r.credenziali.username),
        };
  const requestCode =
    typeof r.codice_richiesta === "string" || typeof r.codice_richiesta === "number" ? String(r.codice_richiesta) : null;
  return {
    upstreamId: r.id,
    requestCode,
    productCode: r.codice_prodotto,
    productName: filled(r.prodotto),
    family: familyOfCode(r.codice_prodotto),
    authority: authorityOfTipo(r.tipo),
    status: statusFromStato(r.stato),
    upstreamStatus: r.stato,
    owner: filled(r.owner),
    assistance: r.assistenza === true,
    urgent: r.urgenza === true,
    shipping: shippingSpeedFromSpedizione(r.spedizione),
    videoRecognition: r.videoriconoscimento === true,
    quantity: typeof r.quantita === "number" ? r.quantita : null,
    formUploaded: r.modulo === true,
    documentUploaded: r.documento === true,
    timestamps: {
      purchasedAt: dateFromUnixSeconds(ts.acquisto),
      registeredAt: dateFromUnixSeconds(ts.registrazione),
      issuedAt: dateFromUnixSeconds(ts.emissione),
      fulfilledAt: dateFromUnixSeconds(ts.evasione),
      expiresAt: dateFromUnixSeconds(ts.scadenza),
    },
    gatewayRequestId,
    device: deviceOf(r.firma),
    credentials: credentials !== null && Object.values(credentials).some((v) => v !== null) ? credentials : null,
    supplier: supplierOf(r.fornitore),
  };
}

/** A catalogue entry in English, price in integer cents (without VAT, as upstream). */
export interface ProviderProduct {
  code: string;
  name: string;
  authority: CertificationAuthority | null;
  /** null: listed but not orderable through /richiesta (e.g. SPID_PER). */
  family: ProductFamily | null;
  priceCents: number;
  currency: "EUR";
  /** A blank device or a reader (`vergine`). */
  blank: boolean;
}

/** Upstream `Prodotto` → English product; a price that is not a finite number is a bad upstream answer. */
export function fromUpstreamProduct(p: UpstreamProduct): ProviderProduct {
  if (typeof p.prezzo !== "number" || !Number.isFinite(p.prezzo)) {
    throw new UpstreamUnavailableError({
      reason: "bad_response",
      message: `product ${JSON.stringify(p.codice_prodotto)}: expected a numeric prezzo, received ${JSON.stringify(p.prezzo)}`,
    });
  }
  return {
    code: p.codice_prodotto,
    name: p.nome,
    authority: authorityOfTipo(p.tipo),
    family: familyOfCode(p.codice_prodotto),
    priceCents: euroToCents(p.prezzo),
    currency: "EUR",
    blank: p.vergine === true,
  };
}
