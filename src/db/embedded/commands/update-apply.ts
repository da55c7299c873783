import { Timestamp } from "bson";
import { updateOne } from "mingo/updater";
import { canonicalKey } from "../storage/bson-order.js";
import { bsonOf, withId, type StoredDoc } from "../storage/collection.js";
import { compilePipeline, mingoOptions, type EvalOptions } from "../storage/mingo-context.js";
import { bsonType, carryHints, cloneView, fromWire, getPath, isPlainObject, type Doc, type Hints } from "../storage/values.js";
import { CommandError, ErrorCode, asCommandError } from "./errors.js";
import { isOperatorUpdate } from "./query-exec.js";

function isOperatorObject(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** The document an upsert starts from: the filter's equality fields (as MongoDB does). */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const visit = (f: Doc): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === "$and" && Array.isArray(v)) v.forEach((x) => isPlainObject(x) && visit(x));
      if (k.startsWith("$")) continue;
      if (!isOperatorObject(v)) setPath(seed, k, cloneView(v));
      else if (isPlainObject(v) && "$eq" in v) setPath(seed, k, cloneView(v["$eq"]));
    }
  };
  visit(filter);
  return seed;
}

const UPDATE_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$push",
  "$pull",
  "$pullAll",
  "$addToSet",
  "$pop",
  "$bit",
  "$currentDate",
  "$setOnInsert",
]);

