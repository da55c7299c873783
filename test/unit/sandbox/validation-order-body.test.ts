import { describe, expect, it } from "vitest";
import { type ProductFamily } from "../../../src/sandbox/catalogue/index.js";
import { SandboxCodes } from "../../../src/sandbox/sandbox-error.js";
import { validateOrderBody } from "../../../src/sandbox/validation/order-body.validator.js";
import { ANAGRAFICA_FIELDS, ANAGRAFICA_SPEDIZIONE_FIELDS } from "../../../src/sandbox/validation/index.js";
import {
  APPLICANT_TAX_CODE,
  computeTaxCode,
  validAnagrafica,
  validAnagraficaSpedizione,
  validOrderBody,
} from "../../helpers/fixtures.js";

const TODAY = new Date("2026-11-28T10:00:00Z");
const FAMILIES: ProductFamily[] = ["firme", "aruba", "video", "lettore", "rinnovo", "videoric"];

const code = (status: number, error: number) => ({ status, error });
const REQUIRED = code(400, SandboxCodes.fieldRequired);
const WRONG_TYPE = code(400, SandboxCodes.wrongType);
const INVALID = code(400, SandboxCodes.invalidValue);
const BAD_DATE = code(400, SandboxCodes.invalidDate);
const EXPIRED = code(400, SandboxCodes.documentExpired);
const TAX_CODE = code(400, SandboxCodes.invalidTaxCode);
const BASE64 = code(400, SandboxCodes.invalidBase64);
const EMAIL = code(406, 247);
const ANAGRAFICA_REQUIRED = code(428, 209);

function check(family: ProductFamily, body: unknown) {
  const err = validateOrderBody(family, body, TODAY);
  return err === null ? null : { status: err.status, error: err.error };
}

function withAnagrafica(family: "firme" | "aruba", overrides: Record<string, unknown>) {
  return { ...validOrderBody(family), anagrafica: validAnagrafica(overrides) };
}

