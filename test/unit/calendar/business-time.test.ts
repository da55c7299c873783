import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  addBusinessHours,
  isBusinessDay,
  nextBusinessDay,
  nextOpening,
} from "../../../src/calendar/business-time.js";

// Instants are written in UTC; the comments give Rome's wall time (CET = UTC+1, CEST = UTC+2).
const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString();

describe("isBusinessDay", () => {
  it.each([
    ["a plain Wednesday", "2026-11-25T10:00:00Z", true],
    ["a Saturday", "2026-11-28T10:00:00Z", false],
    ["a Sunday", "2026-11-29T10:00:00Z", false],
    ["Epiphany (Tue 6 Jan 2026)", "2026-01-06T10:00:00Z", false],
    ["Easter Monday 2026", "2026-04-06T10:00:00Z", false],
    ["Liberation Day 2025 (a Friday)", "2025-04-25T10:00:00Z", false],
    ["Republic Day 2026 (a Tuesday)", "2026-06-02T10:00:00Z", false],
    ["Christmas 2025 (a Thursday)", "2025-12-25T10:00:00Z", false],
    ["St Stephen 2025 (a Friday)", "2025-12-26T10:00:00Z", false],
    ["Christmas Eve 2025 (not a holiday)", "2025-12-24T10:00:00Z", true],
    ["Friday 23:30 UTC, already Saturday in Rome", "2026-11-27T23:30:00Z", false],
    ["Sunday 23:30 UTC, already Monday in Rome", "2026-11-29T23:30:00Z", true],
  ])("%s → %s", (_label, instant, expected) => {
    expect(isBusinessDay(at(instant))).toBe(expected);
  });
});

describe("nextBusinessDay", () => {
  it.each([
    ["Friday before Easter Monday → Tuesday 09:00", "2026-04-03T10:00:00Z", "2026-04-07T07:00:00.000Z"],
    ["Wed 24 Dec 2025 → Mon 29 Dec (Christmas and St Stephen on Thu/Fri)", "2025-12-24T10:00:00Z", "2025-12-29T08:00:00.000Z"],
    ["Thu 24 Dec 2026 → Mon 28 Dec", "2026-12-24T10:00:00Z", "2026-12-28T08:00:00.000Z"],
    ["Wed 31 Dec 2025 → Fri 2 Jan 2026", "2025-12-31T10:00:00Z", "2026-01-02T08:00:00.000Z"],
    ["Friday in CET → Monday in CEST (DST starts Sun 29 Mar 2026)", "2026-03-27T10:00:00Z", "2026-03-30T07:00:00.000Z"],
  ])("%s", (_label, from, expected) => {
    expect(iso(nextBusinessDay(at(from)))).toBe(expected);
  });
});