/** Refuses unknown modifiers and any change of _id before mingo runs, so nothing is half applied. */
function checkOperatorUpdate(spec: Doc, oldId: unknown, insert: boolean): void {
  for (const [op, fields] of Object.entries(spec)) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new CommandError(ErrorCode.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(fields)) throw new CommandError(ErrorCode.FailedToParse, `Modifiers operate on fields but we found type ${typeof fields} instead`);
    if (insert || oldId === undefined) continue;
    for (const [path, value] of Object.entries(fields)) {
      if (path !== "_id" && !path.startsWith("_id.")) continue;
      if (op === "$setOnInsert") continue;
      if (op === "$set" && path === "_id" && canonicalKey(value) === canonicalKey(oldId)) continue;
      throw new CommandError(ErrorCode.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
  }
}

type NumType = "int" | "long" | "double" | "decimal";
const NUM_RANK: Record<NumType, number> = { int: 0, long: 1, double: 2, decimal: 3 };

/** The BSON number type of a view value given its hint; null for a non-number. */
function numTypeOf(v: unknown, hint: string | undefined): NumType | null {
  if (typeof v !== "number") return bsonType(v) === "Long" ? "long" : null;
  if (hint === "long") return "long";
  if (hint === "double") return "double";
  if (hint?.startsWith("decimal:")) return "decimal";
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? "int" : "double";
}

/**
 * $inc and $mul give the result the wider of the two operand types, as the server does: int32 with a
 * double is a double even when the result is whole (3 * 1.5 = 4.5, 2 * 1.5 = 3.0); int32 arithmetic
 * that overflows becomes int64; a missing field takes the operand's type.
 */
function promoteArithmetic(spec: Doc, specHints: Hints, before: Doc, after: Doc, beforeHints: Hints | null, hints: Hints): void {
  for (const op of ["$inc", "$mul"]) {
    const fields = spec[op];
    if (!isPlainObject(fields)) continue;
    for (const [path, operand] of Object.entries(fields)) {
      // Positional paths name no single stored path; their hints stay as mingo left them.
      if (path.split(".").some((p) => p.startsWith("$"))) continue;
      const now = getPath(after, path);
      if (typeof now !== "number") continue;
      const opType = numTypeOf(operand, specHints[`${op}.${path}`]);
      if (!opType) continue;
      const was = getPath(before, path);
      const wasType = was === undefined ? "int" : numTypeOf(was, beforeHints?.[path]);
      if (!wasType) continue;
      let type: NumType = NUM_RANK[opType] > NUM_RANK[wasType] ? opType : wasType;
      if (type === "int" && (!Number.isInteger(now) || now > 2147483647 || now < -2147483648)) type = "long";
      if (type === "long" && !Number.isSafeInteger(now)) type = "double";
      if (type === "int") delete hints[path];
      else if (type === "decimal") hints[path] = `decimal:${String(now)}`;
      else hints[path] = type;
    }
  }
}

/** Refuses an _id holding a $-prefixed field, as MongoDB 5.0+ does (it could not be queried by value). */
export function checkIdForStorage(id: unknown): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isPlainObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith("$")) throw new CommandError(ErrorCode.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${k} is not valid for storage.`);
      walk(x);
    }
  };
  walk(id);
}

// The stages an update pipeline may hold (MongoDB's list).
const UPDATE_PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

/**
 * Runs an update pipeline on a copy of the document. The pipeline's output is the new document (so
 * $replaceWith/$setField may create $-prefixed or dotted top-level fields); an output without _id
 * keeps the original _id, as MongoDB does.
 */
function runUpdatePipeline(view: Doc, rawPipeline: unknown[], evalOpts: EvalOptions): Doc {
  const stages = fromWire(rawPipeline) as Doc[];
  for (const stage of stages) {
    const op = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (!op || Object.keys(stage).length !== 1) throw new CommandError(ErrorCode.FailedToParse, "A pipeline stage specification object must contain exactly one field.");
    if (!UPDATE_PIPELINE_STAGES.has(op)) throw new CommandError(ErrorCode.InvalidOptions, `${op} is not allowed to be used within an update`);
  }
  const [out] = compilePipeline(stages, {}, evalOpts).run([cloneView(view)]) as unknown[];
  if (!isPlainObject(out)) throw new CommandError(ErrorCode.BadValue, "the update pipeline must produce a document");
  if (!("_id" in out) && view["_id"] !== undefined) return { _id: view["_id"], ...out };
  return out;
}

let timestampIncrement = 0;

/** Turns $currentDate into $set of a Date or a BSON Timestamp (mingo would store a number for the latter). */
function resolveCurrentDate(mod: Doc): Doc {
  const spec = mod["$currentDate"];
  if (!isPlainObject(spec)) return mod;
  const now = Date.now();
  const set: Doc = isPlainObject(mod["$set"]) ? { ...mod["$set"] } : {};
  for (const [path, how] of Object.entries(spec)) {
    const wantsTimestamp = isPlainObject(how) && how["$type"] === "timestamp";
    set[path] = wantsTimestamp ? new Timestamp({ t: Math.floor(now / 1000), i: ++timestampIncrement }) : new Date(now);
  }
  delete mod["$currentDate"];
  mod["$set"] = set;
  return mod;
}

function stripOperatorPrefix(h: Hints): Hints {
  const out: Hints = {};
  for (const [p, t] of Object.entries(h)) {
    const i = p.indexOf(".");
    if (i > 0) out[p.slice(i + 1)] = t;
  }
  return out;
}

/**
 * Applies an update (operators, pipeline or replacement, given in wire types) to a base document.
 * `insert` marks an upsert's insert, where $setOnInsert applies. Throws CommandError on bad updates.
 */
export function applyUpdate(
  base: StoredDoc,
  rawUpdate: unknown,
  filter: Doc,
  arrayFilters: Doc[] | undefined,
  insert: boolean,
  evalOpts: EvalOptions = {},
): StoredDoc {
  const oldId = base.view["_id"];
  let view: Doc;
  let hints: Hints | null;
  try {
    if (Array.isArray(rawUpdate)) {
      view = runUpdatePipeline(base.view, rawUpdate, evalOpts);
      hints = carryHints(view, base.hints);
    } else if (isOperatorUpdate(rawUpdate)) {
      const specHints: Hints = {};
      const spec = fromWire(rawUpdate, specHints) as Doc;
      checkOperatorUpdate(spec, oldId, insert);
      const mod: Doc = resolveCurrentDate({ ...spec });
      const onInsert = mod["$setOnInsert"];
      delete mod["$setOnInsert"];
      if (insert && isPlainObject(onInsert)) mod["$set"] = { ...(isPlainObject(mod["$set"]) ? mod["$set"] : {}), ...onInsert };
      const docs = [cloneView(base.view)];
      if (Object.keys(mod).length > 0) {
        // The filter (evaluated with the same collation and variables) locates positional $ elements.
        updateOne(docs, insert ? {} : filter, mod as never, { arrayFilters: arrayFilters as never }, mingoOptions({}, evalOpts));
      }
      view = docs[0]!;
      const extra = stripOperatorPrefix(specHints);
      promoteArithmetic(spec, specHints, base.view, view, base.hints, extra);
      hints = carryHints(view, base.hints, extra);
    } else if (isPlainObject(rawUpdate)) {
      for (const k of Object.keys(rawUpdate)) {
        if (k.startsWith("$")) throw new CommandError(ErrorCode.BadValue, `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in a replacement document`);
      }
      const h: Hints = {};
      const repl = fromWire(rawUpdate, h) as Doc;
      const { _id: replId, ...rest } = repl;
      // An explicit _id (null included: an upsert stores null) wins; an absent one keeps the old _id.
      view = { _id: "_id" in repl ? replId : oldId, ...rest };
      if (view["_id"] === undefined) delete view["_id"];
      hints = Object.keys(h).length ? h : null;
    } else {
      throw new CommandError(ErrorCode.FailedToParse, "update must be a document or a pipeline");
    }
  } catch (err) {
    throw asCommandError(err);
  }
  if (oldId !== undefined && canonicalKey(view["_id"]) !== canonicalKey(oldId)) {
    throw new CommandError(ErrorCode.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  checkIdForStorage(view["_id"]);
  if (view["_id"] === undefined) view = withId(view);
  else if (Object.keys(view)[0] !== "_id") {
    const { _id, ...rest } = view;
    view = { _id, ...rest };
  }
  return { view, hints };
}

/** True when two stored documents serialize to different bytes (nModified counts only real changes). */
export function changed(a: StoredDoc, b: StoredDoc): boolean {
  return !bsonOf(a).equals(bsonOf(b));
}