describe("validateOrderBody", () => {
  it.each(FAMILIES)("accepts the valid %s fixture", (family) => {
    expect(validateOrderBody(family, validOrderBody(family), TODAY)).toBeNull();
  });

  it.each(FAMILIES)("rejects a %s body that is not a JSON object", (family) => {
    for (const body of [null, [], "x", 3]) expect(check(family, body)).toEqual(code(400, SandboxCodes.bodyNotObject));
  });

  it("accepts minimal bodies that rely on the defaults", () => {
    expect(validateOrderBody("firme", { anagrafica: validAnagrafica() }, TODAY)).toBeNull();
    expect(validateOrderBody("lettore", { anagrafica_spedizione: validAnagraficaSpedizione() }, TODAY)).toBeNull();
    expect(validateOrderBody("rinnovo", {}, TODAY)).toBeNull();
    expect(validateOrderBody("video", { email: "a@b.it", cellulare: "3331234567" }, TODAY)).toBeNull();
  });

  it("accepts the spec's own style of values: lowercase tax code, province names, lowercase sex", () => {
    const anagrafica = validAnagrafica({ codice_fiscale: APPLICANT_TAX_CODE.toLowerCase(), provincia_residenza: "roma", provincia_nascita: "Roma", sesso: "m" });
    expect(validateOrderBody("firme", { anagrafica }, TODAY)).toBeNull();
  });

  describe("anagrafica (firme and aruba)", () => {
    it.each(["firme", "aruba"] as const)("answers 428/209 when %s has no anagrafica", (family) => {
      const { anagrafica: _omit, ...body } = validOrderBody(family);
      expect(check(family, body)).toEqual(ANAGRAFICA_REQUIRED);
      expect(check(family, { ...body, anagrafica: null })).toEqual(ANAGRAFICA_REQUIRED);
    });

    it.each(ANAGRAFICA_FIELDS.map((f) => [f]))("requires anagrafica.%s", (field) => {
      expect(check("firme", withAnagrafica("firme", { [field]: undefined }))).toEqual(REQUIRED);
      expect(check("firme", withAnagrafica("firme", { [field]: "  " }))).toEqual(REQUIRED);
      expect(check("aruba", withAnagrafica("aruba", { [field]: 42 }))).toEqual(WRONG_TYPE);
    });

    it("lets note be absent but not of another type", () => {
      expect(check("firme", withAnagrafica("firme", { note: undefined }))).toBeNull();
      expect(check("firme", withAnagrafica("firme", { note: 1 }))).toEqual(WRONG_TYPE);
    });

    it("rejects an anagrafica that is not an object", () => {
      expect(check("firme", { anagrafica: "Mario Rossi" })).toEqual(WRONG_TYPE);
    });

    it.each([
      ["an invalid email", { email: "mario.rossi@" }, EMAIL],
      ["a non-existing birth date", { data_nascita: "31/02/1985" }, BAD_DATE],
      ["a birth date in another format", { data_nascita: "1985-03-15" }, BAD_DATE],
      ["a birth date in the future", { data_nascita: "01/01/2030" }, BAD_DATE],
      ["a sex other than M/F", { sesso: "X" }, INVALID],
      ["a malformed tax code", { codice_fiscale: "RSSMRA85C15H501" }, TAX_CODE],
      ["a tax code with a wrong check character", { codice_fiscale: "RSSMRA85C15H501X" }, TAX_CODE],
      ["a tax code for another birth date", { data_nascita: "16/03/1985" }, TAX_CODE],
      ["a tax code for the other sex", { sesso: "F" }, TAX_CODE],
      ["a non-existing issue date", { data_emissione: "30/02/2020" }, BAD_DATE],
      ["an issue date in the future", { data_emissione: "01/12/2026" }, BAD_DATE],
      ["an issue date before birth", { data_emissione: "01/01/1980", data_scadenza: "01/01/2090" }, BAD_DATE],
      ["a non-existing expiry date", { data_scadenza: "32/01/2030" }, BAD_DATE],
      ["an expiry date before the issue date", { data_emissione: "10/01/2020", data_scadenza: "09/01/2020" }, BAD_DATE],
      ["an expired document", { data_emissione: "10/01/2016", data_scadenza: "27/11/2026" }, EXPIRED],
      ["an invalid mobile number", { cellulare: "12345" }, INVALID],
      ["a 4-digit residence CAP", { cap_residenza: "0186" }, INVALID],
      ["a shipping CAP with letters", { cap_spedizione: "00I86" }, INVALID],
      ["an unknown province code", { provincia_residenza: "XX" }, INVALID],
      ["a shipping province that is abroad", { provincia_spedizione: "EE" }, INVALID],
      ["a province made of digits", { provincia_spedizione: "123" }, INVALID],
    ])("rejects %s", (_label, overrides, expected) => {
      expect(check("firme", withAnagrafica("firme", overrides))).toEqual(expected);
      expect(check("aruba", withAnagrafica("aruba", overrides))).toEqual(expected);
    });

    it.each([
      ["a document expiring today (valid through its expiry day)", { data_scadenza: "28/11/2026" }],
      ["a foreign birth with province EE", { provincia_nascita: "EE", nazione_nascita: "Francia" }],
      ["a foreign residence with a non-Italian postcode", { nazione_residenza: "Francia", cap_residenza: "75001", provincia_residenza: "Paris" }],
      ["a female applicant", {
        nome: "Anna", cognome: "Bianchi", sesso: "F", data_nascita: "01/01/1990",
        codice_fiscale: computeTaxCode({ name: "Anna", surname: "Bianchi", gender: "F", day: 1, month: 1, year: 1990, birthplace: "Milano", birthplaceProvincia: "MI" }),
      }],
      ["an omocode tax code", { codice_fiscale: "RSSMRA85C15H50MJ" }],
    ])("accepts %s", (_label, overrides) => {
      expect(check("firme", withAnagrafica("firme", overrides))).toBeNull();
    });

    it("checks expiry against the Italian date of `today`", () => {
      const body = withAnagrafica("firme", { data_scadenza: "28/11/2026" });
      expect(validateOrderBody("firme", body, new Date("2026-11-28T22:59:00Z"))).toBeNull();
      // 23:30 UTC is already 29 November in Rome.
      expect(validateOrderBody("firme", body, new Date("2026-11-28T23:30:00Z"))).toMatchObject(EXPIRED);
    });
  });

  describe("common options", () => {
    it.each(["firme", "aruba", "lettore"] as const)("checks spedizione of %s against its enum", (family) => {
      for (const ok of ["ordinaria", "prioritaria", "veloce"]) expect(check(family, { ...validOrderBody(family), spedizione: ok })).toBeNull();
      expect(check(family, { ...validOrderBody(family), spedizione: "express" })).toEqual(INVALID);
      expect(check(family, { ...validOrderBody(family), spedizione: 1 })).toEqual(WRONG_TYPE);
    });

    it.each(["firme", "aruba", "video", "lettore", "rinnovo"] as const)("requires booleans for the flags of %s", (family) => {
      expect(check(family, { ...validOrderBody(family), assistenza: "true" })).toEqual(WRONG_TYPE);
      if (family !== "rinnovo") expect(check(family, { ...validOrderBody(family), urgenza: 1 })).toEqual(WRONG_TYPE);
    });

    it("requires videoriconoscimento to be a boolean for aruba", () => {
      expect(check("aruba", { ...validOrderBody("aruba"), videoriconoscimento: "no" })).toEqual(WRONG_TYPE);
      expect(check("aruba", { ...validOrderBody("aruba"), videoriconoscimento: true })).toBeNull();
    });

    it.each([
      ["a string", "https://x.example", WRONG_TYPE],
      ["no url", { method: "JSON" }, REQUIRED],
      ["a url that is not a string", { url: 1 }, WRONG_TYPE],
      ["a relative url", { url: "/hooks" }, INVALID],
      ["an ftp url", { url: "ftp://x.example/h" }, INVALID],
      ["an unknown method", { url: "https://x.example", method: "GET" }, INVALID],
      ["a method that is not a string", { url: "https://x.example", method: true }, WRONG_TYPE],
      ["an empty field", { url: "https://x.example", field: "" }, INVALID],
      ["a field that is not a string", { url: "https://x.example", field: 3 }, WRONG_TYPE],
      ["data that is an array", { url: "https://x.example", data: [1] }, WRONG_TYPE],
      ["data that is a string", { url: "https://x.example", data: "x" }, WRONG_TYPE],
    ])("rejects a callback with %s", (_label, callback, expected) => {
      for (const family of ["firme", "aruba", "video", "lettore", "rinnovo"] as const) {
        expect(check(family, { ...validOrderBody(family), callback })).toEqual(expected);
      }
    });

    it("accepts a callback with only a url, or an http url with POST", () => {
      expect(check("rinnovo", { callback: { url: "http://127.0.0.1:9999/cb" } })).toBeNull();
      expect(check("rinnovo", { callback: { url: "https://x.example/cb", method: "POST", field: "payload", data: {} } })).toBeNull();
    });
  });

  describe("documents inside the body", () => {
    it("requires documento and nome_documento for aruba", () => {
      const { documento: _d, ...noDocument } = validOrderBody("aruba");
      const { nome_documento: _n, ...noName } = validOrderBody("aruba");
      expect(check("aruba", noDocument)).toEqual(REQUIRED);
      expect(check("aruba", noName)).toEqual(REQUIRED);
    });

    it("rejects a documento that is not base64", () => {
      expect(check("aruba", { ...validOrderBody("aruba"), documento: "not base64!" })).toEqual(BASE64);
      expect(check("firme", { ...validOrderBody("firme"), modulo: "%%%%", nome_modulo: "m.pdf" })).toEqual(BASE64);
      expect(check("firme", { ...validOrderBody("firme"), documento: 12 })).toEqual(WRONG_TYPE);
    });

    it("accepts optional documento and modulo for firme", () => {
      const body = { ...validOrderBody("firme"), documento: "JVBERi0xLjc=", nome_documento: "d.pdf", modulo: "JVBERi0xLjc=", nome_modulo: "m.pdf" };
      expect(check("firme", body)).toBeNull();
    });
  });

  describe("video", () => {
    it.each([
      ["no email", { email: undefined }, REQUIRED],
      ["an invalid email", { email: "utente@gmail" }, EMAIL],
      ["an email that is not a string", { email: 1 }, WRONG_TYPE],
      ["no cellulare", { cellulare: undefined }, REQUIRED],
      ["an invalid cellulare", { cellulare: "call me" }, INVALID],
    ])("rejects %s", (_label, overrides, expected) => {
      expect(check("video", { ...validOrderBody("video"), ...overrides })).toEqual(expected);
    });
  });

  describe("lettore", () => {
    it("answers 428/209 without anagrafica_spedizione", () => {
      const { anagrafica_spedizione: _a, ...body } = validOrderBody("lettore");
      expect(check("lettore", body)).toEqual(ANAGRAFICA_REQUIRED);
      expect(validateOrderBody("lettore", body, TODAY)?.message).toBe("anagrafica_spedizione required");
    });

    it.each(ANAGRAFICA_SPEDIZIONE_FIELDS.map((f) => [f]))("requires anagrafica_spedizione.%s", (field) => {
      const body = { ...validOrderBody("lettore"), anagrafica_spedizione: validAnagraficaSpedizione({ [field]: undefined }) };
      expect(check("lettore", body)).toEqual(REQUIRED);
    });

    it.each([
      ["an invalid email", { email: "nope" }, EMAIL],
      ["an invalid CAP", { cap_spedizione: "123456" }, INVALID],
      ["an unknown province", { provincia_spedizione: "ZZ" }, INVALID],
      ["an invalid phone", { cellulare: "0" }, INVALID],
      ["a note that is not a string", { note: false }, WRONG_TYPE],
    ])("rejects %s", (_label, overrides, expected) => {
      expect(check("lettore", { ...validOrderBody("lettore"), anagrafica_spedizione: validAnagraficaSpedizione(overrides) })).toEqual(expected);
    });

    it.each([
      [0, INVALID],
      [-1, INVALID],
      [1.5, INVALID],
      ["2", WRONG_TYPE],
    ])("rejects quantita %j", (quantita, expected) => {
      expect(check("lettore", { ...validOrderBody("lettore"), quantita })).toEqual(expected);
    });
  });

  describe("videoric", () => {
    it.each([
      ["no id", {}, REQUIRED],
      ["an id that is not a string", { id: 5 }, WRONG_TYPE],
      ["an id that is not 24 hex characters", { id: "not-an-id" }, code(400, 211)],
      ["a codice_richiesta that is not a string", { id: "5f7ef1e83a716836d3152662", codice_richiesta: 8417 }, WRONG_TYPE],
    ])("rejects %s", (_label, body, expected) => {
      expect(check("videoric", body)).toEqual(expected);
    });
  });

  it("names the offending field in the message", () => {
    const err = validateOrderBody("firme", withAnagrafica("firme", { cap_spedizione: "1" }), TODAY);
    expect(err?.message.startsWith("anagrafica.cap_spedizione:")).toBe(true);
  });
});
