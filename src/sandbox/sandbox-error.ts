/**
 * Errors of the sandbox, shaped like ws.firmadigitale.com's: an HTTP status plus the envelope's
 * integer `error` code and `message`. The documented ones reuse the upstream's exact status, code
 * and text; the ones the spec leaves open use codes 260-272 (see SandboxCodes), which the spec
 * does not use, so clients can tell the sandbox's own checks apart from the upstream's.
 */
export interface SandboxError {
  status: number;
  error: number;
  message: string;
}

/** Builds a sandbox error. */
export function sandboxError(status: number, error: number, message: string): SandboxError {
  return { status, error, message };
}

/** True when `value` is a SandboxError (for unions such as `T | SandboxError`). */
export function isSandboxError(value: unknown): value is SandboxError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === "number" && typeof v.error === "number" && typeof v.message === "string";
}

/**
 * Sandbox-only error codes, for failures the upstream spec does not document. 400 for a body that
 * breaks the request schema, 413/415 for uploads that are too large or of the wrong kind.
 */
export const SandboxCodes = {
  /** the body is not a JSON object */
  bodyNotObject: 260,
  /** a required field is missing or empty */
  fieldRequired: 261,
  /** a field has the wrong JSON type */
  wrongType: 262,
  /** a field's value is outside its allowed set or format (enum, CAP, phone, URL, quantity, ...) */
  invalidValue: 263,
  /** a date is not an existing dd/mm/yyyy date, or is inconsistent (issued in the future, ...) */
  invalidDate: 264,
  /** the identity document has expired */
  documentExpired: 265,
  /** the codice fiscale is malformed, has a wrong check character, or contradicts birth date/sex */
  invalidTaxCode: 266,
  /** one or more strings are longer than their bound or carry control characters (docs/input-bounds.md) */
  outOfBounds: 267,
  /** an uploaded file is not valid base64 */
  invalidBase64: 270,
  /** an uploaded file is not of an accepted kind */
  unsupportedFile: 271,
  /** an uploaded file is larger than the sandbox accepts */
  fileTooLarge: 272,
} as const;

/** The upstream's documented errors, with its exact status, code and message. */
export const Errors = {
  /** POST /richiesta/{codice_prodotto} with an unknown code. */
  wrongProduct: (): SandboxError => sandboxError(400, 201, "wrong codice_prodotto"),
  /** POST /richiesta/{codice_prodotto} when the wallet cannot pay; the balance as the upstream prints it. */
  insufficientCredit: (balance: number): SandboxError =>
    sandboxError(402, 207, `Insufficient Credit in Wallet: ${formatBalance(balance)}`),
  /** GET /spid_personale when Namirial has no vouchers left (the spec's 422 example). */
  spidSoldOut: (): SandboxError => sandboxError(422, 800, "spid personale sold out"),
  /** GET /spid_personale when the wallet cannot pay (the spec's 402 example: code 801, not 207). */
  spidInsufficientCredit: (balance: number): SandboxError =>
    sandboxError(402, 801, `Insufficient Credit in Wallet: ${formatBalance(balance)}`),
  /** POST /richiesta/{codice_prodotto} with a malformed e-mail. */
  emailNotValid: (): SandboxError => sandboxError(406, 247, "email not valid"),
  /** POST /richiesta/{codice_prodotto} without `anagrafica` (or `anagrafica_spedizione`: same code, field named). */
  anagraficaRequired: (field: "anagrafica" | "anagrafica_spedizione" = "anagrafica"): SandboxError =>
    sandboxError(428, 209, `${field} required`),
  /** GET /richiesta/{id} with an id that is not 24 hex characters. */
  invalidId: (): SandboxError => sandboxError(400, 211, "Invalid id"),
  /** GET /richiesta/{id} for an id that matches nothing; the upstream's message ends with the id. */
  noRequestForId: (id?: string): SandboxError =>
    sandboxError(404, 212, id === undefined ? "no request matches this id:" : `no request matches this id: ${id}`),
  /** PATCH /richiesta/{id} with a malformed id. */
  patchWrongId: (): SandboxError => sandboxError(400, 277, "wrong id"),
  /** PATCH /richiesta/{id} for an id that matches nothing. */
  patchNotFound: (): SandboxError => sandboxError(404, 278, "no request found"),
  /** PATCH /richiesta/{id} on a request with video recognition: no documents needed. */
  videoNotRequired: (): SandboxError =>
    sandboxError(406, 290, "videoriconoscimento is true, the operation is not required"),
  /** PATCH /richiesta/{id} on a request past registration. */
  alreadyProcessed: (): SandboxError => sandboxError(428, 279, "request already processed"),
  /** GET /richiesta when the account has none. */
  noRequests: (): SandboxError => sandboxError(404, 214, "no request related to your account"),
  /** GET /richiesta/{id}/modulo for a request that needs no form (served as text/plain, no code upstream). */
  formNotRequired: (): SandboxError => sandboxError(404, 0, "form not required for this request"),
} as const;

/** Builders for the sandbox-only validation errors; each message starts with the field's path. */
export const ValidationErrors = {
  bodyNotObject: (): SandboxError =>
    sandboxError(400, SandboxCodes.bodyNotObject, "body: expected a JSON object"),
  required: (path: string): SandboxError => sandboxError(400, SandboxCodes.fieldRequired, `${path}: required`),
  wrongType: (path: string, expected: string, got: unknown): SandboxError =>
    sandboxError(400, SandboxCodes.wrongType, `${path}: expected ${expected}, got ${describe(got)}`),
  invalidValue: (path: string, why: string): SandboxError =>
    sandboxError(400, SandboxCodes.invalidValue, `${path}: ${why}`),
  invalidDate: (path: string, why: string): SandboxError =>
    sandboxError(400, SandboxCodes.invalidDate, `${path}: ${why}`),
  documentExpired: (path: string): SandboxError =>
    sandboxError(400, SandboxCodes.documentExpired, `${path}: the identity document has expired`),
  invalidTaxCode: (path: string, why: string): SandboxError =>
    sandboxError(400, SandboxCodes.invalidTaxCode, `${path}: ${why}`),
  /** Every string out of bounds, each as `path: why`, joined with `; `. */
  outOfBounds: (problems: { path: string; message: string }[]): SandboxError =>
    sandboxError(400, SandboxCodes.outOfBounds, problems.map((p) => `${p.path}: ${p.message}`).join("; ")),
  invalidBase64: (field: string): SandboxError =>
    sandboxError(400, SandboxCodes.invalidBase64, `${field}: expected a base64-encoded file`),
  unsupportedFile: (field: string, expected: string, got: string): SandboxError =>
    sandboxError(415, SandboxCodes.unsupportedFile, `${field}: expected ${expected}, got ${got}`),
  fileTooLarge: (field: string, maxBytes: number): SandboxError =>
    sandboxError(413, SandboxCodes.fileTooLarge, `${field}: larger than ${maxBytes} bytes`),
} as const;

// The upstream prints the balance as a plain decimal ("182.03"); two decimals avoid float noise.
function formatBalance(balance: number): string {
  return Number.isInteger(balance) ? String(balance) : balance.toFixed(2);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
