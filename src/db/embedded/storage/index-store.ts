import { CommandError, ErrorCode } from "../commands/errors.js";
import { canonicalKey, compareBson, typeRank } from "./bson-order.js";
import { compileQuery } from "./mingo-context.js";
import { bsonType, isPlainObject, type Doc } from "./values.js";

/** An index definition as createIndexes receives and listIndexes returns it. */
export interface IndexSpec {
  v: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

interface Entry {
  key: unknown[];
  id: string;
}

/** Values of a (dotted) field for indexing; arrays fan out, as in MongoDB multikey indexes. */
export function indexValues(doc: unknown, path: string): { values: unknown[]; multikey: boolean } {
  const parts = path.split(".");
  let multikey = false;
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        multikey = true;
        if (/^\d+$/.test(part) && v.length > Number(part)) next.push(v[Number(part)]);
        else for (const el of v) if (isPlainObject(el)) next.push(el[part]);
      } else if (isPlainObject(v)) {
        next.push(v[part]);
      } else {
        next.push(undefined);
      }
    }
    current = next;
  }
  const values: unknown[] = [];
  for (const v of current) {
    if (Array.isArray(v)) {
      multikey = true;
      if (v.length === 0) values.push(undefined);
      else values.push(...v);
    } else values.push(v);
  }
  if (values.length === 0) values.push(undefined);
  return { values, multikey };
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const t = bsonType(v);
  if (t === "ObjectId") return `ObjectId('${String(v)}')`;
  if (isPlainObject(v)) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(", ")} }`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(", ")} ]`;
  return String(v);
}

// The result of singleValueAt when an array lies on the path: the field fans out (multikey).
const FANS_OUT: unique symbol = Symbol("fans out");

/**
 * The one value at a dotted path, as indexValues would find it, or FANS_OUT when an array lies on
 * the path or holds the value (indexValues then decides the values).
 */
function singleValueAt(doc: unknown, parts: string[]): unknown {
  let cur = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) return FANS_OUT;
    cur = isPlainObject(cur) ? cur[part] : undefined;
  }
  return Array.isArray(cur) ? FANS_OUT : cur;
}

function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (compareKeys(a[i]!, b[i]!) !== 0) return false;
  return true;
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareBson(a[i], b[i]);
    if (c) return c;
  }
  return 0;
}

