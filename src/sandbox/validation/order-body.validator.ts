import { type ProductFamily } from "../catalogue/index.js";
import { decodeBase64Strict } from "../documents/base64.js";
import { Errors, type SandboxError, ValidationErrors as V } from "../sandbox-error.js";
import { checkBodyBounds } from "./body-bounds.js";
import {
  isValidEmail,
  isValidItalianCap,
  isValidPhone,
  isValidProvince,
  italianCalendarDate,
  parseItalianDate,
  validateTaxCode,
} from "../../validation/index.js";

type Body = Record<string, unknown>;

/** The `spedizione` values of the spec's enum; `ordinaria` is the default when absent. */
export const SPEDIZIONE_VALUES = ["ordinaria", "prioritaria", "veloce"] as const;
/** The `callback.method` values of the spec's enum; `POST` is the default when absent. */
export const CALLBACK_METHODS = ["POST", "JSON"] as const;

/** Fields of `Anagrafica` in the spec's order; every one is required except `note`. */
export const ANAGRAFICA_FIELDS = [
  "nome", "cognome", "email", "cellulare", "codice_fiscale", "data_nascita", "sesso",
  "comune_nascita", "provincia_nascita", "nazione_nascita", "indirizzo_residenza",
  "comune_residenza", "provincia_residenza", "cap_residenza", "nazione_residenza",
  "destinatario", "indirizzo_spedizione", "comune_spedizione", "provincia_spedizione",
  "cap_spedizione", "tipo_documento", "numero_documento", "soggetto_emittente",
  "data_emissione", "data_scadenza",
] as const;

/** Fields of `AnagraficaSpedizione`; every one is required except `note`. */
export const ANAGRAFICA_SPEDIZIONE_FIELDS = [
  "destinatario", "email", "cellulare", "indirizzo_spedizione", "comune_spedizione",
  "provincia_spedizione", "cap_spedizione",
] as const;

/**
 * Validates a POST /richiesta/{codice_prodotto} body against its family's schema and the checks a
 * real registration authority makes (existing dates, unexpired ID document, a codice fiscale that
 * matches birth date and sex, Italian CAPs, e-mails, phones). Returns the first error, or null.
 * `today` is the caller's clock: the ID document must be valid on its Italian calendar date.
 * Unknown fields are ignored, as the upstream does.
 */
export function validateOrderBody(family: ProductFamily, body: unknown, today: Date): SandboxError | null {
  if (!isObject(body)) return V.bodyNotObject();
  const outOfBounds = checkBodyBounds(body);
  if (outOfBounds !== null) return outOfBounds;
  switch (family) {
    case "firme":
      return firstError(
        () => commonOptions(body, { spedizione: true }),
        () => anagrafica(body, today),
        () => optionalFile(body, "documento", "nome_documento"),
        () => optionalFile(body, "modulo", "nome_modulo"),
      );
    case "aruba":
      return firstError(
        () => commonOptions(body, { spedizione: true }),
        () => optionalBoolean(body, "videoriconoscimento"),
        () => anagrafica(body, today),
        () => requiredFile(body, "documento", "nome_documento"),
      );
    case "video":
      return firstError(
        () => commonOptions(body, { spedizione: false }),
        () => requiredString(body, "email", "email") ?? (isValidEmail(body.email as string) ? null : Errors.emailNotValid()),
        () => requiredString(body, "cellulare", "cellulare") ?? phone(body.cellulare as string, "cellulare"),
      );
    case "lettore":
      return firstError(
        () => commonOptions(body, { spedizione: true }),
        () => quantita(body),
        () => anagraficaSpedizione(body),
      );
    case "rinnovo":
      return firstError(() => optionalBoolean(body, "assistenza"), () => callback(body));
    case "videoric":
      return videoric(body);
    default: {
      const unreachable: never = family;
      throw new Error(`validateOrderBody: unknown family ${String(unreachable)}`);
    }
  }
}

function commonOptions(body: Body, opts: { spedizione: boolean }): SandboxError | null {
  return firstError(
    () => optionalBoolean(body, "assistenza"),
    () => optionalBoolean(body, "urgenza"),
    () => (opts.spedizione ? spedizione(body) : null),
    () => callback(body),
  );
}

function spedizione(body: Body): SandboxError | null {
  const value = body.spedizione;
  if (value === undefined) return null;
  if (typeof value !== "string") return V.wrongType("spedizione", "string", value);
  if (!(SPEDIZIONE_VALUES as readonly string[]).includes(value)) {
    return V.invalidValue("spedizione", `expected one of ${SPEDIZIONE_VALUES.join(", ")}, got "${value}"`);
  }
  return null;
}

