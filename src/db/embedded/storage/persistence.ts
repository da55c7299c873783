import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { opFromWire, opToWire, type Catalog, type Op } from "./catalog.js";
import { Journal, decodeRecords, encodeRecord, writeAtomically } from "./journal.js";
import type { Doc } from "./values.js";
import { DbPathInUseError, lockDir, type DirLock } from "./dir-lock.js";

const SNAPSHOT = "snapshot.bin";
const JOURNAL = "journal.bin";
const DOCS_PER_SNAPSHOT_RECORD = 1000;

export const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export interface LoadReport {
  snapshotRecords: number;
  journalRecords: number;
  tornBytes: number;
}

export { DbPathInUseError };

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function applyRecord(catalog: Catalog, record: Doc): void {
  const ops = record["ops"];
  if (!Array.isArray(ops)) return;
  for (const raw of ops) catalog.apply(opFromWire(raw as Doc));
}

/** Durable storage in a data directory: a snapshot plus a journal of every acknowledged write since. */
export class Persistence {
  private constructor(
    private readonly dir: string,
    private readonly lock: DirLock,
    private readonly journal: Journal,
    private readonly compactAfterBytes: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Loads snapshot and journal into `catalog` (dropping a torn journal tail) and opens the journal. */
  static async open(
    dir: string,
    catalog: Catalog,
    compactAfterBytes: number,
    onError: (err: unknown) => void,
  ): Promise<{ store: Persistence; report: LoadReport }> {
    await mkdir(dir, { recursive: true });
    const lock = await lockDir(dir);
    try {
      return await Persistence.load(dir, lock, catalog, compactAfterBytes, onError);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  private static async load(
    dir: string,
    lock: DirLock,
    catalog: Catalog,
    compactAfterBytes: number,
    onError: (err: unknown) => void,
  ): Promise<{ store: Persistence; report: LoadReport }> {
    const report: LoadReport = { snapshotRecords: 0, journalRecords: 0, tornBytes: 0 };
    const snap = await readIfExists(join(dir, SNAPSHOT));
    if (snap) {
      // The snapshot was renamed into place only after an fsync, so it is whole; a bad one is fatal.
      const { records, validLength } = decodeRecords(snap);
      if (validLength !== snap.length) throw new Error(`corrupt snapshot ${join(dir, SNAPSHOT)} at byte ${validLength}`);
      for (const r of records) applyRecord(catalog, r);
      report.snapshotRecords = records.length;
    }
    const jbuf = (await readIfExists(join(dir, JOURNAL))) ?? Buffer.alloc(0);
    const { records, validLength } = decodeRecords(jbuf);
    for (const r of records) applyRecord(catalog, r);
    report.journalRecords = records.length;
    report.tornBytes = jbuf.length - validLength;
    const journal = await Journal.open(join(dir, JOURNAL), validLength);
    return { store: new Persistence(dir, lock, journal, compactAfterBytes, onError), report };
  }

  /** Journals one command's effects as a single record; resolves once durable. */
  async commit(ops: Op[], catalog: Catalog): Promise<void> {
    if (ops.length === 0) return;
    await this.journal.append({ ops: ops.map(opToWire) });
    // The record is durable: compaction runs behind the reply (later appends wait for it).
    if (this.journal.size > this.compactAfterBytes) this.compact(catalog).catch(this.onError);
  }

  private compacting: Promise<void> | null = null;

  /** Writes a snapshot of the whole catalog and empties the journal. */
  compact(catalog: Catalog): Promise<void> {
    this.compacting ??= this.journal
      .compact(
        () => snapshotChunks(catalog),
        (chunks) => writeAtomically(this.dir, SNAPSHOT, chunks),
      )
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  async close(catalog: Catalog): Promise<void> {
    try {
      await this.compact(catalog);
      await this.journal.close();
    } finally {
      await this.lock.release();
    }
  }
}

function snapshotChunks(catalog: Catalog): Buffer[] {
  const chunks: Buffer[] = [];
  for (const [db, colls] of catalog.dbs) {
    for (const coll of colls.values()) {
      const meta: Op[] = [{ op: "create", db, coll: coll.name, options: coll.options }];
      for (const ix of coll.indexes.values()) if (ix.name !== "_id_") meta.push({ op: "createIndex", db, coll: coll.name, spec: ix.spec });
      chunks.push(encodeRecord({ ops: meta.map(opToWire) }));
      let batch: Op[] = [];
      for (const doc of coll.docs.values()) {
        batch.push({ op: "put", db, coll: coll.name, doc });
        if (batch.length >= DOCS_PER_SNAPSHOT_RECORD) {
          chunks.push(encodeRecord({ ops: batch.map(opToWire) }));
          batch = [];
        }
      }
      if (batch.length) chunks.push(encodeRecord({ ops: batch.map(opToWire) }));
    }
  }
  return chunks;
}
