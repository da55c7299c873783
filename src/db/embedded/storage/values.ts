import { BSON, Decimal128, Double, Long } from "bson";

export type Doc = Record<string, unknown>;
/**
 * Dotted paths whose number must go back on the wire as a specific BSON type: "double", "long", or
 * "decimal:<exact string>" (Decimal128 is compared as a number but returned with all its digits).
 */
export type Hints = Record<string, string>;

/** Hints of stored views, so operators that only see the view (our $type) can tell number types apart. */
export const viewHints = new WeakMap<object, Hints>();

/**
 * The BSON bytes a deserialized document arrived in (documents of OP_MSG sequences: inserted
 * documents, update statements), a view into the message valid while the command runs.
 */
export const wireBytes = new WeakMap<object, Buffer>();

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The BSON type tag bson's classes carry; survives dual-package loading unlike instanceof. */
export function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === "string" ? t : undefined;
}

/** Sets a key as an own property, even "__proto__" (plain assignment would change the prototype). */
export function setOwn(obj: Doc, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// BSON serializes a JS number as int32 when it is an integer in int32 range, else as double.
function naturallyInt32(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/**
 * Converts a value deserialized with promoteValues:false into the form mingo evaluates (plain JS
 * numbers), recording in `hints` where the original type would not come back by itself.
 */
export function fromWire(v: unknown, hints: Hints | null = null, path = ""): unknown {
  if (v === null || typeof v !== "object") return v;
  switch (bsonType(v)) {
    case "Int32":
      return (v as { value: number }).value;
    case "Double": {
      const n = (v as { value: number }).value;
      if (hints && naturallyInt32(n)) hints[path] = "double";
      return n;
    }
    case "Long": {
      const l = v as Long;
      // Longs beyond 2^53 stay Long objects: a number would silently lose precision.
      if (l.greaterThan(Long.fromNumber(Number.MAX_SAFE_INTEGER)) || l.lessThan(Long.fromNumber(Number.MIN_SAFE_INTEGER))) return l;
      if (hints) hints[path] = "long";
      return l.toNumber();
    }
    case "Decimal128": {
      const str = String(v);
      if (hints) hints[path] = `decimal:${str}`;
      return Number.parseFloat(str);
    }
    case undefined:
      break;
    default:
      return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => fromWire(x, hints, path === "" ? String(i) : `${path}.${i}`));
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setOwn(out, k, fromWire(v[k], hints, path === "" ? k : `${path}.${k}`));
    return out;
  }
  return v;
}

function typedNumber(n: number, hint: string): unknown {
  if (hint === "double") return new Double(n);
  if (hint === "long") return Number.isInteger(n) ? Long.fromNumber(n) : new Double(n);
  if (hint.startsWith("decimal:")) {
    const exact = hint.slice("decimal:".length);
    const same = Number.parseFloat(exact);
    // Unchanged since stored: give back the exact digits; else the new value.
    return Decimal128.fromString(same === n || (Number.isNaN(same) && Number.isNaN(n)) ? exact : String(n));
  }
  return n;
}

/** Converts a stored document to its wire form: view plus hints. */
export function toWire(view: Doc, hints: Hints | null): Doc {
  if (!hints) return view;
  const paths = Object.keys(hints);
  if (paths.length === 0) return view;
  const prefixes = new Set<string>();
  for (const p of paths) {
    const parts = p.split(".");
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join("."));
  }
  const walk = (v: unknown, path: string): unknown => {
    const hint = hints[path];
    if (hint && typeof v === "number") return typedNumber(v, hint);
    if (path !== "" && !prefixes.has(path)) return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, path === "" ? String(i) : `${path}.${i}`));
    if (isPlainObject(v)) {
      const out: Doc = {};
      for (const k of Object.keys(v)) setOwn(out, k, walk(v[k], path === "" ? k : `${path}.${k}`));
      return out;
    }
    return v;
  };
  return walk(view, "") as Doc;
}

/** Reads a dotted path without descending into arrays by position semantics beyond numeric keys. */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
}

/** Keeps the hints whose path still holds a number after an update, adding the update's own. */
export function carryHints(view: Doc, ...sources: Array<Hints | null>): Hints | null {
  let out: Hints | null = null;
  for (const src of sources) {
    if (!src) continue;
    for (const [p, h] of Object.entries(src)) {
      if (typeof getPath(view, p) === "number") (out ??= {})[p] = h;
    }
  }
  return out;
}

/** Deep copy that keeps BSON value objects (immutable) by reference. */
export function cloneView<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneView(x)) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneView(v[k]));
    return out as T;
  }
  return v;
}

/**
 * Serializes a document of any size: BSON.serialize uses a fixed ~17 MiB scratch buffer, too small
 * for journal records of large batches.
 */
export function serializeBson(doc: Doc): Buffer {
  const size = BSON.calculateObjectSize(doc);
  const buf = Buffer.alloc(size);
  BSON.serializeWithBufferAndIndex(doc, buf);
  return buf;
}
