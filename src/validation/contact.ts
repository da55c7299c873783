// A pragmatic address check (RFC 5322 allows far more than any mail service accepts): a dot-atom
// local part, and a domain of letter/digit/hyphen labels ending in an alphabetic TLD.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** True for a syntactically valid e-mail address (local@domain.tld, at most 254 characters). */
export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s) && s.indexOf("@") <= 64;
}

/** True for an Italian postal code (CAP): exactly five digits. */
export function isValidItalianCap(s: string): boolean {
  return /^\d{5}$/.test(s);
}

/**
 * True for an Italian phone number: a mobile (3xx, 9-10 digits) or a landline (0x, 6-11 digits),
 * with an optional +39 / 0039 prefix; spaces, dots, dashes and slashes between digits are allowed.
 */
export function isValidPhone(s: string): boolean {
  if (!/^\+?[\d\s./-]+$/.test(s)) return false;
  let digits = s.replace(/[\s./-]/g, "");
  if (digits.startsWith("+39")) digits = digits.slice(3);
  else if (digits.startsWith("0039")) digits = digits.slice(4);
  else if (digits.startsWith("+")) return false;
  if (/^3\d{8,9}$/.test(digits)) return true;
  return /^0\d{5,10}$/.test(digits);
}

// Current province codes (sigle), plus the Sardinian ones abolished in 2016 and restored in 2025
// (CI, VS, OG, OT), which still appear on documents and in addresses.
const PROVINCES: ReadonlySet<string> = new Set(
  (
    "AG AL AN AO AP AQ AR AT AV BA BG BI BL BN BO BR BS BT BZ CA CB CE CH CL CN CO CR CS CT CZ " +
    "EN FC FE FG FI FM FR GE GO GR IM IS KR LC LE LI LO LT LU MB MC ME MI MN MO MS MT NA NO NU " +
    "OR PA PC PD PE PG PI PN PO PR PT PU PV PZ RA RC RE RG RI RM RN RO SA SI SO SP SR SS SU SV " +
    "TA TE TN TO TP TR TS TV UD VA VB VC VE VI VR VT VV CI VS OG OT"
  ).split(" "),
);

/** True for a real Italian province code (sigla), two uppercase letters such as "RM" or "TR". */
export function isValidProvince(s: string): boolean {
  return PROVINCES.has(s);
}
