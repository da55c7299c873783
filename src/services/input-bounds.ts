import { BadUserInputError } from "../errors/index.js";

// C0 and C1 controls, DEL, and the bidi overrides that disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Checks a free-text input: at most `max` characters and no control characters. Throws
 * BAD_USER_INPUT with the field's path. (Local to this inputs; a shared bounds module is
 * coming from another branch and should replace it.)
 */
export function boundedText(value: string, path: string, max: number, options: { min?: number } = {}): string {
  const min = options.min ?? 0;
  if (typeof value !== "string" || value.length > max || value.length < min) {
    throw new BadUserInputError(`invalid ${path}`, [{ path, message: `expected ${min} to ${max} characters, received ${typeof value === "string" ? value.length : typeof value}` }]);
  }
  if (CONTROL.test(value)) {
    throw new BadUserInputError(`invalid ${path}`, [{ path, message: "expected no control characters" }]);
  }
  return value;
}
