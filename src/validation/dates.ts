const ITALIAN_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** Parses a `dd/mm/yyyy` date that exists in the calendar, as UTC midnight; null otherwise. */
export function parseItalianDate(s: string): Date | null {
  const m = ITALIAN_DATE.exec(s);
  if (m === null) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 31/02 over into March: a date exists only if it survives the round trip.
  // setUTCFullYear keeps years below 100 from being read as 19xx.
  d.setUTCFullYear(year);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d;
}

/** Formats the UTC calendar date of `d` as `dd/mm/yyyy`. */
export function formatItalianDate(d: Date): string {
  const dd = String(d.getUTCDate()).padStart(2, "0");
  const mm = String(d.getUTCMonth() + 1).padStart(2, "0");
  const yyyy = String(d.getUTCFullYear()).padStart(4, "0");
  return `${dd}/${mm}/${yyyy}`;
}

const romeDateFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Rome",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar date of instant `d` in Italy (Europe/Rome), as UTC midnight, for comparing with parsed dates. */
export function italianCalendarDate(d: Date): Date {
  const parts = romeDateFormat.formatToParts(d);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(get("year"), get("month") - 1, get("day")));
}
