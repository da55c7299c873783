import { ObjectId } from "bson";
import { CommandError, ErrorCode } from "../commands/errors.js";
import { canonicalKey, compareBson, typeRank } from "./bson-order.js";
import { Index, type IndexSpec, type Range } from "./index-store.js";
import { isPlainObject, serializeBson, toWire, viewHints, type Doc, type Hints } from "./values.js";

function remember(doc: StoredDoc): void {
  if (doc.hints) viewHints.set(doc.view, doc.hints);
}

/** A stored document: the mingo-evaluable view plus the hints that restore its exact BSON types. */
export interface StoredDoc {
  view: Doc;
  hints: Hints | null;
}

export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** How a query found its candidates; reported by explain and engine.stats(). */
export interface PlanInfo {
  stage: "IXSCAN" | "COLLSCAN";
  indexName?: string;
  docsExamined: number;
}

/** Engine-wide counters that tests read to see whether queries use indexes. */
export interface EngineStats {
  docsExamined: number;
  collScans: number;
  indexScans: number;
  lastPlan: PlanInfo | null;
}

export function idKeyOf(view: Doc): string {
  return canonicalKey(view["_id"]);
}

export function idIndexSpec(): IndexSpec {
  return { v: 2, key: { _id: 1 }, name: "_id_" };
}

/** Ensures an _id, stored as the first field as MongoDB does (drivers append a generated one last). */
export function withId(view: Doc): Doc {
  if (view["_id"] === undefined) return { _id: new ObjectId(), ...view };
  if (Object.keys(view)[0] === "_id") return view;
  const { _id, ...rest } = view;
  return { _id, ...rest };
}

// Stored documents are never changed in place (updates build a new StoredDoc), so the BSON of one,
// once made, serves every later read of it.
const storedBson = new WeakMap<StoredDoc, Buffer>();

/** The stored document's wire form as BSON bytes, serialized once per stored version. */
export function bsonOf(doc: StoredDoc): Buffer {
  let bytes = storedBson.get(doc);
  if (!bytes) {
    bytes = serializeBson(toWire(doc.view, doc.hints));
    storedBson.set(doc, bytes);
  }
  return bytes;
}

/**
 * Makes `bytes` the stored document's BSON, for a document stored exactly as it arrived: MongoDB
 * keeps a document's bytes as sent, and the engine then needs no second encoding of it. Copied, so
 * the stored document does not hold on to the whole message it came in.
 */
export function keepWireBson(doc: StoredDoc, bytes: Buffer): void {
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  storedBson.set(doc, own);
}

/** Rejects documents over MongoDB's 16 MiB limit. */
export function assertDocSize(doc: StoredDoc): void {
  const size = bsonOf(doc).length;
  if (size > MAX_BSON_SIZE) {
    throw new CommandError(ErrorCode.BSONObjectTooLarge, `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_SIZE}`);
  }
}

interface Candidates {
  docs: Iterable<StoredDoc>;
  plan: Omit<PlanInfo, "docsExamined">;
  /** True when `docs` already come in the requested sort order. */
  sorted: boolean;
}

function isOperatorObject(v: unknown): v is Doc {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith("$"));
}

// A value an index lookup can answer exactly like mingo would: not a whole array, sub-document or regex.
function isIndexableScalar(v: unknown): boolean {
  return !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp) && v !== undefined;
}

type Predicate = { kind: "points"; values: unknown[] } | { kind: "range"; range: Range };

function predicateFor(cond: unknown): Predicate | null {
  if (!isOperatorObject(cond)) return isIndexableScalar(cond) ? { kind: "points", values: [cond] } : null;
  if ("$eq" in cond && isIndexableScalar(cond["$eq"])) return { kind: "points", values: [cond["$eq"]] };
  if ("$in" in cond && Array.isArray(cond["$in"]) && cond["$in"].every(isIndexableScalar)) {
    return { kind: "points", values: cond["$in"] };
  }
  const range: Range = {};
  for (const [op, v] of Object.entries(cond)) {
    if (!isIndexableScalar(v) || v === null) continue;
    if (op === "$gt" || op === "$gte") range.low = { value: v, inclusive: op === "$gte" };
    if (op === "$lt" || op === "$lte") range.high = { value: v, inclusive: op === "$lte" };
  }
  if (range.low && range.high && typeRank(range.low.value) !== typeRank(range.high.value)) delete range.high;
  return range.low || range.high ? { kind: "range", range } : null;
}

/** Field conditions of a filter that every match must satisfy (top level and top-level $and). */
function conjuncts(filter: Doc, out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [k, v] of Object.entries(filter)) {
    if (k === "$and" && Array.isArray(v)) for (const sub of v) if (isPlainObject(sub)) conjuncts(sub, out);
    if (!k.startsWith("$")) out.push([k, v]);
  }
  return out;
}

