import { BadUserInputError } from "../errors/index.js";
import { BOUNDS, checkBound, type BoundKind } from "../validation/index.js";

/**
 * Checks one text input against its bound in the shared table (src/validation/input-bounds.ts):
 * length and control characters, plus an optional minimum. Throws BAD_USER_INPUT naming `path`.
 * The GraphQL edge checks the same bounds first; services check again for callers inside the gateway.
 */
export function boundedText(value: string, path: string, kind: BoundKind, options: { min?: number } = {}): string {
  const min = options.min ?? 0;
  const problem = typeof value !== "string" ? `expected a string, received ${typeof value}` : value.length < min ? `expected at least ${min} characters` : checkBound(value, BOUNDS[kind]);
  if (problem !== null) throw new BadUserInputError(`invalid ${path}`, [{ path, message: problem }]);
  return value;
}
