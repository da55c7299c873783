import { createHash } from "node:crypto";
import { appendFile, mkdtemp, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killHard, startCli, type RunningEngine } from "../../helpers/engine.js";

const KILLS = 20;
const WRITERS = 6;
const BATCH = 5;
// Small enough that the journal is compacted into a snapshot several times per run, so some kills
// land while a compaction is in progress.
const COMPACT_ARGS = ["--compact-after-bytes", String(256 * 1024)];

const checksum = (s: string): string => createHash("sha1").update(s).digest("hex");

// Seeded pseudo-random choices; the seed is printed on failure to help reproduce (writers interleave
// freely, so a replay is close to, not exactly, the failing run).
const seed = Date.now() % 1_000_000;
let state = seed;
const rand = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};

/** What the test knows about every write it ever sent. */
class Ledger {
  /** Inserted and acknowledged (possibly deleted since: see `deleted`). */
  readonly acked = new Set<string>();
  /** Insert sent but not acknowledged: may or may not have happened. */
  readonly uncertain = new Set<string>();
  /** Unacknowledged inserts found absent after a restart: they must never appear later. */
  readonly lost = new Set<string>();
  readonly ackedBatches = new Map<string, string[]>();
  /** Version (`v`) of every live document as last acknowledged. */
  readonly version = new Map<string, number>();
  /** Replacement sent but not acknowledged: the document holds either version. */
  readonly pendingVersion = new Map<string, number>();
  readonly deleted = new Set<string>();
  readonly pendingDelete = new Set<string>();
  /** Live keys per writer, so each writer only ever touches its own documents. */
  readonly live = new Map<number, string[]>();
  readonly owner = new Map<string, number>();
  ackedIncs = 0;
  uncertainIncs = 0;
  /** Every acknowledged operation of any kind, to prove each round really wrote. */
  acks = 0;

  /** Records a key as durable and live for its writer. */
  makeLive(key: string): void {
    this.acked.add(key);
    this.version.set(key, this.version.get(key) ?? 0);
    const id = this.owner.get(key)!;
    if (!this.live.has(id)) this.live.set(id, []);
    this.live.get(id)!.push(key);
  }
}

/** The checksum a stored document must carry: it covers its identity, version and payload. */
const sumOf = (d: Document): string => checksum(`${d.key}|${d.writer}|${d.seq}|${d.batch}|${d.v}|${d.payload}`);

/** Builds a self-checking document with a variable-size payload. */
function makeDoc(key: string, writer: number, seq: number, batch: string | null, v = 0): Document {
  // Mostly small records, now and then one large enough to span many journal writes.
  const size = rand() < 0.02 ? 32 * 1024 + Math.floor(rand() * 32 * 1024) : 10 + Math.floor(rand() * 2_000);
  const payload = `${key}:${v}:`.repeat(Math.ceil(size / (key.length + 4))).slice(0, size);
  const doc = { key, writer, seq, batch, v, payload };
  return { ...doc, sum: sumOf(doc) };
}

/**
 * Runs one writer until `stop()` is true or its connection dies, recording every outcome in the
 * ledger: inserts, batch inserts, $inc on a shared counter, whole-document replacements and deletes.
 */
async function writer(client: MongoClient, id: number, round: number, ledger: Ledger, stop: () => boolean): Promise<void> {
  const db = client.db("durable");
  const docs = db.collection("docs");
  const counter = db.collection("counter");
  const mine = (): string[] => ledger.live.get(id) ?? [];
  for (let seq = 0; !stop(); seq++) {
    const roll = rand();
    const base = `r${round}-w${id}-s${seq}`;
    try {
      if (roll < 0.45) {
        ledger.owner.set(base, id);
        ledger.uncertain.add(base);
        await docs.insertOne(makeDoc(base, id, seq, null));
        ledger.uncertain.delete(base);
        ledger.makeLive(base);
        ledger.acks++;
      } else if (roll < 0.7) {
        ledger.uncertainIncs++;
        await counter.updateOne({ _id: "counter" } as Document, { $inc: { n: 1 } }, { upsert: true });
        ledger.uncertainIncs--;
        ledger.ackedIncs++;
        ledger.acks++;
      } else if (roll < 0.82 && mine().length > 0) {
        const key = mine()[Math.floor(rand() * mine().length)];
        const v = ledger.version.get(key)! + 1;
        ledger.pendingVersion.set(key, v);
        const res = await docs.replaceOne({ key }, makeDoc(key, id, seq, "replaced", v));
        expect(res.matchedCount, `round ${round}: live document ${key} not found for replace`).toBe(1);
        ledger.pendingVersion.delete(key);
        ledger.version.set(key, v);
        ledger.acks++;
      } else if (roll < 0.9 && mine().length > 0) {
        const list = mine();
        const key = list.splice(Math.floor(rand() * list.length), 1)[0];
        ledger.pendingDelete.add(key);
        const res = await docs.deleteOne({ key });
        expect(res.deletedCount, `round ${round}: live document ${key} not found for delete`).toBe(1);
        ledger.pendingDelete.delete(key);
        ledger.deleted.add(key);
        ledger.acks++;
        ledger.version.delete(key);
      } else {
        const keys = Array.from({ length: BATCH }, (_, i) => `${base}-b${i}`);
        for (const k of keys) {
          ledger.owner.set(k, id);
          ledger.uncertain.add(k);
        }
        await docs.insertMany(keys.map((k, i) => makeDoc(k, id, seq * 100 + i, base)));
        for (const k of keys) {
          ledger.uncertain.delete(k);
          ledger.makeLive(k);
        }
        ledger.ackedBatches.set(base, keys);
        ledger.acks++;
      }
    } catch (err) {
      // A failed assertion is a finding; a network error is the kill we caused.
      if ((err as Error).name === "AssertionError") throw err;
      return;
    }
  }
}

