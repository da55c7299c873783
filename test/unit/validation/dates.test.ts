import { describe, expect, it } from "vitest";
import { formatItalianDate, italianCalendarDate, parseItalianDate } from "../../../src/validation/dates.js";

describe("parseItalianDate", () => {
  it.each([
    ["15/03/1985", Date.UTC(1985, 2, 15)],
    ["29/02/2024", Date.UTC(2024, 1, 29)],
    ["31/12/2099", Date.UTC(2099, 11, 31)],
    ["01/01/2000", Date.UTC(2000, 0, 1)],
  ])("parses %s as UTC midnight", (input, expected) => {
    expect(parseItalianDate(input)?.getTime()).toBe(expected);
  });

  it.each([
    ["a day that does not exist", "31/04/2026"],
    ["29 February of a common year", "29/02/2025"],
    ["29 February of a century not divisible by 400", "29/02/1900"],
    ["month 13", "01/13/2026"],
    ["day 00", "00/01/2026"],
    ["ISO order", "2026-01-15"],
    ["single-digit day and month", "5/3/2026"],
    ["a two-digit year", "15/03/85"],
    ["dashes", "15-03-1985"],
    ["trailing text", "15/03/1985x"],
    ["an empty string", ""],
  ])("rejects %s", (_label, input) => {
    expect(parseItalianDate(input)).toBeNull();
  });
});

describe("formatItalianDate", () => {
  it("pads day and month and round-trips with parseItalianDate", () => {
    const d = new Date(Date.UTC(2026, 0, 5));
    expect(formatItalianDate(d)).toBe("05/01/2026");
    expect(parseItalianDate(formatItalianDate(d))?.getTime()).toBe(d.getTime());
  });
});

describe("italianCalendarDate", () => {
  it("uses Rome's date, which is already tomorrow late in the UTC evening", () => {
    expect(italianCalendarDate(new Date("2026-07-14T22:30:00Z")).getTime()).toBe(Date.UTC(2026, 6, 15));
    expect(italianCalendarDate(new Date("2026-01-14T22:30:00Z")).getTime()).toBe(Date.UTC(2026, 0, 14));
    expect(italianCalendarDate(new Date("2026-01-14T23:30:00Z")).getTime()).toBe(Date.UTC(2026, 0, 15));
  });
});