function quantita(body: Body): SandboxError | null {
  const value = body.quantita;
  if (value === undefined) return null;
  if (typeof value !== "number") return V.wrongType("quantita", "integer", value);
  if (!Number.isInteger(value) || value < 1) return V.invalidValue("quantita", `expected an integer >= 1, got ${value}`);
  return null;
}

function callback(body: Body): SandboxError | null {
  const cb = body.callback;
  if (cb === undefined) return null;
  if (!isObject(cb)) return V.wrongType("callback", "object", cb);
  const url = cb.url;
  if (url === undefined || url === "") return V.required("callback.url");
  if (typeof url !== "string") return V.wrongType("callback.url", "string", url);
  if (!isHttpUrl(url)) return V.invalidValue("callback.url", `expected an absolute http(s) URL, got "${url}"`);
  if (cb.method !== undefined) {
    if (typeof cb.method !== "string") return V.wrongType("callback.method", "string", cb.method);
    if (!(CALLBACK_METHODS as readonly string[]).includes(cb.method)) {
      return V.invalidValue("callback.method", `expected one of ${CALLBACK_METHODS.join(", ")}, got "${cb.method}"`);
    }
  }
  if (cb.field !== undefined) {
    if (typeof cb.field !== "string") return V.wrongType("callback.field", "string", cb.field);
    if (cb.field.trim() === "") return V.invalidValue("callback.field", "expected a non-empty field name");
  }
  if (cb.data !== undefined && !isObject(cb.data)) return V.wrongType("callback.data", "object", cb.data);
  return null;
}

function anagrafica(body: Body, today: Date): SandboxError | null {
  const a = body.anagrafica;
  if (a === undefined || a === null) return Errors.anagraficaRequired("anagrafica");
  if (!isObject(a)) return V.wrongType("anagrafica", "object", a);
  for (const field of ANAGRAFICA_FIELDS) {
    const err = requiredString(a, field, `anagrafica.${field}`);
    if (err !== null) return err;
  }
  const s = a as Record<(typeof ANAGRAFICA_FIELDS)[number], string>;
  if (!isValidEmail(s.email)) return Errors.emailNotValid();
  const todayDate = italianCalendarDate(today);

  const birth = parseItalianDate(s.data_nascita);
  if (birth === null) return V.invalidDate("anagrafica.data_nascita", `expected an existing dd/mm/yyyy date, got "${s.data_nascita}"`);
  if (birth > todayDate) return V.invalidDate("anagrafica.data_nascita", "is in the future");
  const sex = s.sesso.toUpperCase();
  if (sex !== "M" && sex !== "F") return V.invalidValue("anagrafica.sesso", `expected M or F, got "${s.sesso}"`);

  const taxCode = validateTaxCode(s.codice_fiscale, { birthDate: birth, sex });
  if (!taxCode.ok) return V.invalidTaxCode("anagrafica.codice_fiscale", TAX_CODE_REASONS[taxCode.reason]);

  const issued = parseItalianDate(s.data_emissione);
  if (issued === null) return V.invalidDate("anagrafica.data_emissione", `expected an existing dd/mm/yyyy date, got "${s.data_emissione}"`);
  if (issued > todayDate) return V.invalidDate("anagrafica.data_emissione", "is in the future");
  if (issued < birth) return V.invalidDate("anagrafica.data_emissione", "is before data_nascita");
  const expires = parseItalianDate(s.data_scadenza);
  if (expires === null) return V.invalidDate("anagrafica.data_scadenza", `expected an existing dd/mm/yyyy date, got "${s.data_scadenza}"`);
  if (expires <= issued) return V.invalidDate("anagrafica.data_scadenza", "is not after data_emissione");
  // A document is valid through its expiry day.
  if (expires < todayDate) return V.documentExpired("anagrafica.data_scadenza");

  return firstError(
    () => phone(s.cellulare, "anagrafica.cellulare"),
    () => province(s.provincia_nascita, "anagrafica.provincia_nascita", { foreignAllowed: true }),
    () => province(s.provincia_residenza, "anagrafica.provincia_residenza", { foreignAllowed: !isItaly(s.nazione_residenza) }),
    // A CAP is Italian; a foreign residence has its own postcode format, so only Italy's is checked.
    () => (isItaly(s.nazione_residenza) ? cap(s.cap_residenza, "anagrafica.cap_residenza") : null),
    () => province(s.provincia_spedizione, "anagrafica.provincia_spedizione", { foreignAllowed: false }),
    () => cap(s.cap_spedizione, "anagrafica.cap_spedizione"),
    () => optionalString(a, "note", "anagrafica.note"),
  );
}

