import { BSON } from "bson";
import { serializeBson, wireBytes } from "../storage/values.js";
import { crc32c } from "./crc32c.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
export const MAX_MESSAGE_SIZE = 48_000_000;
export const HEADER_SIZE = 16;

const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

/** Raised for a message that cannot be parsed; the connection is closed with this reason. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

export type Doc = Record<string, unknown>;

/** A decoded request: the command document with document-sequence sections merged in. */
export interface Request {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  command: Doc;
  /** OP_MSG moreToCome: the client expects no reply (w:0 writes). */
  moreToCome: boolean;
  /** OP_QUERY only: the collection it addressed (e.g. "admin.$cmd"). */
  fullCollectionName?: string;
}

// Types are kept exactly as sent (Int32 vs Double, Long, Binary) so documents round-trip unchanged;
// regular expressions become JS RegExp because mingo evaluates filters with them.
const DESERIALIZE_OPTIONS = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: false,
  validation: { utf8: false },
} as const;

function deserializeAt(buf: Buffer, offset: number, limit: number): { doc: Doc; size: number } {
  if (offset + 5 > limit) throw new ProtocolError("truncated BSON document");
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new ProtocolError(`invalid BSON document size ${size}`);
  try {
    const doc = BSON.deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Doc;
    return { doc, size };
  } catch (err) {
    throw new ProtocolError(`bad BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, limit: number): { value: string; next: number } {
  const end = buf.indexOf(0, offset);
  if (end < 0 || end >= limit) throw new ProtocolError("unterminated cstring");
  return { value: buf.toString("utf8", offset, end), next: end + 1 };
}

/** Parses one complete message (header included). */
export function parseMessage(msg: Buffer): Request {
  const length = msg.readInt32LE(0);
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(msg, length, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(msg, length, requestId);
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

function parseOpMsg(msg: Buffer, length: number, requestId: number): Request {
  const flags = msg.readUInt32LE(HEADER_SIZE);
  // Bits 0-15 are "required": an unknown one set must be refused, per the OP_MSG spec.
  if (flags & 0xfffc & 0xffff) throw new ProtocolError(`unknown required OP_MSG flag bits 0x${flags.toString(16)}`);
  let limit = length;
  if (flags & CHECKSUM_PRESENT) {
    if (length < HEADER_SIZE + 4 + 4) throw new ProtocolError("OP_MSG too short for checksum");
    limit = length - 4;
    const expected = msg.readUInt32LE(limit);
    if (crc32c(msg, 0, limit) !== expected) throw new ProtocolError("OP_MSG checksum mismatch");
  }
  let offset = HEADER_SIZE + 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < limit) {
    const kind = msg[offset]!;
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError("OP_MSG with two body sections");
      const { doc, size } = deserializeAt(msg, offset, limit);
      body = doc;
      offset += size;
    } else if (kind === 1) {
      if (offset + 4 > limit) throw new ProtocolError("truncated document sequence");
      const size = msg.readInt32LE(offset);
      const end = offset + size;
      if (size < 5 || end > limit) throw new ProtocolError(`invalid document sequence size ${size}`);
      const id = readCString(msg, offset + 4, end);
      const docs: Doc[] = [];
      let p = id.next;
      while (p < end) {
        const d = deserializeAt(msg, p, end);
        docs.push(d.doc);
        wireBytes.set(d.doc, msg.subarray(p, p + d.size));
        p += d.size;
      }
      sequences.push([id.value, docs]);
      offset = end;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError("OP_MSG without a body section");
  for (const [id, docs] of sequences) body[id] = docs;
  return { requestId, opCode: OP_MSG, command: body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(msg: Buffer, length: number, requestId: number): Request {
  let offset = HEADER_SIZE + 4; // flags are irrelevant for commands
  const ns = readCString(msg, offset, length);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  const { doc } = deserializeAt(msg, offset, length);
  // Legacy drivers wrap the command as {$query: cmd, $readPreference: ...}.
  const command = doc["$query"] && typeof doc["$query"] === "object" ? (doc["$query"] as Doc) : doc;
  return { requestId, opCode: OP_QUERY, command, moreToCome: false, fullCollectionName: ns.value };
}

/**
 * A document already in BSON form (a stored document's cached bytes): replies embed it as is instead
 * of serializing the same document again on every read.
 */
export class RawDoc {
  constructor(readonly bytes: Buffer) {}
}

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;

function hasRaw(v: unknown): boolean {
  if (v instanceof RawDoc) return true;
  if (Array.isArray(v)) return v.length > 0 && v.some((x) => x instanceof RawDoc);
  if (v === null || typeof v !== "object" || (v as { _bsontype?: unknown })._bsontype !== undefined) return false;
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  // Replies nest raw documents only in cursor batches: {cursor: {firstBatch|nextBatch: [...]}}.
  const o = v as Doc;
  return hasRaw(o["cursor"]) || hasRaw(o["firstBatch"]) || hasRaw(o["nextBatch"]);
}

function element(type: number, key: string, body: Buffer): Buffer[] {
  return [Buffer.from([type]), Buffer.from(`${key}\0`, "utf8"), body];
}

/** BSON of a document whose values may be (or contain, in cursor batches) RawDoc. */
function encodeWithRaw(doc: Doc | unknown[]): Buffer {
  const parts: Buffer[] = [];
  const entries: Array<[string, unknown]> = Array.isArray(doc) ? doc.map((v, i) => [String(i), v]) : Object.entries(doc);
  for (const [k, v] of entries) {
    if (v instanceof RawDoc) parts.push(...element(EMBEDDED_DOCUMENT, k, v.bytes));
    else if (hasRaw(v)) parts.push(...element(Array.isArray(v) ? ARRAY : EMBEDDED_DOCUMENT, k, encodeWithRaw(v as Doc)));
    else {
      // One element serialized alone, without its enclosing document's length and terminator.
      const one = serializeBson({ [k]: v });
      parts.push(one.subarray(4, one.length - 1));
    }
  }
  let length = 5;
  for (const p of parts) length += p.length;
  const head = Buffer.alloc(4);
  head.writeInt32LE(length, 0);
  return Buffer.concat([head, ...parts, Buffer.alloc(1)], length);
}

const CURSOR_KEY = Buffer.from("cursor\0");
const ID_KEY = Buffer.from("id\0");
const NS_KEY = Buffer.from("ns\0");
const OK_KEY = Buffer.from("ok\0");

/**
 * The reply of find/getMore, `{cursor: {firstBatch|nextBatch: [RawDoc...], id: Long, ns}, ok: 1}`,
 * written into one buffer with `headroom` bytes free in front (for the message header); null for
 * any other shape.
 */
function writeCursorReply(reply: Doc, headroom: number): Buffer | null {
  const keys = Object.keys(reply);
  const cursor = reply["cursor"] as Doc;
  if (keys.length !== 2 || keys[0] !== "cursor" || reply["ok"] !== 1) return null;
  const ckeys = Object.keys(cursor);
  const batchKey = ckeys[0];
  const batch = batchKey === undefined ? undefined : cursor[batchKey];
  const id = cursor["id"] as { _bsontype?: string; low: number; high: number } | undefined;
  const ns = cursor["ns"];
  if (ckeys.length !== 3 || (batchKey !== "firstBatch" && batchKey !== "nextBatch") || ckeys[1] !== "id" || ckeys[2] !== "ns") return null;
  if (!Array.isArray(batch) || !batch.every((d) => d instanceof RawDoc) || id?._bsontype !== "Long" || typeof ns !== "string") return null;
  const docs = batch as RawDoc[];
  let arraySize = 5;
  for (let i = 0; i < docs.length; i++) arraySize += 2 + String(i).length + docs[i]!.bytes.length;
  const nsBytes = Buffer.byteLength(ns, "utf8");
  const cursorSize = 4 + (2 + batchKey.length + arraySize) + (1 + ID_KEY.length + 8) + (1 + NS_KEY.length + 4 + nsBytes + 1) + 1;
  const size = 4 + (1 + CURSOR_KEY.length + cursorSize) + (1 + OK_KEY.length + 4) + 1;
  const buf = Buffer.allocUnsafe(headroom + size);
  let p = headroom;
  p = buf.writeInt32LE(size, p);
  buf[p++] = EMBEDDED_DOCUMENT;
  p += CURSOR_KEY.copy(buf, p);
  p = buf.writeInt32LE(cursorSize, p);
  buf[p++] = ARRAY;
  p += buf.write(batchKey, p, "latin1");
  buf[p++] = 0;
  p = buf.writeInt32LE(arraySize, p);
  for (let i = 0; i < docs.length; i++) {
    buf[p++] = EMBEDDED_DOCUMENT;
    p += buf.write(String(i), p, "latin1");
    buf[p++] = 0;
    p += docs[i]!.bytes.copy(buf, p);
  }
  buf[p++] = 0; // end of the array
  buf[p++] = 0x12; // int64
  p += ID_KEY.copy(buf, p);
  p = buf.writeInt32LE(id.low, p);
  p = buf.writeInt32LE(id.high, p);
  buf[p++] = 0x02; // string
  p += NS_KEY.copy(buf, p);
  p = buf.writeInt32LE(nsBytes + 1, p);
  p += buf.write(ns, p, "utf8");
  buf[p++] = 0;
  buf[p++] = 0; // end of cursor
  buf[p++] = 0x10; // int32, as BSON.serialize writes ok: 1
  p += OK_KEY.copy(buf, p);
  p = buf.writeInt32LE(1, p);
  buf[p++] = 0; // end of reply
  if (p !== buf.length) throw new Error(`cursor reply size mismatch: wrote ${p - headroom} of ${size} bytes`);
  return buf;
}

/** Serializes a reply; cursor batches may hold RawDoc entries, copied in without re-encoding. */
export function serializeReply(reply: Doc): Buffer {
  return hasRaw(reply) ? (writeCursorReply(reply, 0) ?? encodeWithRaw(reply)) : serializeBson(reply);
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** Builds an OP_MSG reply with a single body section. */
export function buildOpMsg(responseTo: number, reply: Doc): Buffer {
  // A find/getMore reply of cached documents is written straight behind its header: one buffer.
  const direct = hasRaw(reply) ? writeCursorReply(reply, HEADER_SIZE + 5) : null;
  if (direct) {
    header(direct.length, responseTo, OP_MSG).copy(direct, 0);
    direct.writeUInt32LE(0, HEADER_SIZE); // flags
    direct[HEADER_SIZE + 4] = 0; // section kind: body
    return direct;
  }
  const body = serializeReply(reply);
  const length = HEADER_SIZE + 4 + 1 + body.length;
  const flagsAndKind = Buffer.alloc(5);
  return Buffer.concat([header(length, responseTo, OP_MSG), flagsAndKind, body], length);
}

/** Builds an OP_REPLY, the answer to a legacy OP_QUERY. */
export function buildOpReply(responseTo: number, reply: Doc): Buffer {
  const body = serializeReply(reply);
  const fixed = Buffer.alloc(20);
  fixed.writeInt32LE(8, 0); // AwaitCapable
  // cursorID (8 bytes) and startingFrom stay 0
  fixed.writeInt32LE(1, 16); // numberReturned
  const length = HEADER_SIZE + fixed.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_REPLY), fixed, body], length);
}
