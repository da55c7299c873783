import { canonicalKey, compareBson, typeRank } from "../storage/bson-order.js";
import { indexValues } from "../storage/index-store.js";
import { compileQuery, type Collation, type EvalOptions } from "../storage/mingo-context.js";
import type { Collection, EngineStats, PlanInfo, StoredDoc } from "../storage/collection.js";
import { cloneView, isPlainObject, type Doc } from "../storage/values.js";

export interface QueryOptions {
  sort?: Doc;
  skip?: number;
  limit?: number;
  /** A non-simple collation: strings match and sort under it, and no index is used (all are simple). */
  collation?: Collation | null;
  /** `let` variables the filter's $expr may read as $$name. */
  variables?: Doc;
}

export interface QueryResult {
  docs: StoredDoc[];
  plan: PlanInfo;
}

function cleanSort(sort: Doc | undefined): Doc | undefined {
  if (!sort) return undefined;
  const out: Doc = {};
  // $natural is the storage order, which is what an unsorted scan already yields.
  for (const [k, v] of Object.entries(sort)) if (k !== "$natural") out[k] = typeof v === "number" ? (v < 0 ? -1 : 1) : v;
  return Object.keys(out).length ? out : undefined;
}

type Compare = (a: unknown, b: unknown) => number;

/** BSON order, with strings compared under the collation when there is one. */
function comparerFor(collation: Collation | null | undefined): Compare {
  if (!collation) return compareBson;
  return (a, b) => (typeof a === "string" && typeof b === "string" ? collation.compare(a, b) : compareBson(a, b));
}

// An array sorts by its smallest element ascending and its largest descending, as in MongoDB.
function sortValue(view: Doc, path: string, dir: number, compare: Compare = compareBson): unknown {
  const { values } = indexValues(view, path);
  let best = values[0] ?? null;
  for (const v of values) if (compare(v ?? null, best) * dir < 0) best = v ?? null;
  return best;
}

/** Sorts stored documents by a MongoDB sort spec in BSON comparison order (stable). */
export function sortDocs(docs: StoredDoc[], sort: Doc | undefined, collation?: Collation | null): StoredDoc[] {
  const compare = comparerFor(collation);
  const spec = cleanSort(sort);
  if (!spec || docs.length < 2) return docs;
  const keys = Object.entries(spec)
    .filter(([, d]) => typeof d === "number")
    .map(([path, d]) => ({ path, dir: (d as number) < 0 ? -1 : 1 }));
  const rows = docs.map((doc) => ({ doc, vals: keys.map((k) => sortValue(doc.view, k.path, k.dir, compare)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compare(a.vals[i], b.vals[i]);
      if (c) return c * keys[i]!.dir;
    }
    return 0;
  });
  return rows.map((r) => r.doc);
}

type Matcher = { test(view: Doc): boolean };

// Scalars whose MongoDB equality is "same BSON value, or an array holding it" (no regex/doc/array).
function isPlainScalar(v: unknown): boolean {
  return !Array.isArray(v) && !isPlainObject(v) && !(v instanceof RegExp) && v !== undefined;
}

/**
 * Compiles a filter. Pure field-equality filters (findById, lookups by key) are matched directly:
 * compiling a mingo Query copies its whole operator table, which dominated point lookups.
 */
export function compileFilter(filter: Doc): Matcher {
  const fast = compileEqualityFilter(filter);
  if (fast) return fast;
  const entries = Object.entries(filter);
  if (entries.length <= 4 && entries.every(([k, v]) => !k.startsWith("$") && isPlainScalar(v))) {
    return {
      test: (view) =>
        entries.every(([path, want]) =>
          indexValues(view, path).values.some((have) =>
            want === null ? have === null || have === undefined : have !== undefined && typeRank(have) === typeRank(want) && compareBson(have, want) === 0,
          ),
        ),
    };
  }
  return compileQuery(filter);
}

function sameValue(have: unknown, want: unknown): boolean {
  return want === null ? have === null || have === undefined : have !== undefined && typeRank(have) === typeRank(want) && compareBson(have, want) === 0;
}

/**
 * Filters of field equalities that also use `$eq` or `$in` over scalars (the dataloaders' `_id: {$in}`)
 * are matched directly too: mingo's $in hashes every candidate value, which showed in list queries.
 * Any other shape returns null and goes the general way.
 */
function compileEqualityFilter(filter: Doc): Matcher | null {
  const conds: Array<[string, (have: unknown) => boolean]> = [];
  for (const [path, cond] of Object.entries(filter)) {
    if (path.startsWith("$") || conds.length === 4) return null;
    if (isPlainScalar(cond)) {
      conds.push([path, (have) => sameValue(have, cond)]);
      continue;
    }
    if (!isPlainObject(cond)) return null;
    const ops = Object.keys(cond);
    if (ops.length !== 1) return null;
    const arg = cond[ops[0]!];
    if (ops[0] === "$eq" && isPlainScalar(arg)) conds.push([path, (have) => sameValue(have, arg)]);
    else if (ops[0] === "$in" && Array.isArray(arg) && arg.every(isPlainScalar)) {
      // Values by canonical key (1, 1.0 and Long 1 share one), confirmed with the exact comparison.
      const byKey = new Map<string, unknown[]>();
      const matchesNull = arg.includes(null);
      for (const want of arg) if (want !== null) byKey.set(canonicalKey(want), [...(byKey.get(canonicalKey(want)) ?? []), want]);
      conds.push([
        path,
        (have) =>
          have === null || have === undefined ? matchesNull : (byKey.get(canonicalKey(have))?.some((want) => sameValue(have, want)) ?? false),
      ]);
    } else return null;
  }
  return { test: (view) => conds.every(([path, test]) => indexValues(view, path).values.some(test)) };
}

/** Finds matching documents, using an index when the filter allows, and records the plan. */
export function runQuery(coll: Collection | undefined, filter: Doc, opts: QueryOptions, stats: EngineStats): QueryResult {
  const evalOpts = { collation: opts.collation, variables: opts.variables };
  const query = opts.collation || opts.variables ? compileQuery(filter, evalOpts) : compileFilter(filter);
  if (!coll) {
    const plan: PlanInfo = { stage: "COLLSCAN", docsExamined: 0 };
    stats.lastPlan = plan;
    return { docs: [], plan };
  }
  const sort = cleanSort(opts.sort);
  const sortKeys = sort ? Object.entries(sort).filter((e): e is [string, number] => typeof e[1] === "number") : undefined;
  // Every index compares raw values (no index has a collation), so a collated query scans.
  const { docs: candidates, plan: chosen, sorted } = opts.collation
    ? { docs: coll.docs.values(), plan: { stage: "COLLSCAN" as const }, sorted: !sortKeys || sortKeys.length === 0 }
    : coll.candidates(filter, sortKeys);
  const skip = opts.skip ?? 0;
  // When the scan is already in sort order, it can stop as soon as enough matches are found.
  const stopAt = (!sort || sorted) && opts.limit ? skip + opts.limit : Infinity;
  const matched: StoredDoc[] = [];
  let examined = 0;
  for (const doc of candidates) {
    examined++;
    if (query.test(doc.view)) {
      matched.push(doc);
      if (matched.length >= stopAt) break;
    }
  }
  const plan: PlanInfo = { ...chosen, docsExamined: examined };
  stats.docsExamined += examined;
  if (plan.stage === "COLLSCAN") stats.collScans++;
  else stats.indexScans++;
  stats.lastPlan = plan;
  let out = sorted ? matched : sortDocs(matched, sort, opts.collation);
  if (skip) out = out.slice(skip);
  if (opts.limit) out = out.slice(0, opts.limit);
  return { docs: out, plan };
}

// Applies {$slice: n | [skip, n]} to an array in place, as the find projection does.
function sliceArray(arr: unknown[], spec: unknown): unknown[] {
  if (typeof spec === "number") return spec >= 0 ? arr.slice(0, spec) : arr.slice(Math.max(0, arr.length + spec));
  if (Array.isArray(spec) && spec.length === 2) {
    const [skip, n] = spec as [number, number];
    const start = skip < 0 ? Math.max(0, arr.length + skip) : skip;
    return arr.slice(start, start + n);
  }
  return arr;
}

function applySlice(doc: Doc, path: string, spec: unknown): void {
  const parts = path.split(".");
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    cur = cur[part];
  }
  const last = parts[parts.length - 1]!;
  if (isPlainObject(cur) && Array.isArray(cur[last])) cur[last] = sliceArray(cur[last] as unknown[], spec);
}

