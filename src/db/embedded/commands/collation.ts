import { evalExpr } from "mingo/core";
import type { Collation } from "../storage/mingo-context.js";
import { mingoOptions } from "../storage/mingo-context.js";
import { fromWire, isPlainObject, type Doc } from "../storage/values.js";
import { CommandError, ErrorCode } from "./errors.js";
import { notSupported } from "./options.js";

const STRENGTH: Record<number, Intl.CollatorOptions["sensitivity"]> = { 1: "base", 2: "accent", 3: "variant" };
const COLLATION_FIELDS = new Set(["locale", "caseLevel", "caseFirst", "strength", "numericOrdering", "alternate", "maxVariable", "normalization", "backwards", "version"]);

/**
 * Parses a `collation` option. `null` for none or locale "simple" (binary comparison, what the engine
 * does without one). Other locales compare strings through ICU (Intl.Collator) at strengths 1 to 3;
 * what Intl cannot reproduce (strength 4/5, alternate "shifted", backwards) is refused.
 */
export function parseCollation(raw: unknown): Collation | null {
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) throw new CommandError(ErrorCode.TypeMismatch, "'collation' must be an object");
  const spec = fromWire(raw) as Doc;
  for (const k of Object.keys(spec)) {
    if (!COLLATION_FIELDS.has(k)) throw new CommandError(ErrorCode.UnknownField, `BSON field 'collation.${k}' is an unknown field.`);
  }
  const locale = spec["locale"];
  if (typeof locale !== "string") throw new CommandError(ErrorCode.BadValue, "BSON field 'collation.locale' is missing but a required field");
  if (locale === "simple") return null;
  const strength = spec["strength"] ?? 3;
  if (typeof strength !== "number" || !Number.isInteger(strength) || strength < 1 || strength > 5) {
    throw new CommandError(ErrorCode.BadValue, `unable to parse collation :: caused by :: Field 'strength' must be an integer 1 through 5. Got: ${String(strength)}`);
  }
  if (strength > 3) throw notSupported(`collation strength ${strength}`);
  if (spec["alternate"] !== undefined && spec["alternate"] !== "non-ignorable") throw notSupported(`collation alternate '${String(spec["alternate"])}'`);
  if (spec["backwards"] === true) throw notSupported("collation backwards: true");
  const caseFirst = spec["caseFirst"] ?? "off";
  if (caseFirst !== "off" && caseFirst !== "upper" && caseFirst !== "lower") {
    throw new CommandError(ErrorCode.BadValue, `unable to parse collation :: caused by :: Field 'caseFirst' must be 'upper', 'lower' or 'off'. Got: ${String(caseFirst)}`);
  }
  const icu = locale.replace(/_/g, "-").replace(/@.*$/, "");
  const locales = icu === "root" ? ["und"] : Intl.Collator.supportedLocalesOf([icu]);
  if (locales.length === 0) throw new CommandError(ErrorCode.BadValue, `Field 'locale' is invalid in: ${JSON.stringify(spec)}`);
  let sensitivity = STRENGTH[strength]!;
  // caseLevel adds a case comparison below the chosen strength.
  if (spec["caseLevel"] === true) sensitivity = strength === 1 ? "case" : "variant";
  // normalization: ICU (and Intl) always compare canonically equivalent strings as equal; MongoDB's
  // normalization:false only skips that work for text that is already normalized. Nothing to do.
  const collator = new Intl.Collator(locales[0], {
    usage: "sort",
    sensitivity,
    caseFirst: caseFirst === "off" ? "false" : caseFirst,
    numeric: spec["numericOrdering"] === true,
  });
  return {
    spec: { locale: locales[0]!, strength: strength as 1 | 2 | 3, caseLevel: spec["caseLevel"] === true, caseFirst, numericOrdering: spec["numericOrdering"] === true },
    compare: (a, b) => collator.compare(a, b),
    key: JSON.stringify([locales[0], sensitivity, caseFirst, spec["numericOrdering"] === true]),
  };
}

const VARIABLE_NAME = /^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** Evaluates a `let` document into the variables ($$name) its expressions stand for. */
export function parseLet(raw: unknown): Doc | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) throw new CommandError(ErrorCode.TypeMismatch, "'let' must be an object");
  const spec = fromWire(raw) as Doc;
  const out: Doc = {};
  for (const [name, expr] of Object.entries(spec)) {
    if (!VARIABLE_NAME.test(name)) throw new CommandError(ErrorCode.FailedToParse, `'${name}' starts with an invalid character for a user variable name`);
    out[name] = evalExpr({}, expr, mingoOptions({ variables: out }) as never);
  }
  return out;
}

// Operators whose meaning depends on string comparison that the engine does not collate.
const UNCOLLATED_STAGES = new Set(["$group", "$bucket", "$bucketAuto", "$sortByCount", "$lookup", "$graphLookup", "$unionWith", "$facet", "$setWindowFields", "$densify", "$fill"]);
const UNCOLLATED_EXPRESSIONS = new Set([
  "$in",
  "$indexOfArray",
  "$setEquals",
  "$setIntersection",
  "$setUnion",
  "$setDifference",
  "$setIsSubset",
  "$min",
  "$max",
  "$minN",
  "$maxN",
  "$top",
  "$topN",
  "$bottom",
  "$bottomN",
  "$sortArray",
  "$addToSet",
  "$all",
]);

function scan(v: unknown, what: string): void {
  if (Array.isArray(v)) return v.forEach((x) => scan(x, what));
  if (!isPlainObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (UNCOLLATED_EXPRESSIONS.has(k)) throw notSupported(`${k} in ${what} with a non-simple collation`);
    scan(x, what);
  }
}

/** Refuses a filter whose $expr or $all would compare strings without the collation. */
export function checkCollatedFilter(filter: Doc | undefined, collation: Collation | null): void {
  if (!collation || !filter) return;
  const walk = (f: unknown): void => {
    if (Array.isArray(f)) return f.forEach(walk);
    if (!isPlainObject(f)) return;
    for (const [k, v] of Object.entries(f)) {
      if (k === "$expr" || k === "$where" || k === "$function") scan(v, "a filter");
      else if (k === "$all") throw notSupported("$all with a non-simple collation");
      else walk(v);
    }
  };
  walk(filter);
}

function isConstantKey(v: unknown): boolean {
  return v === null || typeof v === "number" || typeof v === "boolean";
}

/** Refuses pipeline stages and expressions that would compare strings without the collation. */
export function checkCollatedPipeline(stages: Doc[], collation: Collation | null): void {
  if (!collation) return;
  for (const stage of stages) {
    const op = Object.keys(stage)[0]!;
    // A $group on a constant key (countDocuments sends one) compares no strings to form its groups.
    const constantGroup = op === "$group" && isPlainObject(stage[op]) && isConstantKey((stage[op] as Doc)["_id"]);
    if (UNCOLLATED_STAGES.has(op) && !constantGroup) throw notSupported(`stage ${op} with a non-simple collation`);
    if (op === "$match") checkCollatedFilter(stage[op] as Doc, collation);
    else scan(stage[op], `stage ${op}`);
  }
}
