import { bsonType, isPlainObject, type Doc } from "./values.js";

// MongoDB's cross-type sort order (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/).
export const RANK_MINKEY = 0;
const RANK_NULL = 1;
const RANK_NUMBER = 2;
const RANK_STRING = 3;
const RANK_OBJECT = 4;
const RANK_ARRAY = 5;
const RANK_BINARY = 6;
const RANK_OBJECTID = 7;
const RANK_BOOL = 8;
const RANK_DATE = 9;
const RANK_TIMESTAMP = 10;
const RANK_REGEX = 11;
export const RANK_MAXKEY = 12;

/** Position of a value's type in MongoDB's comparison order. */
export function typeRank(v: unknown): number {
  if (v === null || v === undefined) return RANK_NULL;
  switch (typeof v) {
    case "number":
    case "bigint":
      return RANK_NUMBER;
    case "string":
      return RANK_STRING;
    case "boolean":
      return RANK_BOOL;
  }
  if (v instanceof Date) return RANK_DATE;
  if (v instanceof RegExp) return RANK_REGEX;
  if (Array.isArray(v)) return RANK_ARRAY;
  switch (bsonType(v)) {
    case "MinKey":
      return RANK_MINKEY;
    case "MaxKey":
      return RANK_MAXKEY;
    case "Int32":
    case "Double":
    case "Long":
    case "Decimal128":
      return RANK_NUMBER;
    case "BSONSymbol":
      return RANK_STRING;
    case "Binary":
      return RANK_BINARY;
    case "ObjectId":
      return RANK_OBJECTID;
    case "Timestamp":
      return RANK_TIMESTAMP;
    case "BSONRegExp":
      return RANK_REGEX;
  }
  if (v instanceof Uint8Array) return RANK_BINARY;
  return RANK_OBJECT;
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const t = bsonType(v);
  if (t === "Long") return (v as { toNumber(): number }).toNumber();
  if (t === "Decimal128") return Number.parseFloat(String(v));
  return (v as { valueOf(): number }).valueOf();
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return (v as { buffer: Uint8Array }).buffer;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

interface ObjectIdLike {
  toHexString(): string;
}

// bson 7 keeps an ObjectId's twelve bytes as four 24-bit integers i0..i3, big-endian: comparing
// them in turn is comparing the bytes, without building two hex strings per comparison (index
// searches compare _ids a dozen times per insert). Other shapes fall back to the hex strings.
function compareObjectIds(a: ObjectIdLike, b: ObjectIdLike): number {
  const x = a as ObjectIdLike & { i0?: unknown; i1: number; i2: number; i3: number };
  const y = b as ObjectIdLike & { i0?: unknown; i1: number; i2: number; i3: number };
  if (typeof x.i0 !== "number" || typeof y.i0 !== "number") return cmp(a.toHexString(), b.toHexString());
  return x.i0 - y.i0 || x.i1 - y.i1 || x.i2 - y.i2 || x.i3 - y.i3;
}

/** Compares two values in MongoDB's BSON order (numbers across types by value). */
export function compareBson(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case RANK_NULL:
    case RANK_MINKEY:
    case RANK_MAXKEY:
      return 0;
    case RANK_NUMBER: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return cmp(x, y);
    }
    case RANK_STRING:
      return cmp(String(a), String(b));
    case RANK_BOOL:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case RANK_DATE:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case RANK_OBJECTID:
      return compareObjectIds(a as ObjectIdLike, b as ObjectIdLike);
    case RANK_BINARY: {
      const x = bytesOf(a);
      const y = bytesOf(b);
      // BinData orders by length first, then subtype, then bytes.
      if (x.length !== y.length) return x.length - y.length;
      return compareBytes(x, y);
    }
    case RANK_TIMESTAMP:
      return cmp(String(a), String(b));
    case RANK_REGEX:
      return cmp(String(a), String(b));
    case RANK_ARRAY: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareBson(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = isPlainObject(a) ? a : ({} as Doc);
      const y = isPlainObject(b) ? b : ({} as Doc);
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      for (let i = 0; i < Math.min(kx.length, ky.length); i++) {
        const c = compareBson(x[kx[i]!], y[ky[i]!]) || cmp(kx[i]!, ky[i]!);
        if (c) return c;
      }
      return kx.length - ky.length;
    }
  }
}

/**
 * A string identical for values MongoDB treats as equal (1, 1.0 and Long 1 alike), used as hash
 * key for `_id` lookups and unique-index checks.
 */
export function canonicalKey(v: unknown): string {
  const r = typeRank(v);
  switch (r) {
    case RANK_NULL:
      return "n";
    case RANK_NUMBER: {
      const n = toNumber(v);
      return `#${Object.is(n, -0) ? 0 : n}`;
    }
    case RANK_STRING:
      return `s${JSON.stringify(String(v))}`;
    case RANK_BOOL:
      return v ? "t" : "f";
    case RANK_DATE:
      return `d${(v as Date).getTime()}`;
    case RANK_OBJECTID:
      return `o${(v as { toHexString(): string }).toHexString()}`;
    case RANK_BINARY:
      return `b${Buffer.from(bytesOf(v)).toString("base64")}`;
    case RANK_ARRAY:
      return `[${(v as unknown[]).map(canonicalKey).join(",")}]`;
    case RANK_OBJECT: {
      const o = isPlainObject(v) ? v : {};
      return `{${Object.keys(o).map((k) => `${JSON.stringify(k)}:${canonicalKey(o[k])}`).join(",")}}`;
    }
    default:
      return `${r}:${String(v)}`;
  }
}
