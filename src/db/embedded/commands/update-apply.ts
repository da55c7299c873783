import { Timestamp } from "bson";
import { updateOne } from "mingo/updater";
import { canonicalKey } from "../storage/bson-order.js";
import { bsonOf, withId, type StoredDoc } from "../storage/collection.js";
import { mingoOptions } from "../storage/mingo-context.js";
import { carryHints, cloneView, fromWire, getPath, isPlainObject, type Doc, type Hints } from "../storage/values.js";
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

// MongoDB widens int32 arithmetic that overflows to int64 rather than to double.
function widenOverflow(spec: Doc, before: Doc, after: Doc, beforeHints: Hints | null, hints: Hints): void {
  for (const op of ["$inc", "$mul"]) {
    const fields = spec[op];
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      const was = getPath(before, path);
      const now = getPath(after, path);
      const wasInt = typeof was === "number" && Number.isInteger(was) && !beforeHints?.[path] && Math.abs(was) <= 2147483648;
      if (wasInt && typeof now === "number" && Number.isSafeInteger(now) && (now > 2147483647 || now < -2147483648)) {
        hints[path] ??= "long";
      }
    }
  }
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
export function applyUpdate(base: StoredDoc, rawUpdate: unknown, filter: Doc, arrayFilters: Doc[] | undefined, insert: boolean): StoredDoc {
  const oldId = base.view["_id"];
  let view: Doc;
  let hints: Hints | null;
  try {
    if (Array.isArray(rawUpdate)) {
      const docs = [cloneView(base.view)];
      updateOne(docs, {}, fromWire(rawUpdate) as never, {}, mingoOptions());
      view = docs[0]!;
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
        updateOne(docs, insert ? {} : filter, mod as never, { arrayFilters: arrayFilters as never }, mingoOptions());
      }
      view = docs[0]!;
      const extra = stripOperatorPrefix(specHints);
      widenOverflow(spec, base.view, view, base.hints, extra);
      hints = carryHints(view, base.hints, extra);
    } else if (isPlainObject(rawUpdate)) {
      for (const k of Object.keys(rawUpdate)) {
        if (k.startsWith("$")) throw new CommandError(ErrorCode.BadValue, `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in a replacement document`);
      }
      const h: Hints = {};
      const repl = fromWire(rawUpdate, h) as Doc;
      const { _id: replId, ...rest } = repl;
      view = { _id: replId ?? oldId, ...rest };
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
