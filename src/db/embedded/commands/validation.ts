import type { Collection, StoredDoc } from "../storage/collection.js";
import { compileQuery } from "../storage/mingo-context.js";
import { fromWire, isPlainObject, type Doc } from "../storage/values.js";
import { CommandError, ErrorCode, asCommandError } from "./errors.js";
import { notSupported } from "./options.js";

/**
 * Document validation with query-operator validators (create/collMod `validator`, `validationLevel`,
 * `validationAction`). `$jsonSchema` is refused: a partial JSON Schema would be quietly different.
 */

const LEVELS = new Set(["off", "strict", "moderate"]);
const ACTIONS = new Set(["error", "warn"]);
// Operators MongoDB does not allow in a validator.
const FORBIDDEN = new Set(["$where", "$near", "$nearSphere", "$text"]);

function scanValidator(v: unknown): void {
  if (Array.isArray(v)) return v.forEach(scanValidator);
  if (!isPlainObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === "$jsonSchema") throw notSupported("a $jsonSchema validator");
    if (FORBIDDEN.has(k)) throw new CommandError(ErrorCode.QueryFeatureNotAllowed, `${k} is not allowed in this context`);
    scanValidator(x);
  }
}

/** The validation fields of a create or collMod command, checked; `{}` when it has none. */
export function parseValidation(cmd: Doc, creating: boolean): Doc {
  const out: Doc = {};
  const validator = cmd["validator"];
  if (validator !== undefined) {
    if (!isPlainObject(validator)) throw new CommandError(ErrorCode.TypeMismatch, "'validator' must be an object");
    const v = fromWire(validator) as Doc;
    scanValidator(v);
    try {
      compileQuery(v);
    } catch (err) {
      throw asCommandError(err);
    }
    out["validator"] = v;
  }
  for (const [field, allowed] of [
    ["validationLevel", LEVELS],
    ["validationAction", ACTIONS],
  ] as const) {
    const value = cmd[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || !allowed.has(value)) {
      throw new CommandError(ErrorCode.BadValue, `Enumeration value '${String(value)}' for field '${field}' is not a valid value.`);
    }
    out[field] = value;
  }
  // listCollections shows the defaults once a validator exists, as MongoDB does.
  if (creating && out["validator"] !== undefined) {
    out["validationLevel"] ??= "strict";
    out["validationAction"] ??= "error";
  }
  return out;
}

const compiled = new WeakMap<object, { test(d: Doc): boolean }>();

function matches(validator: Doc, doc: StoredDoc): boolean {
  let q = compiled.get(validator);
  if (!q) {
    q = compileQuery(validator);
    compiled.set(validator, q);
  }
  return q.test(doc.view);
}

/**
 * Refuses a document the collection's validator rejects (code 121). `old` is the document an update
 * replaces: under validationLevel "moderate" an update of an already invalid document is not checked.
 * validationAction "warn" lets it through (MongoDB only logs it).
 */
export function validateDoc(coll: Collection, doc: StoredDoc, old: StoredDoc | null, bypass: boolean): void {
  const validator = coll.options["validator"];
  if (bypass || !isPlainObject(validator) || Object.keys(validator).length === 0) return;
  const level = coll.options["validationLevel"] ?? "strict";
  if (level === "off") return;
  if (level === "moderate" && old && !matches(validator, old)) return;
  if (matches(validator, doc)) return;
  if (coll.options["validationAction"] === "warn") return;
  throw new CommandError(ErrorCode.DocumentValidationFailure, "Document failed validation", { errInfo: { failingDocumentId: doc.view["_id"] } });
}
