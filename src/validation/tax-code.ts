import { createRequire } from "node:module";

interface CodiceFiscaleStatics {
  check(codiceFiscale: string): boolean;
}

// codice-fiscale-js carries Italy's municipalities and countries (several MiB of heap): it is loaded
// on the first tax code checked, not when the gateway starts, and synchronously, so validation stays
// synchronous. The package is CommonJS and exports `{ CodiceFiscale }`, while its typings claim a
// default export: take the class from whichever shape the loader produced.
let codiceFiscale: CodiceFiscaleStatics | undefined;

function codiceFiscaleClass(): CodiceFiscaleStatics {
  if (codiceFiscale === undefined) {
    const mod = createRequire(import.meta.url)("codice-fiscale-js") as {
      CodiceFiscale?: CodiceFiscaleStatics;
      default?: CodiceFiscaleStatics & { CodiceFiscale?: CodiceFiscaleStatics };
    };
    const found = mod.CodiceFiscale ?? mod.default?.CodiceFiscale ?? mod.default;
    if (typeof found?.check !== "function") throw new Error("codice-fiscale-js: CodiceFiscale class not found");
    codiceFiscale = found;
  }
  return codiceFiscale;
}

export type TaxCodeResult =
  | { ok: true }
  | { ok: false; reason: "format" | "check_character" | "birth_date_mismatch" | "sex_mismatch" };

// Omocodia: when two people would share a code, the registry replaces digits (from the right) with
// these letters, so every digit position may also hold one of them.
const OMOCODE_LETTERS = "LMNPQRSTUV";
const D = "[0-9LMNPQRSTUV]";
const TAX_CODE = new RegExp(`^[A-Z]{6}${D}{2}[ABCDEHLMPRST]${D}{2}[A-Z]${D}{3}[A-Z]$`);
const MONTH_LETTERS = "ABCDEHLMPRST";

/**
 * Validates an Italian codice fiscale (case-insensitive, omocode variants accepted) and, when
 * given, its consistency with the holder's birth date and sex.
 */
export function validateTaxCode(code: string, expect?: { birthDate?: Date; sex?: "M" | "F" }): TaxCodeResult {
  const cf = code.toUpperCase();
  if (!TAX_CODE.test(cf)) return { ok: false, reason: "format" };
  const encoded = decodeBirth(cf);
  if (encoded === null) return { ok: false, reason: "format" };
  if (!codiceFiscaleClass().check(cf)) return { ok: false, reason: "check_character" };
  if (expect?.birthDate !== undefined) {
    const b = expect.birthDate;
    // The code holds only two year digits; the century cannot be checked.
    if (
      encoded.day !== b.getUTCDate() ||
      encoded.month !== b.getUTCMonth() + 1 ||
      encoded.yearTwoDigits !== b.getUTCFullYear() % 100
    ) {
      return { ok: false, reason: "birth_date_mismatch" };
    }
  }
  if (expect?.sex !== undefined && encoded.sex !== expect.sex) return { ok: false, reason: "sex_mismatch" };
  return { ok: true };
}

/** The birth data encoded in a well-formed codice fiscale (undoing omocodia), or null if the day is impossible. */
export function decodeBirth(cf: string): { yearTwoDigits: number; month: number; day: number; sex: "M" | "F" } | null {
  const digits = (s: string): number => Number([...s].map(undoOmocode).join(""));
  const yearTwoDigits = digits(cf.slice(6, 8));
  const month = MONTH_LETTERS.indexOf(cf.charAt(8)) + 1;
  const rawDay = digits(cf.slice(9, 11));
  // Women's codes add 40 to the day of birth.
  const sex = rawDay > 40 ? "F" : "M";
  const day = sex === "F" ? rawDay - 40 : rawDay;
  if (month < 1 || day < 1 || day > 31) return null;
  return { yearTwoDigits, month, day, sex };
}

function undoOmocode(ch: string): string {
  const i = OMOCODE_LETTERS.indexOf(ch);
  return i === -1 ? ch : String(i);
}