/** One collection: documents by _id plus its indexes. All methods are synchronous, hence atomic. */
export class Collection {
  readonly docs = new Map<string, StoredDoc>();
  readonly indexes = new Map<string, Index>();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {
    this.indexes.set("_id_", new Index(idIndexSpec(), this.ns));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Inserts after checking every unique index; throws E11000 without changing anything. */
  insert(doc: StoredDoc): void {
    const id = idKeyOf(doc.view);
    if (this.docs.has(id)) throw this.indexes.get("_id_")!.duplicateError([doc.view["_id"]]);
    for (const ix of this.indexes.values()) ix.checkUnique(id, doc.view);
    this.docs.set(id, doc);
    remember(doc);
    for (const ix of this.indexes.values()) ix.add(id, doc.view);
  }

  /** Replaces the document with the same _id after unique checks. */
  replace(doc: StoredDoc): void {
    const id = idKeyOf(doc.view);
    const old = this.docs.get(id);
    if (!old) return this.insert(doc);
    for (const ix of this.indexes.values()) ix.checkUnique(id, doc.view);
    for (const ix of this.indexes.values()) ix.replace(id, old.view, doc.view);
    this.docs.set(id, doc);
    remember(doc);
  }

  /** Insert-or-replace without checks: journal replay of already validated effects. */
  put(doc: StoredDoc): void {
    const id = idKeyOf(doc.view);
    const old = this.docs.get(id);
    if (old) for (const ix of this.indexes.values()) ix.remove(id, old.view);
    this.docs.set(id, doc);
    remember(doc);
    for (const ix of this.indexes.values()) ix.add(id, doc.view);
  }

  delete(idValue: unknown): boolean {
    const id = canonicalKey(idValue);
    const old = this.docs.get(id);
    if (!old) return false;
    for (const ix of this.indexes.values()) ix.remove(id, old.view);
    this.docs.delete(id);
    return true;
  }

  /** Builds an index over existing documents; a unique violation aborts the build. */
  createIndex(spec: IndexSpec): void {
    const ix = new Index(spec, this.ns);
    for (const [id, doc] of this.docs) {
      ix.checkUnique(id, doc.view);
      ix.add(id, doc.view);
    }
    this.indexes.set(spec.name, ix);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /**
   * Plans a query: the index whose fields the filter pins longest (equalities on a prefix, then an
   * equality set or a range on the next field) wins; the plan also says whether the scan already
   * yields the requested sort order, so the caller can skip sorting and stop at the limit.
   */
  candidates(filter: Doc, sort?: Array<[string, number]>): Candidates {
    const conds = new Map<string, Predicate>();
    for (const [field, cond] of conjuncts(filter)) {
      const pred = predicateFor(cond);
      // With several conditions on one field, an equality is the most selective to plan on.
      const prev = conds.get(field);
      if (pred && (!prev || (pred.kind === "points" && prev.kind !== "points"))) conds.set(field, pred);
    }
    // A lookup by one _id value (findById, the point lookup of every ORM) needs no index scan.
    const byId = conds.get("_id");
    if (byId && byId.kind === "points" && byId.values.length === 1) {
      const doc = this.docs.get(canonicalKey(byId.values[0]));
      return { docs: doc ? [doc] : [], plan: { stage: "IXSCAN", indexName: "_id_" }, sorted: true };
    }
    let best: IndexPlan | null = null;
    for (const ix of this.indexes.values()) {
      if (ix.spec.partialFilterExpression) continue;
      const plan = planIndex(ix, conds, sort);
      if (!plan) continue;
      if (!best || plan.score > best.score || (plan.score === best.score && plan.sorted && !best.sorted)) best = plan;
    }
    if (!best) return { docs: this.docs.values(), plan: { stage: "COLLSCAN" }, sorted: !sort || sort.length === 0 };
    const { ix, eq, last, reverse } = best;
    const docs = this.docs;
    function* ids(): Generator<string> {
      if (!last) yield* ix.scan(eq, undefined, reverse);
      else if (last.kind === "range") {
        // Bounds on both sides cannot be intersected on a multikey index (different elements may match each).
        yield* ix.scan(eq, ix.multikey && last.range.low ? { low: last.range.low } : last.range, reverse);
      } else {
        const points = [...last.values].sort(compareBson);
        if (reverse) points.reverse();
        for (const p of points) yield* ix.scan([...eq, p], undefined, reverse);
      }
    }
    function* fetch(): Generator<StoredDoc> {
      const seen = new Set<string>();
      for (const id of ids()) {
        if (seen.has(id)) continue;
        seen.add(id);
        const d = docs.get(id);
        if (d) yield d;
      }
    }
    return { docs: fetch(), plan: { stage: "IXSCAN", indexName: ix.name }, sorted: best.sorted };
  }
}

interface IndexPlan {
  ix: Index;
  eq: unknown[];
  last?: Predicate;
  reverse: boolean;
  sorted: boolean;
  score: number;
}

function planIndex(ix: Index, conds: Map<string, Predicate>, sort: Array<[string, number]> | undefined): IndexPlan | null {
  const eq: unknown[] = [];
  let last: Predicate | undefined;
  for (const field of ix.fields) {
    const pred = conds.get(field);
    if (!pred) break;
    // A sparse index lacks documents missing the field, which null equality must still find.
    if (ix.spec.sparse && pred.kind === "points" && pred.values.some((v) => v === null)) break;
    if (pred.kind === "points" && pred.values.length === 1) {
      eq.push(pred.values[0]);
      continue;
    }
    last = pred;
    break;
  }
  if (eq.length === 0 && !last) return null;
  // Sort order the scan provides: the fields after the equality prefix, all in one direction (keys are
  // stored ascending); equality-bound sort fields are constant and drop out.
  let sorted = !sort || sort.length === 0;
  let reverse = false;
  if (!sorted && !ix.multikey) {
    const pinned = new Set(ix.fields.slice(0, eq.length));
    const rest = sort!.filter(([f]) => !pinned.has(f));
    const dirs = new Set(rest.map(([, d]) => d));
    const follows = rest.every(([f], i) => ix.fields[eq.length + i] === f);
    const pointsOk = !last || last.kind !== "points" || rest.length > 0;
    if (rest.length === 0) sorted = true;
    else if (follows && dirs.size === 1 && pointsOk) {
      sorted = true;
      reverse = rest[0]![1] < 0;
    }
  }
  const complete = ix.spec.unique && eq.length === ix.fields.length;
  const score = eq.length * 4 + (last ? (last.kind === "points" ? 3 : 1) : 0) + (complete || ix.name === "_id_" ? 2 : 0);
  return { ix, eq, last, reverse, sorted, score };
}
