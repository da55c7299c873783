import { open, rename, stat, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { join } from "node:path";
import { BSON } from "bson";
import { serializeBson, type Doc } from "./values.js";

// Record framing shared by journal and snapshot: u32 length, u32 CRC-32 of the body, BSON body.
const RECORD_HEADER = 8;
const READ_OPTIONS = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: false } as const;

/** Frames one BSON body as a checksummed record. */
export function encodeRecord(body: Doc): Buffer {
  const bson = serializeBson(body);
  const header = Buffer.alloc(RECORD_HEADER);
  header.writeUInt32LE(bson.length, 0);
  header.writeUInt32LE(crc32(bson), 4);
  return Buffer.concat([header, bson]);
}

/** Decodes records until the end or the first torn/corrupt one; returns the bodies and the valid length. */
export function decodeRecords(buf: Buffer): { records: Doc[]; validLength: number } {
  const records: Doc[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER <= buf.length) {
    const len = buf.readUInt32LE(offset);
    const crc = buf.readUInt32LE(offset + 4);
    const end = offset + RECORD_HEADER + len;
    if (len < 5 || end > buf.length) break;
    const body = buf.subarray(offset + RECORD_HEADER, end);
    if (crc32(body) !== crc) break;
    try {
      records.push(BSON.deserialize(body, READ_OPTIONS) as Doc);
    } catch {
      break;
    }
    offset = end;
  }
  return { records, validLength: offset };
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes a file atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeAtomically(dir: string, name: string, chunks: Buffer[]): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const fh = await open(tmp, "w");
  try {
    for (const c of chunks) await fh.write(c);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await fsyncDir(dir);
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Append-only journal with group commit: records appended while an fsync is in flight are written
 * and synced together by the next one, and every append resolves only once its record is durable.
 */
export class Journal {
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private paused = false;
  private bytes: number;

  private constructor(
    private readonly fh: FileHandle,
    size: number,
  ) {
    this.bytes = size;
  }

  /** Opens (creating) the journal file, truncated to `validLength` to drop a torn tail. */
  static async open(path: string, validLength: number): Promise<Journal> {
    const fh = await open(path, "a+");
    const size = (await stat(path)).size;
    if (size !== validLength) {
      await fh.truncate(validLength);
      await fh.sync();
    }
    return new Journal(fh, validLength);
  }

  get size(): number {
    return this.bytes + this.pending.reduce((n, b) => n + b.length, 0);
  }

  /** Appends one record; resolves once it is on disk. */
  append(body: Doc): Promise<void> {
    this.pending.push(encodeRecord(body));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.kick();
    return done;
  }

  private kick(): void {
    if (this.flushing || this.paused || this.pending.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0 && !this.paused) {
      const batch = Buffer.concat(this.pending);
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.fh.write(batch);
        await this.fh.datasync();
        this.bytes += batch.length;
        for (const w of waiters) w.resolve();
      } catch (err) {
        // Cut off whatever part of the batch reached the file, so later records never follow a torn one.
        await this.fh.truncate(this.bytes).catch(() => undefined);
        for (const w of waiters) w.reject(err);
      }
    }
  }

  /**
   * Replaces the journal by a snapshot. `capture` runs in the same tick that takes the pending
   * records, so the snapshot holds exactly the journal's content once those are written: a crash
   * between the snapshot's rename and the truncation replays the old journal over an identical
   * state, which its idempotent ops leave unchanged. Records appended meanwhile wait and are
   * written after the truncation.
   */
  async compact<T>(capture: () => T, persist: (captured: T) => Promise<void>): Promise<void> {
    this.paused = true;
    try {
      while (this.flushing) await this.flushing;
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      const captured = capture();
      try {
        if (batch.length) {
          const buf = Buffer.concat(batch);
          await this.fh.write(buf);
          await this.fh.datasync();
          this.bytes += buf.length;
        }
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
        throw err;
      }
      await persist(captured);
      await this.fh.truncate(0);
      await this.fh.sync();
      this.bytes = 0;
    } finally {
      this.paused = false;
      this.kick();
    }
  }

  async close(): Promise<void> {
    while (this.flushing || this.pending.length) {
      this.kick();
      if (this.flushing) await this.flushing;
      else break;
    }
    await this.fh.close();
  }
}