// mingo emits projected fields in projection order; MongoDB keeps the document's order, _id first.
function reorderLike(projected: unknown, original: unknown): unknown {
  if (!isPlainObject(projected) || !isPlainObject(original)) return projected;
  const out: Doc = {};
  for (const k of Object.keys(original)) if (k in projected) out[k] = reorderLike(projected[k], original[k]);
  for (const k of Object.keys(projected)) if (!(k in out)) out[k] = projected[k];
  return out;
}

function isSliceOnly(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).length === 1 && "$slice" in v;
}

/** Applies a find projection (inclusion, exclusion, $slice, $elemMatch, positional). */
export function projectDocs(views: Doc[], filter: Doc, projection: Doc | undefined, evalOpts: EvalOptions = {}): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return views;
  const normalized: Doc = {};
  const slices: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(projection)) {
    if (isSliceOnly(v)) slices.push([k, (v as Doc)["$slice"]]);
    normalized[k] = typeof v === "boolean" ? (v ? 1 : 0) : v;
  }
  // $slice is not an inclusion: alone (or with exclusions) it keeps every other field.
  const inclusive = Object.entries(normalized).some(([k, v]) => !isSliceOnly(v) && v !== 0 && !(k === "_id" && v === 0));
  if (!inclusive && slices.length) {
    const rest: Doc = {};
    for (const [k, v] of Object.entries(normalized)) if (!isSliceOnly(v)) rest[k] = v;
    return views.map((view) => {
      const base = Object.keys(rest).length ? (compileQuery({}, evalOpts).find([view], rest).all()[0] as Doc) : cloneView(view);
      for (const [path, spec] of slices) applySlice(base, path, spec);
      return base;
    });
  }
  // Positional projection needs the filter that selected the array element.
  const usesPositional = Object.keys(normalized).some((k) => k.endsWith(".$"));
  const projected = compileQuery(usesPositional ? filter : {}, evalOpts).find(views, normalized).all() as Doc[];
  return projected.map((p, i) => reorderLike(p, views[i]) as Doc);
}

export function isOperatorUpdate(u: unknown): u is Doc {
  return isPlainObject(u) && Object.keys(u).length > 0 && Object.keys(u).every((k) => k.startsWith("$"));
}
