import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Decimal128, Long, type Document } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type EngineOptions, type TestEngine } from "../../helpers/engine.js";

let dbpath: string;
let engine: TestEngine | undefined;

beforeEach(async () => {
  dbpath = await mkdtemp(path.join(tmpdir(), "engine-persist-"));
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dbpath, { recursive: true, force: true });
});

/** Total size of the regular files under a directory. */
async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Closes the running engine (if any) and starts a new one over the same dbpath. */
async function restart(options: EngineOptions = {}): Promise<TestEngine> {
  await engine?.close();
  engine = await startTestEngine({ dbpath, ...options });
  return engine;
}

describe("embedded engine on disk", () => {
  it("keeps documents, indexes and namespaces across a clean restart", async () => {
    let e = await restart();
    const db = e.client.db("persist");
    await db.collection("people").createIndex({ email: 1 }, { unique: true });
    await db.collection("people").createIndex({ tenant: 1, at: -1 }, { name: "tenant_at" });
    await db.collection("sessions").createIndex({ at: 1 }, { expireAfterSeconds: 3_600 });
    await db.collection("people").insertMany([
      { _id: 1, email: "a@x.it", tenant: "t", price: Decimal128.fromString("12.50"), big: Long.fromString("9007199254740993") },
      { _id: 2, email: "b@x.it", tenant: "t" },
      { _id: 3, email: "c@x.it", tenant: "u" },
    ] as Document[]);
    await db.collection("people").updateOne({ _id: 2 } as Document, { $set: { email: "b2@x.it" } });
    await db.collection("people").deleteOne({ _id: 3 } as Document);
    await db.collection("temp").insertOne({ x: 1 });
    await db.collection("temp").drop();
    await e.client.db("persist_gone").collection("c").insertOne({ x: 1 });
    await e.client.db("persist_gone").dropDatabase();

    e = await restart();
    const again = e.client.db("persist");
    const people = await again.collection("people").find({}).sort({ _id: 1 }).toArray();
    expect(people.map((p) => [p._id, p.email])).toEqual([
      [1, "a@x.it"],
      [2, "b2@x.it"],
    ]);
    expect((people[0].price as Decimal128).toString()).toBe("12.50");
    expect((people[0].big as Long).toString()).toBe("9007199254740993");
    expect((await again.listCollections().toArray()).map((c) => c.name).sort()).toEqual(["people", "sessions"]);
    const dbs = (await e.client.db("admin").admin().listDatabases()).databases.map((d) => d.name);
    expect(dbs).toContain("persist");
    expect(dbs).not.toContain("persist_gone");

    const indexes = await again.collection("people").listIndexes().toArray();
    expect(indexes.map((i) => i.name).sort()).toEqual(["_id_", "email_1", "tenant_at"]);
    expect(indexes.find((i) => i.name === "email_1")).toMatchObject({ unique: true });
    const ttl = (await again.collection("sessions").listIndexes().toArray()).find((i) => i.name === "at_1");
    expect(ttl?.expireAfterSeconds).toBe(3_600);

    // The unique index is enforced, and serves lookups, after the reload.
    const dup = await rejectionOf(again.collection("people").insertOne({ email: "a@x.it" }));
    expect(dup.code).toBe(11000);
    // The old value of the updated document is free again.
    await again.collection("people").insertOne({ _id: 4, email: "b@x.it" } as Document);
    const plan = (await again.collection("people").find({ email: "b2@x.it" }).explain("executionStats")) as Document;
    expect(plan.queryPlanner.winningPlan.stage).not.toBe("COLLSCAN");
    expect(plan.executionStats.totalDocsExamined).toBe(1);
  });

  it("keeps the latest state after many overwrites force compaction", async () => {
    // A tiny compaction threshold makes the engine rewrite its files several times during the test.
    let e = await restart({ compactAfterBytes: 16 * 1024 });
    const coll = e.client.db("compact").collection("counters");
    for (let round = 0; round < 40; round++) {
      await coll.bulkWrite(
        Array.from({ length: 25 }, (_, k) => ({
          updateOne: {
            filter: { _id: k } as Document,
            update: { $inc: { n: 1 }, $set: { pad: "p".repeat(200), round } },
            upsert: true,
          },
        })),
      );
    }
    await coll.deleteMany({ _id: { $gte: 20 } } as Document);

    e = await restart({ compactAfterBytes: 16 * 1024 });
    const docs = await e.client.db("compact").collection("counters").find({}).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.n, d.round])).toEqual(Array.from({ length: 20 }, (_, k) => [k, 40, 39]));
    // About 250 KiB of updates were written; after compaction the files hold the live state, not the history.
    expect(await dirBytes(dbpath)).toBeLessThan(128 * 1024);
  });

  it("refuses a second engine on a dbpath that is in use, with a coded error", async () => {
    const first = await restart();
    const err = await rejectionOf(startTestEngine({ dbpath }));
    expect(err.code).toBe(98);
    expect(err.codeName).toBe("DBPathInUse");
    // The first engine is unaffected and, once closed, frees the directory.
    await first.client.db("lock").collection("c").insertOne({ a: 1 });
    const second = await restart();
    expect(await second.client.db("lock").collection("c").countDocuments({})).toBe(1);
  });

  it("starts empty on a fresh dbpath and serves writes immediately", async () => {
    const e = await restart();
    expect(await e.client.db("fresh").listCollections().toArray()).toEqual([]);
    await e.client.db("fresh").collection("c").insertOne({ a: 1 });
    expect(await e.client.db("fresh").collection("c").countDocuments({})).toBe(1);
  });
});
