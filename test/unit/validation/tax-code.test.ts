import { describe, expect, it } from "vitest";
import { decodeBirth, validateTaxCode } from "../../../src/validation/tax-code.js";
import { computeTaxCode } from "../../helpers/fixtures.js";

const utc = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d));

// Mario Rossi, born in Rome on 15/03/1985, and Anna Bianchi, born in Milan on 01/01/1990.
const MARIO = "RSSMRA85C15H501R";
const ANNA = "BNCNNA90A41F205W";
// Omocode variants of MARIO: digits replaced from the right by L-V letters, check char recomputed.
const MARIO_OMOCODE_1 = "RSSMRA85C15H50MJ";
const MARIO_OMOCODE_ALL = "RSSMRAURCMRHRLME";

describe("validateTaxCode", () => {
  it.each([
    ["a computed male code", MARIO],
    ["a computed female code", ANNA],
    ["a lowercase code", MARIO.toLowerCase()],
    ["an omocode with one substitution", MARIO_OMOCODE_1],
    ["an omocode with every digit substituted", MARIO_OMOCODE_ALL],
  ])("accepts %s", (_label, code) => {
    expect(validateTaxCode(code)).toEqual({ ok: true });
  });

  it.each([
    ["too short", "RSSMRA85C15H501"],
    ["too long", "RSSMRA85C15H501RR"],
    ["digits where letters go", "R5SMRA85C15H501R"],
    ["a month letter that does not exist", "RSSMRA85F15H501R"],
    ["day 00", "RSSMRA85C00H501R"],
    ["day 35 (between male and female ranges)", "RSSMRA85C35H501R"],
    ["a space inside", "RSSMRA85 C15H501"],
    ["an empty string", ""],
  ])("rejects %s as format", (_label, code) => {
    expect(validateTaxCode(code)).toEqual({ ok: false, reason: "format" });
  });

  it.each([
    ["a wrong check character", "RSSMRA85C15H501X"],
    ["a swapped pair of digits", "RSSMRA58C15H501R"],
    ["an omocode with a stale check character", "RSSMRA85C15H50MR"],
  ])("rejects %s as check_character", (_label, code) => {
    expect(validateTaxCode(code)).toEqual({ ok: false, reason: "check_character" });
  });

  it("accepts a code whose birth date and sex match", () => {
    expect(validateTaxCode(ANNA, { birthDate: utc(1990, 1, 1), sex: "F" })).toEqual({ ok: true });
    expect(validateTaxCode(MARIO_OMOCODE_ALL, { birthDate: utc(1985, 3, 15), sex: "M" })).toEqual({ ok: true });
  });

  it.each([
    ["another day", utc(1985, 3, 16)],
    ["another month", utc(1985, 4, 15)],
    ["another year", utc(1986, 3, 15)],
  ])("reports birth_date_mismatch for %s", (_label, birthDate) => {
    expect(validateTaxCode(MARIO, { birthDate })).toEqual({ ok: false, reason: "birth_date_mismatch" });
  });

  it("reports sex_mismatch when the code encodes the other sex", () => {
    expect(validateTaxCode(MARIO, { sex: "F" })).toEqual({ ok: false, reason: "sex_mismatch" });
    expect(validateTaxCode(ANNA, { sex: "M" })).toEqual({ ok: false, reason: "sex_mismatch" });
  });

  it("agrees with codes computed for a range of people", () => {
    const people = [
      { name: "Giulia", surname: "Esposito", gender: "F" as const, day: 29, month: 2, year: 2000, birthplace: "Napoli", birthplaceProvincia: "NA" },
      { name: "Luca", surname: "Fo", gender: "M" as const, day: 31, month: 12, year: 1970, birthplace: "Torino", birthplaceProvincia: "TO" },
      { name: "Zoe", surname: "Xu", gender: "F" as const, day: 9, month: 7, year: 2004, birthplace: "Terni", birthplaceProvincia: "TR" },
    ];
    for (const p of people) {
      const code = computeTaxCode(p);
      expect(validateTaxCode(code, { birthDate: utc(p.year, p.month, p.day), sex: p.gender })).toEqual({ ok: true });
    }
  });
});

describe("decodeBirth", () => {
  it("undoes omocodia and the +40 of women's days", () => {
    expect(decodeBirth(MARIO_OMOCODE_ALL)).toEqual({ yearTwoDigits: 85, month: 3, day: 15, sex: "M" });
    expect(decodeBirth(ANNA)).toEqual({ yearTwoDigits: 90, month: 1, day: 1, sex: "F" });
  });
});
