export { validateTaxCode, decodeBirth, type TaxCodeResult } from "./tax-code.js";
export { parseItalianDate, formatItalianDate, italianCalendarDate } from "./dates.js";
export { isValidEmail, isValidItalianCap, isValidPhone, isValidProvince } from "./contact.js";
