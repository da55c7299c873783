import { type SandboxError, ValidationErrors as V } from "../sandbox-error.js";
import { BOUNDS, SANDBOX_BOUNDS, SANDBOX_CALLBACK_DATA_MAX_JSON, checkBound, type BoundProblem } from "../../validation/index.js";

const OBJECTS = new Set(["anagrafica", "anagrafica_spedizione", "callback"]);

function controlProblems(value: unknown, path: string, problems: BoundProblem[]): void {
  if (typeof value === "string") {
    const why = checkBound(value, { max: Number.MAX_SAFE_INTEGER, controls: "none", why: "" });
    if (why !== null) problems.push({ path, message: why });
  } else if (Array.isArray(value)) value.forEach((v, i) => controlProblems(v, `${path}.${i}`, problems));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) controlProblems(v, `${path}.${k}`, problems);
  }
}

/**
 * Every string of a POST or PATCH /richiesta body held to its bound (docs/input-bounds.md): too
 * long, or carrying a control character. Checked before anything else, so nothing is stored; all
 * offending fields are named in one 400 (code 267). Other types are left to the schema checks.
 */
export function checkBodyBounds(body: unknown): SandboxError | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const problems: BoundProblem[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (OBJECTS.has(key) && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) {
        const path = `${key}.${inner}`;
        if (path === "callback.data") {
          const json = JSON.stringify(v) ?? "";
          if (json.length > SANDBOX_CALLBACK_DATA_MAX_JSON) {
            problems.push({ path, message: `expected at most ${SANDBOX_CALLBACK_DATA_MAX_JSON} characters of JSON, received ${json.length}` });
          } else controlProblems(v, path, problems);
          continue;
        }
        if (SANDBOX_BOUNDS[path] === undefined && key !== "callback") {
          // The sandbox stores anagrafica objects as given: a field it does not know still gets a bound.
          unknownStored(path, v, problems);
          continue;
        }
        check(path, v, problems);
      }
    } else check(key, value, problems);
  }
  return problems.length === 0 ? null : V.outOfBounds(problems);
}

function check(path: string, value: unknown, problems: BoundProblem[]): void {
  const kind = SANDBOX_BOUNDS[path];
  // Fields the upstream does not know are ignored by it, and by the sandbox too.
  if (kind === undefined || typeof value !== "string") return;
  // A blank value is a missing one: the field's own check answers `required` (261) for it.
  if (value.length <= BOUNDS.text.max && /^[ ]*$/.test(value)) return;
  const why = checkBound(value, BOUNDS[kind]);
  if (why !== null) problems.push({ path, message: why });
}

function unknownStored(path: string, value: unknown, problems: BoundProblem[]): void {
  const bound = BOUNDS.text;
  if (typeof value === "string") {
    const why = checkBound(value, bound);
    if (why !== null) problems.push({ path, message: why });
    return;
  }
  const json = JSON.stringify(value) ?? "";
  if (json.length > bound.max) problems.push({ path, message: `expected at most ${bound.max} characters of JSON, received ${json.length}` });
  else controlProblems(value, path, problems);
}
