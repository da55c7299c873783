import { BadUserInputError } from "../errors/index.js";

// Inputs are JSON from GraphQL: plain objects, arrays and scalars. Anything deeper than this is not
// a real filter, and walking it unbounded would let one request pin the CPU.
const MAX_DEPTH = 32;

function fail(path: string, message: string): never {
  throw new BadUserInputError(`${path}: ${message}`, [{ path, message }]);
}

/**
 * Refuses values that would act as MongoDB query operators if they reached a filter: keys starting
 * with `$` (`{ $ne: null }`, `{ $where: ... }`) or containing `.` (`{ "a.$gt": 1 }`, path traversal
 * into subdocuments). Throws BAD_USER_INPUT naming the offending path.
 */
export function assertNoOperators(value: unknown, path = "input"): void {
  walk(value, path, 0);
}

function walk(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value !== "object") return;
  if (depth > MAX_DEPTH) fail(path, `input nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    return;
  }
  // Dates, ObjectIds and Buffers are values, not filters: only plain objects carry operator keys.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  for (const key of Object.keys(value)) {
    const at = `${path}.${key}`;
    if (key.startsWith("$") || key.includes(".")) {
      fail(at, `field names may not start with "$" or contain "."; got ${JSON.stringify(key)}`);
    }
    walk((value as Record<string, unknown>)[key], at, depth + 1);
  }
}

/** The value as a string for an equality filter; BAD_USER_INPUT when it is an object, array or other non-string. */
export function sanitizeFilterString(s: unknown, path: string): string {
  if (typeof s === "string") return s;
  const got = s === null ? "null" : Array.isArray(s) ? "an array" : typeof s === "object" ? "an object" : typeof s;
  fail(path, `expected a string, got ${got}`);
}

/** `s` as a literal inside a RegExp: user text searched with a regex must never act as a pattern. */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
