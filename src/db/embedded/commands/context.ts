import { BSON, Long } from "bson";
import type { Catalog, Op } from "../storage/catalog.js";
import { MAX_BSON_SIZE, type EngineStats, type StoredDoc } from "../storage/collection.js";
import { fromWire, isPlainObject, toWire, type Doc } from "../storage/values.js";
import { RawDoc } from "../wire/protocol.js";
import { CommandError, ErrorCode } from "./errors.js";

/** What a command handler may touch. Handlers are synchronous, so each command is atomic. */
export interface CommandContext {
  readonly catalog: Catalog;
  readonly cursors: CursorStore;
  readonly stats: EngineStats;
  readonly connectionId: number;
  /** Effects of this command, journaled as one record before the reply is sent. */
  readonly ops: Op[];
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc;

/** The command's value converted to plain JS (numbers unwrapped), e.g. a filter or an option. */
export function plain<T = unknown>(v: unknown): T {
  return fromWire(v) as T;
}

export function dbOf(cmd: Doc): string {
  const db = cmd["$db"];
  if (typeof db !== "string" || db === "") throw new CommandError(ErrorCode.InvalidNamespace, "command has no $db");
  return db;
}

/** The collection name a command addresses in its first field. */
export function collOf(cmd: Doc, name: string): string {
  const c = cmd[name];
  if (typeof c !== "string" || c === "") {
    throw new CommandError(ErrorCode.InvalidNamespace, `collection name must be a non-empty string, got ${typeof c}`);
  }
  return c;
}

export function optDoc(cmd: Doc, field: string): Doc | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new CommandError(ErrorCode.TypeMismatch, `'${field}' must be an object`);
  return plain<Doc>(v);
}

export function optNumber(cmd: Doc, field: string): number | undefined {
  const v = plain(cmd[field]);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number") throw new CommandError(ErrorCode.TypeMismatch, `'${field}' must be a number`);
  return v;
}

export function optBool(cmd: Doc, field: string, dflt: boolean): boolean {
  const v = plain(cmd[field]);
  if (v === undefined || v === null) return dflt;
  return Boolean(v);
}

/** A stored document as it goes back to the client (exact types restored). */
export function outDoc(doc: StoredDoc): Doc {
  return toWire(doc.view, doc.hints);
}

interface OpenCursor {
  ns: string;
  docs: Array<Doc | RawDoc>;
  pos: number;
  lastUsed: number;
  /** Opened with noCursorTimeout: never expired for idleness. */
  noTimeout?: boolean;
}

/** MongoDB closes cursors idle for 10 minutes (cursorTimeoutMillis). */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

// Room left for the reply envelope around a batch.
const BATCH_BYTES = MAX_BSON_SIZE - 16 * 1024;

/** Server-side cursors for find/aggregate results that do not fit the first batch. */
export class CursorStore {
  private readonly open = new Map<string, OpenCursor>();
  private next = 1n;

  /** Takes up to `batchSize` documents (and at most ~16 MiB) from `docs` starting at `pos`. */
  private take(c: OpenCursor, batchSize: number | undefined): Array<Doc | RawDoc> {
    const out: Array<Doc | RawDoc> = [];
    let bytes = 0;
    const limit = batchSize && batchSize > 0 ? batchSize : Infinity;
    while (c.pos < c.docs.length && out.length < limit) {
      const d = c.docs[c.pos]!;
      const size = d instanceof RawDoc ? d.bytes.length : BSON.calculateObjectSize(d);
      if (out.length > 0 && bytes + size > BATCH_BYTES) break;
      bytes += size;
      out.push(d);
      c.pos++;
    }
    return out;
  }

  /** Builds the `cursor` reply of find/aggregate, keeping a cursor open if documents remain. */
  first(ns: string, docs: Array<Doc | RawDoc>, batchSize: number | undefined, singleBatch: boolean, noTimeout = false): Doc {
    const c: OpenCursor = { ns, docs, pos: 0, lastUsed: Date.now(), noTimeout };
    const firstBatch = this.take(c, batchSize ?? 101);
    let id = Long.ZERO;
    if (!singleBatch && c.pos < c.docs.length) {
      const key = this.next++;
      this.open.set(key.toString(), c);
      id = Long.fromBigInt(key);
    }
    return { cursor: { firstBatch, id, ns }, ok: 1 };
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): Doc {
    const key = id.toString();
    const c = this.open.get(key);
    if (!c) throw new CommandError(ErrorCode.CursorNotFound, `cursor id ${key} not found`);
    if (c.ns !== ns) {
      throw new CommandError(ErrorCode.Unauthorized, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`);
    }
    c.lastUsed = Date.now();
    const nextBatch = this.take(c, batchSize);
    let outId = id;
    if (c.pos >= c.docs.length) {
      this.open.delete(key);
      outId = Long.ZERO;
    }
    return { cursor: { nextBatch, id: outId, ns }, ok: 1 };
  }

  kill(ids: Long[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.open.delete(id.toString()) ? killed : notFound).push(id);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** Drops cursors idle longer than `idleMs` so abandoned results do not pin memory. */
  expireIdle(now = Date.now(), idleMs = CURSOR_IDLE_MS): number {
    let n = 0;
    for (const [id, c] of this.open) {
      if (!c.noTimeout && now - c.lastUsed > idleMs) {
        this.open.delete(id);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.open.size;
  }
}

/** Accepts Int32/Long/number cursor ids. */
export function toLong(v: unknown): Long {
  if (v instanceof Long) return v;
  if (typeof v === "number") return Long.fromNumber(v);
  if (typeof v === "bigint") return Long.fromBigInt(v);
  const p = plain(v);
  if (typeof p === "number") return Long.fromNumber(p);
  if (p instanceof Long) return p;
  throw new CommandError(ErrorCode.TypeMismatch, "cursor id must be a number");
}