function compareEntries(a: Entry, b: Entry): number {
  return compareKeys(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Bounds on an index's leading field. An absent bound stops at the edge of the other bound's type. */
export interface Range {
  low?: { value: unknown; inclusive: boolean };
  high?: { value: unknown; inclusive: boolean };
}

/**
 * One secondary (or _id) index: a sorted array of key tuples for range and equality scans, plus a
 * hash of keys for unique enforcement.
 */
export class Index {
  readonly fields: string[];
  /** The fields' dotted paths, split once. */
  private readonly paths: string[][];
  private entries: Entry[] = [];
  // Key → ids holding it; a set so that journal replay, which skips checks, cannot lose track of an owner.
  private readonly owners = new Map<string, Set<string>>();
  private readonly partial: ReturnType<typeof compileQuery> | null;
  multikey = false;

  constructor(
    readonly spec: IndexSpec,
    private readonly ns: string,
  ) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split("."));
    this.partial = spec.partialFilterExpression ? compileQuery(spec.partialFilterExpression) : null;
  }

  get name(): string {
    return this.spec.name;
  }

  get isPartialOrSparse(): boolean {
    return Boolean(this.spec.sparse || this.partial);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Key tuples of a document, or null when a sparse/partial index leaves it out. */
  keysOf(doc: Doc): unknown[][] | null {
    return this.indexed(doc)?.keys ?? null;
  }

  /**
   * The document's key tuples and whether it makes the index multikey; null when a sparse/partial
   * index leaves it out. Fields holding one value each (no arrays on their path, the common case)
   * make their single tuple directly, without the fan-out and its de-duplication.
   */
  private indexed(doc: Doc): { keys: unknown[][]; multikey: boolean } | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const single: unknown[] = [];
    for (const parts of this.paths) {
      const v = singleValueAt(doc, parts);
      if (v === FANS_OUT) return this.fannedOut(doc);
      single.push(v);
    }
    if (this.spec.sparse && single.every((v) => v === undefined)) return null;
    return { keys: [single.map((v) => (v === undefined ? null : v))], multikey: false };
  }

  private fannedOut(doc: Doc): { keys: unknown[][]; multikey: boolean } | null {
    const perField = this.fields.map((f) => indexValues(doc, f));
    if (this.spec.sparse && perField.every((p) => p.values.every((v) => v === undefined))) return null;
    let tuples: unknown[][] = [[]];
    for (const p of perField) {
      const next: unknown[][] = [];
      const seen = new Set<string>();
      for (const v of p.values) {
        const key = canonicalKey(v);
        if (seen.has(key)) continue;
        seen.add(key);
        for (const t of tuples) next.push([...t, v === undefined ? null : v]);
      }
      tuples = next;
    }
    return { keys: tuples, multikey: perField.some((p) => p.multikey) };
  }

  /** Throws the duplicate-key error when `doc` would collide with another document. */
  checkUnique(id: string, doc: Doc): void {
    if (!this.spec.unique) return;
    const keys = this.keysOf(doc);
    if (!keys) return;
    for (const k of keys) {
      const owners = this.owners.get(canonicalKey(k));
      if (owners) for (const owner of owners) if (owner !== id) throw this.duplicateError(k);
    }
  }

  duplicateError(key: unknown[]): CommandError {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => (keyValue[f] = key[i] ?? null));
    const keyPattern: Doc = { ...this.spec.key };
    const dup = this.fields.map((f, i) => `${f}: ${formatValue(key[i])}`).join(", ");
    return new CommandError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${this.ns} index: ${this.name} dup key: { ${dup} }`,
      { keyPattern, keyValue },
    );
  }

  add(id: string, doc: Doc): void {
    const indexed = this.indexed(doc);
    if (!indexed) return;
    this.insertKeys(id, indexed.keys, indexed.multikey);
  }

  /**
   * Moves a document's entries from its old version's keys to its new version's. Keys that compare
   * equal keep their entries: the position of an entry depends only on its key's order and its id,
   * so an update that leaves an index's fields alone costs that index no search and no splice.
   */
  replace(id: string, oldDoc: Doc, newDoc: Doc): void {
    const before = this.indexed(oldDoc);
    const after = this.indexed(newDoc);
    if (before && after && sameKeys(before.keys, after.keys)) {
      if (after.multikey) this.multikey = true;
      return;
    }
    if (before) this.removeKeys(id, before.keys);
    if (after) this.insertKeys(id, after.keys, after.multikey);
  }

  private insertKeys(id: string, keys: unknown[][], multikey: boolean): void {
    if (multikey) this.multikey = true;
    for (const key of keys) {
      const entry = { key, id };
      this.entries.splice(this.lowerBound(entry), 0, entry);
      if (this.spec.unique) {
        const k = canonicalKey(key);
        const set = this.owners.get(k);
        if (set) set.add(id);
        else this.owners.set(k, new Set([id]));
      }
    }
  }

  remove(id: string, doc: Doc): void {
    const keys = this.keysOf(doc);
    if (keys) this.removeKeys(id, keys);
  }

  private removeKeys(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const entry = { key, id };
      const i = this.lowerBound(entry);
      if (i < this.entries.length && compareEntries(this.entries[i]!, entry) === 0) this.entries.splice(i, 1);
      if (this.spec.unique) {
        const k = canonicalKey(key);
        const set = this.owners.get(k);
        set?.delete(id);
        if (set?.size === 0) this.owners.delete(k);
      }
    }
  }

  clear(): void {
    this.entries = [];
    this.owners.clear();
    this.multikey = false;
  }

  private lowerBound(entry: Entry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.entries[mid]!, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // First position whose entry fails `before` (entries are sorted, so `before` holds for a prefix).
  private partition(before: (e: Entry) => boolean): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.entries[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Ids of entries whose first fields equal `prefix` and whose next field lies in `range` (within
   * the bound's BSON type bracket), in index order or reversed.
   */
  *scan(prefix: unknown[], range?: Range, reverse = false): Generator<string> {
    // A unique single-field index answers equality from its hash, without a binary search.
    if (!range && prefix.length === 1 && this.spec.unique && this.fields.length === 1) {
      const owners = this.owners.get(canonicalKey([prefix[0] === undefined ? null : prefix[0]]));
      if (owners) yield* [...owners].sort();
      return;
    }
    const n = prefix.length;
    const comparePrefix = (e: Entry): number => {
      for (let i = 0; i < n; i++) {
        const c = compareBson(e.key[i], prefix[i]);
        if (c) return c;
      }
      return 0;
    };
    const rank = range ? typeRank((range.low ?? range.high)!.value) : 0;
    const belowLow = (e: Entry): boolean => {
      const c = comparePrefix(e);
      if (c || !range) return c < 0;
      const k = e.key[n];
      if (range.low) {
        const d = compareBson(k, range.low.value);
        return d < 0 || (d === 0 && !range.low.inclusive);
      }
      return typeRank(k) < rank;
    };
    const notAboveHigh = (e: Entry): boolean => {
      const c = comparePrefix(e);
      if (c || !range) return c <= 0;
      const k = e.key[n];
      if (range.high) {
        const d = compareBson(k, range.high.value);
        return d < 0 || (d === 0 && range.high.inclusive);
      }
      return typeRank(k) <= rank;
    };
    const start = this.partition(belowLow);
    const end = this.partition(notAboveHigh);
    if (reverse) for (let i = end - 1; i >= start; i--) yield this.entries[i]!.id;
    else for (let i = start; i < end; i++) yield this.entries[i]!.id;
  }

  /** Ids whose leading key lies in the range (TTL sweeps). */
  range(r: Range): Generator<string> {
    return this.scan([], r);
  }
}