function anagraficaSpedizione(body: Body): SandboxError | null {
  const a = body.anagrafica_spedizione;
  if (a === undefined || a === null) return Errors.anagraficaRequired("anagrafica_spedizione");
  if (!isObject(a)) return V.wrongType("anagrafica_spedizione", "object", a);
  for (const field of ANAGRAFICA_SPEDIZIONE_FIELDS) {
    const err = requiredString(a, field, `anagrafica_spedizione.${field}`);
    if (err !== null) return err;
  }
  const s = a as Record<(typeof ANAGRAFICA_SPEDIZIONE_FIELDS)[number], string>;
  if (!isValidEmail(s.email)) return Errors.emailNotValid();
  return firstError(
    () => phone(s.cellulare, "anagrafica_spedizione.cellulare"),
    () => province(s.provincia_spedizione, "anagrafica_spedizione.provincia_spedizione", { foreignAllowed: false }),
    () => cap(s.cap_spedizione, "anagrafica_spedizione.cap_spedizione"),
    () => optionalString(a, "note", "anagrafica_spedizione.note"),
  );
}

function videoric(body: Body): SandboxError | null {
  const id = body.id;
  if (id === undefined || id === null || id === "") return V.required("id");
  if (typeof id !== "string") return V.wrongType("id", "string", id);
  // Same answer as GET /richiesta/{id} with a malformed id.
  if (!/^[0-9a-f]{24}$/i.test(id)) return Errors.invalidId();
  return optionalString(body, "codice_richiesta", "codice_richiesta");
}

function requiredFile(body: Body, file: string, name: string): SandboxError | null {
  if (body[file] === undefined || body[file] === "") return V.required(file);
  if (body[name] === undefined || body[name] === "") return V.required(name);
  return optionalFile(body, file, name);
}

function optionalFile(body: Body, file: string, name: string): SandboxError | null {
  const bytes = body[file];
  if (bytes !== undefined) {
    if (typeof bytes !== "string") return V.wrongType(file, "base64 string", bytes);
    if (decodeBase64Strict(bytes) === null) return V.invalidBase64(file);
  }
  return optionalString(body, name, name);
}

const TAX_CODE_REASONS = {
  format: "expected 16 characters in the codice fiscale format",
  check_character: "check character does not match",
  birth_date_mismatch: "does not match data_nascita",
  sex_mismatch: "does not match sesso",
} as const;

function phone(value: string, path: string): SandboxError | null {
  return isValidPhone(value) ? null : V.invalidValue(path, `expected an Italian phone number, got "${value}"`);
}

function cap(value: string, path: string): SandboxError | null {
  return isValidItalianCap(value) ? null : V.invalidValue(path, `expected a 5-digit CAP, got "${value}"`);
}

// The spec's own examples send province names ("terni"), so names are accepted; a two-letter value
// must be a real sigla (case-insensitive), "EE" (estero) only where a foreign place is possible.
function province(value: string, path: string, opts: { foreignAllowed: boolean }): SandboxError | null {
  const trimmed = value.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const sigla = trimmed.toUpperCase();
    if (isValidProvince(sigla) || (opts.foreignAllowed && sigla === "EE")) return null;
    return V.invalidValue(path, `expected an Italian province, got "${value}"`);
  }
  if (/^[\p{L}][\p{L}' .\-/]+$/u.test(trimmed)) return null;
  return V.invalidValue(path, `expected an Italian province, got "${value}"`);
}

function isItaly(nation: string): boolean {
  return ["italia", "italy", "it", "ita"].includes(nation.trim().toLowerCase());
}

function requiredString(obj: Body, key: string, path: string): SandboxError | null {
  const value = obj[key];
  if (value === undefined || value === null) return V.required(path);
  if (typeof value !== "string") return V.wrongType(path, "string", value);
  if (value.trim() === "") return V.required(path);
  return null;
}

function optionalString(obj: Body, key: string, path: string): SandboxError | null {
  const value = obj[key];
  if (value === undefined || typeof value === "string") return null;
  return V.wrongType(path, "string", value);
}

function optionalBoolean(obj: Body, key: string): SandboxError | null {
  const value = obj[key];
  if (value === undefined || typeof value === "boolean") return null;
  return V.wrongType(key, "boolean", value);
}

function isHttpUrl(s: string): boolean {
  try {
    const url = new URL(s);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstError(...checks: (() => SandboxError | null)[]): SandboxError | null {
  for (const check of checks) {
    const err = check();
    if (err !== null) return err;
  }
  return null;
}