describe("nextOpening", () => {
  it.each([
    ["inside hours: unchanged", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00.000Z"],
    ["before 09:00: same day 09:00", "2026-11-25T06:30:00Z", "2026-11-25T08:00:00.000Z"],
    ["at 18:00: next day 09:00", "2026-11-25T17:00:00Z", "2026-11-26T08:00:00.000Z"],
    ["Saturday: Monday 09:00", "2026-11-28T10:00:00Z", "2026-11-30T08:00:00.000Z"],
  ])("%s", (_label, from, expected) => {
    expect(iso(nextOpening(at(from)))).toBe(expected);
  });
});

describe("addBusinessHours", () => {
  it.each([
    ["within a day", "2026-11-25T09:00:00Z", 2, "2026-11-25T11:00:00.000Z"], // 10:00 → 12:00
    ["ending exactly at closing time", "2026-11-25T16:00:00Z", 1, "2026-11-25T17:00:00.000Z"], // 17:00 → 18:00, not next morning
    ["across the night", "2026-11-25T16:00:00Z", 2, "2026-11-26T09:00:00.000Z"], // 17:00 +1h, then 09:00 +1h
    ["from Friday evening over the weekend", "2026-11-27T16:30:00Z", 2, "2026-11-30T09:30:00.000Z"], // 17:30 +0.5h, Mon 09:00 +1.5h
    ["starting before opening", "2026-11-25T05:00:00Z", 1.5, "2026-11-25T09:30:00.000Z"], // counted from 09:00
    ["starting on a Sunday", "2026-11-29T10:00:00Z", 2, "2026-11-30T10:00:00.000Z"], // Mon 09:00 → 11:00
    ["over Easter Monday", "2026-04-03T15:00:00Z", 2, "2026-04-07T08:00:00.000Z"], // Fri 17:00 +1h, Tue 09:00 +1h
    ["over Christmas and St Stephen 2025", "2025-12-24T16:00:00Z", 3, "2025-12-29T10:00:00.000Z"], // Wed 17:00 +1h, Mon 09:00 +2h
    ["24 business hours: under three working days", "2026-11-23T08:00:00Z", 24, "2026-11-25T14:00:00.000Z"], // Mon 09:00 + 9 + 9 + 6
    ["across the spring DST change", "2026-03-27T16:00:00Z", 2, "2026-03-30T08:00:00.000Z"], // Fri 17:00 CET +1h, Mon 09:00 CEST +1h
    ["across the autumn DST change", "2026-10-23T15:00:00Z", 2, "2026-10-26T09:00:00.000Z"], // Fri 17:00 CEST +1h, Mon 09:00 CET +1h
    ["zero hours outside business time: the next opening", "2026-11-28T10:00:00Z", 0, "2026-11-30T08:00:00.000Z"],
  ])("%s", (_label, from, hours, expected) => {
    expect(iso(addBusinessHours(at(from), hours))).toBe(expected);
  });

  it("rejects a negative or non-finite amount", () => {
    expect(() => addBusinessHours(at("2026-11-25T10:00:00Z"), -1)).toThrow(RangeError);
    expect(() => addBusinessHours(at("2026-11-25T10:00:00Z"), Number.NaN)).toThrow(RangeError);
  });
});

describe("addBusinessDays", () => {
  it.each([
    ["1 day from a Wednesday", "2026-11-25T09:30:00Z", 1, "2026-11-26T09:30:00.000Z"],
    ["3 days from a Friday (prioritaria/veloce style)", "2026-11-27T09:30:00Z", 3, "2026-12-02T09:30:00.000Z"],
    ["6 days over the Immacolata (Tue 8 Dec 2026)", "2026-12-03T09:30:00Z", 6, "2026-12-14T09:30:00.000Z"],
    ["1 day from the Friday before Easter Monday", "2026-04-03T12:00:00Z", 1, "2026-04-07T12:00:00.000Z"], // keeps 14:00 local (CEST)
    ["1 day across the spring DST change keeps 10:30 local", "2026-03-27T09:30:00Z", 1, "2026-03-30T08:30:00.000Z"],
    ["1 day across the autumn DST change keeps 10:30 local", "2026-10-23T08:30:00Z", 1, "2026-10-26T09:30:00.000Z"],
    ["1 day from a Saturday", "2026-11-28T10:00:00Z", 1, "2026-11-30T10:00:00.000Z"],
    ["over Christmas and St Stephen 2025", "2025-12-24T10:00:00Z", 2, "2025-12-30T10:00:00.000Z"],
    ["zero days", "2026-11-25T09:30:00Z", 0, "2026-11-25T09:30:00.000Z"],
  ])("%s", (_label, from, days, expected) => {
    expect(iso(addBusinessDays(at(from), days))).toBe(expected);
  });

  it("rejects fractional or negative day counts", () => {
    expect(() => addBusinessDays(at("2026-11-25T10:00:00Z"), 1.5)).toThrow(RangeError);
    expect(() => addBusinessDays(at("2026-11-25T10:00:00Z"), -1)).toThrow(RangeError);
  });
});
