export { validateTaxCode, decodeBirth, type TaxCodeResult } from "./tax-code.js";
export { parseItalianDate, formatItalianDate, italianCalendarDate } from "./dates.js";
export { isValidEmail, isValidItalianCap, isValidPhone, isValidProvince } from "./contact.js";
export { GATEWAY_FILE_BYTES, SANDBOX_FILE_BYTES, BOUNDS, GRAPHQL_BOUNDS, SANDBOX_BOUNDS, SANDBOX_CALLBACK_DATA_MAX_JSON, FALLBACK_BOUND, checkBound, boundOf, type Bound, type BoundKind, type BoundProblem } from "./input-bounds.js";
export { enforceInputBounds, argumentBoundProblems, inputBoundsError, stringInputPositions } from "./graphql-bounds.js";
