import { createRequire } from "node:module";
import type HolidaysClass from "date-holidays";

/**
 * Italian business time (the sandbox's clock, the gateway's delivery estimates): Monday to Friday, 09:00-18:00 Europe/Rome, minus
 * Italy's national public holidays (date-holidays, country IT, type "public"; regional patron
 * saints' days are not national and do not count).
 */
export const TIME_ZONE = "Europe/Rome";
/** Local hour business opens. */
export const OPENING_HOUR = 9;
/** Local hour business closes. */
export const CLOSING_HOUR = 18;

const HOUR_MS = 3_600_000;

// date-holidays carries every country's rules (an 800 kB object literal, ~8 MiB of heap): it is
// loaded on the first business-time calculation, not when the gateway starts, and synchronously, so
// these functions stay synchronous. Constructing Holidays parses its rule set: once per process, and
// holidays once per year.
let holidays: HolidaysClass | undefined;
const holidaysByYear = new Map<number, ReadonlySet<string>>();

function italianHolidays(): HolidaysClass {
  if (holidays === undefined) {
    const Holidays = createRequire(import.meta.url)("date-holidays") as typeof HolidaysClass;
    holidays = new Holidays("IT", { types: ["public"] });
  }
  return holidays;
}

function publicHolidays(year: number): ReadonlySet<string> {
  let set = holidaysByYear.get(year);
  if (set === undefined) {
    const list = italianHolidays().getHolidays(year) as { date: string; type: string }[];
    set = new Set(list.filter((h) => h.type === "public").map((h) => h.date.slice(0, 10)));
    holidaysByYear.set(year, set);
  }
  return set;
}

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number; // 0 = Sunday
}

const partsFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

function toLocal(d: Date): LocalTime {
  const parts = partsFormat.formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const year = get("year");
  const month = get("month");
  const day = get("day");
  return {
    year,
    month,
    day,
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
    millisecond: d.getUTCMilliseconds(),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

// The instant at which Rome's wall clock shows the given time. The offset is read at a first guess
// and once more at the corrected instant, which settles it on both sides of a DST change.
function fromLocal(t: Omit<LocalTime, "weekday">): Date {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  let instant = wall - offsetMs(new Date(wall));
  instant = wall - offsetMs(new Date(instant));
  return new Date(instant);
}

function offsetMs(d: Date): number {
  const l = toLocal(d);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, d.getUTCMilliseconds());
  return asUtc - d.getTime();
}

function isBusinessDate(year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const key = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return !publicHolidays(year).has(key);
}

// The calendar date after (year, month, day), by UTC arithmetic on dates (no time zone involved).
function nextDate(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** True when the Italian calendar date of `d` is a weekday that is not a national public holiday. */
export function isBusinessDay(d: Date): boolean {
  const l = toLocal(d);
  return isBusinessDate(l.year, l.month, l.day);
}

/** The opening (09:00 Rome) of the first business day after the Italian calendar date of `d`. */
export function nextBusinessDay(d: Date): Date {
  const l = toLocal(d);
  let date = nextDate(l.year, l.month, l.day);
  while (!isBusinessDate(date.year, date.month, date.day)) date = nextDate(date.year, date.month, date.day);
  return fromLocal({ ...date, hour: OPENING_HOUR, minute: 0, second: 0, millisecond: 0 });
}

/** `d` itself when it falls within business hours (closing time excluded), else the next opening. */
export function nextOpening(d: Date): Date {
  const l = toLocal(d);
  if (!isBusinessDate(l.year, l.month, l.day) || l.hour >= CLOSING_HOUR) return nextBusinessDay(d);
  if (l.hour < OPENING_HOUR) return fromLocal({ ...l, hour: OPENING_HOUR, minute: 0, second: 0, millisecond: 0 });
  return d;
}

/**
 * Adds business hours (fractions allowed): counting starts at `from`, or at the next opening when
 * `from` is outside business hours, and pauses from 18:00 to the next opening. A count that ends
 * exactly at closing time ends at 18:00 that day.
 */
export function addBusinessHours(from: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`addBusinessHours: expected hours >= 0, got ${hours}`);
  let remaining = hours * HOUR_MS;
  let cursor = nextOpening(from);
  for (;;) {
    const l = toLocal(cursor);
    // 09:00-18:00 never spans a DST change (Italy switches at 02:00/03:00), so instants subtract safely.
    const closing = fromLocal({ ...l, hour: CLOSING_HOUR, minute: 0, second: 0, millisecond: 0 });
    const available = closing.getTime() - cursor.getTime();
    if (remaining <= available) return new Date(cursor.getTime() + remaining);
    remaining -= available;
    cursor = nextBusinessDay(cursor);
  }
}

/**
 * Adds business days: steps over `days` business days after the Italian calendar date of `from`
 * (weekends and holidays skipped) and keeps `from`'s local time of day, so "3 business days after
 * Friday 10:30" is Wednesday 10:30 Rome, in either DST season. Zero days returns `from`.
 */
export function addBusinessDays(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`addBusinessDays: expected an integer >= 0, got ${days}`);
  if (days === 0) return from;
  const l = toLocal(from);
  let date = { year: l.year, month: l.month, day: l.day };
  for (let left = days; left > 0; ) {
    date = nextDate(date.year, date.month, date.day);
    if (isBusinessDate(date.year, date.month, date.day)) left -= 1;
  }
  return fromLocal({ ...l, ...date });
}