/** Checks the restarted engine against the ledger, then settles what was uncertain. */
async function verify(uri: string, ledger: Ledger, context: string): Promise<void> {
  const client = new MongoClient(uri, { directConnection: true, retryWrites: false, serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    const db = client.db("durable");
    const all = await db.collection("docs").find({}).toArray();
    const seen = new Map<string, Document[]>();
    for (const d of all) {
      // A present document must be whole: its checksum still covers what is stored.
      expect(d.sum, `${context}: torn document ${String(d.key)}`).toBe(sumOf(d));
      seen.set(d.key as string, [...(seen.get(d.key as string) ?? []), d]);
    }
    const duplicated = [...seen].filter(([, ds]) => ds.length > 1).map(([k]) => k);
    expect(duplicated, `${context}: documents present more than once`).toEqual([]);
    const mayBeGone = (k: string): boolean => ledger.deleted.has(k) || ledger.pendingDelete.has(k);
    const missing = [...ledger.acked].filter((k) => !seen.has(k) && !mayBeGone(k));
    expect(missing, `${context}: acknowledged inserts missing`).toEqual([]);
    const resurrected = [...ledger.deleted].filter((k) => seen.has(k));
    expect(resurrected, `${context}: acknowledged deletes undone`).toEqual([]);
    const phantom = [...seen.keys()].filter((k) => !ledger.acked.has(k) && !ledger.uncertain.has(k));
    expect(phantom, `${context}: documents nobody wrote or that reappeared`).toEqual([]);
    for (const [batch, keys] of ledger.ackedBatches) {
      expect(keys.filter((k) => !seen.has(k) && !mayBeGone(k)), `${context}: batch ${batch} incomplete`).toEqual([]);
    }
    const wrongVersion = [...seen]
      .filter(([k]) => ledger.acked.has(k))
      .filter(([k, [d]]) => d.v !== ledger.version.get(k) && d.v !== ledger.pendingVersion.get(k))
      .map(([k, [d]]) => `${k}: v${d.v}, acknowledged v${ledger.version.get(k)}`);
    expect(wrongVersion, `${context}: replacements lost or invented`).toEqual([]);

    // The secondary index must agree with the data after recovery.
    const viaIndex = await db.collection("docs").countDocuments({ writer: { $gte: 0 } });
    expect(viaIndex, `${context}: index and collection disagree`).toBe(all.length);

    const counter = await db.collection("counter").findOne({ _id: "counter" } as Document);
    const n = (counter?.n as number | undefined) ?? 0;
    expect(n, `${context}: counter lost acknowledged $inc`).toBeGreaterThanOrEqual(ledger.ackedIncs);
    expect(n, `${context}: counter has more $inc than were sent`).toBeLessThanOrEqual(
      ledger.ackedIncs + ledger.uncertainIncs,
    );

    // From now on what survived is durable and what did not must stay absent.
    for (const k of ledger.uncertain) {
      if (seen.has(k)) ledger.makeLive(k);
      else ledger.lost.add(k);
    }
    ledger.uncertain.clear();
    for (const k of ledger.pendingDelete) {
      if (seen.has(k)) ledger.live.get(ledger.owner.get(k)!)!.push(k);
      else {
        ledger.deleted.add(k);
        ledger.version.delete(k);
      }
    }
    ledger.pendingDelete.clear();
    for (const k of ledger.pendingVersion.keys()) {
      const d = seen.get(k)?.[0];
      if (d) ledger.version.set(k, d.v as number);
    }
    ledger.pendingVersion.clear();
    ledger.ackedIncs = n;
    ledger.uncertainIncs = 0;
  } finally {
    await client.close();
  }
}

let dbpath: string;
let current: RunningEngine | undefined;

beforeAll(async () => {
  dbpath = await mkdtemp(path.join(tmpdir(), "engine-durability-"));
});

afterAll(async () => {
  if (current) await killHard(current.child);
  await rm(dbpath, { recursive: true, force: true });
});

describe("embedded engine durability", () => {
  it(`keeps every acknowledged write exactly once across ${KILLS} SIGKILLs (seed printed on failure)`, async () => {
    const ledger = new Ledger();
    current = await startCli(dbpath, COMPACT_ARGS);
    {
      const setup = new MongoClient(current.uri, { directConnection: true, serverSelectionTimeoutMS: 5_000 });
      await setup.db("durable").collection("docs").createIndex({ writer: 1, seq: 1 });
      await setup.close();
    }

    for (let round = 0; round < KILLS; round++) {
      const context = `seed ${seed}, round ${round}`;
      const client = new MongoClient(current.uri, {
        directConnection: true,
        retryWrites: false,
        maxPoolSize: WRITERS,
        serverSelectionTimeoutMS: 1_000,
      });
      await client.connect();
      const ackedBefore = ledger.acks;
      let stopped = false;
      let finished = 0;
      const writers = Array.from({ length: WRITERS }, (_, id) =>
        writer(client, id, round, ledger, () => stopped).finally(() => finished++),
      );
      // A random moment once writes are flowing (a compaction may hold the first ones back).
      while (ledger.acks === ackedBefore && finished < WRITERS) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.floor(rand() * 200)));
      stopped = true;
      await killHard(current.child);
      await Promise.all(writers);
      await client.close().catch(() => undefined);

      expect(ledger.acks, `${context}: no write was acknowledged`).toBeGreaterThan(ackedBefore);
      current = await startCli(dbpath, COMPACT_ARGS);
      await verify(current.uri, ledger, context);
    }

    expect(ledger.acked.size).toBeGreaterThan(KILLS);
    expect(ledger.ackedBatches.size).toBeGreaterThan(0);
    expect(ledger.deleted.size).toBeGreaterThan(0);
    expect([...ledger.version.values()].some((v) => v > 0)).toBe(true);
    const final = new MongoClient(current.uri, { directConnection: true });
    try {
      // After all that, the engine still accepts writes.
      await final.db("durable").collection("docs").insertOne({ key: "after", writer: -1 });
      expect(await final.db("durable").collection("docs").countDocuments({ key: "after" })).toBe(1);
    } finally {
      await final.close();
    }
  }, 120_000);

  it("recovers from a torn or garbage-padded journal tail and keeps writing durably after it", async () => {
    // The engine's journal file name is part of its on-disk layout (see src/db/embedded/storage/persistence.ts).
    const tornPath = await mkdtemp(path.join(tmpdir(), "engine-torn-"));
    const journal = path.join(tornPath, "journal.bin");
    const insertSeqs = async (uri: string, seqs: number[]): Promise<void> => {
      const client = new MongoClient(uri, { directConnection: true, retryWrites: false });
      try {
        // One acknowledged insert at a time, so each one is its own journal record.
        for (const seq of seqs) await client.db("torn").collection("docs").insertOne(makeDoc(`t${seq}`, 0, seq, null));
      } finally {
        await client.close();
      }
    };
    const presentSeqs = async (uri: string): Promise<number[]> => {
      const client = new MongoClient(uri, { directConnection: true });
      try {
        const docs = await client.db("torn").collection("docs").find({}).sort({ seq: 1 }).toArray();
        for (const d of docs) {
          expect(d.sum, `torn document ${String(d.key)}`).toBe(sumOf(d));
        }
        return docs.map((d) => d.seq as number);
      } finally {
        await client.close();
      }
    };
    const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
    let running: RunningEngine | undefined;
    try {
      running = await startCli(tornPath);
      await insertSeqs(running.uri, range(0, 30));
      await killHard(running.child);
      const size = (await stat(journal)).size;
      expect(size, "the killed engine left its writes in the journal").toBeGreaterThan(0);

      // A write cut short by a crash: the last record loses its final bytes.
      await truncate(journal, size - 3);
      running = await startCli(tornPath);
      expect(await presentSeqs(running.uri)).toEqual(range(0, 29));

      await insertSeqs(running.uri, range(100, 10));
      await killHard(running.child);
      // Bytes that never formed a record (e.g. preallocated or half-written) follow the last good one.
      await appendFile(journal, Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff)));
      running = await startCli(tornPath);
      expect(await presentSeqs(running.uri)).toEqual([...range(0, 29), ...range(100, 10)]);

      // Writes made after a trimmed tail must not end up hidden behind it.
      await insertSeqs(running.uri, range(200, 5));
      await killHard(running.child);
      running = await startCli(tornPath);
      expect(await presentSeqs(running.uri)).toEqual([...range(0, 29), ...range(100, 10), ...range(200, 5)]);
    } finally {
      if (running) await killHard(running.child);
      await rm(tornPath, { recursive: true, force: true });
    }
  }, 60_000);
});
