import { type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;

beforeAll(async () => {
  // A pool large enough that most of the 200 operations are on the wire at the same time.
  engine = await startTestEngine({}, { maxPoolSize: 64 });
});

afterAll(async () => {
  await engine?.close();
});

describe("embedded engine under concurrent writers", () => {
  it("applies 200 concurrent $inc on one document exactly once each", async () => {
    const coll = engine.db("conc").collection("counters");
    await coll.insertOne({ _id: "c", n: 0 } as Document);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => coll.updateOne({ _id: "c" } as Document, { $inc: { n: 1 } })),
    );
    expect(results.every((r) => r.matchedCount === 1 && r.modifiedCount === 1)).toBe(true);
    expect(await coll.findOne({ _id: "c" } as Document)).toEqual({ _id: "c", n: 200 });
  });

  it("applies concurrent $inc from several clients on separate connections", async () => {
    const coll = engine.db("conc").collection("counters");
    await coll.insertOne({ _id: "multi", n: 0 } as Document);
    const clients = await Promise.all([engine.newClient(), engine.newClient(), engine.newClient()]);
    await Promise.all(
      clients.flatMap((c) =>
        Array.from({ length: 50 }, () =>
          c.db(coll.dbName).collection(coll.collectionName).updateOne({ _id: "multi" } as Document, { $inc: { n: 1 } }),
        ),
      ),
    );
    expect((await coll.findOne({ _id: "multi" } as Document))?.n).toBe(150);
  });

  it("creates exactly one document from concurrent findOneAndUpdate upserts on a unique key", async () => {
    const coll = engine.db("conc").collection("accounts");
    await coll.createIndex({ key: 1 }, { unique: true });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        coll.findOneAndUpdate(
          { key: "acme" },
          { $setOnInsert: { createdBy: i }, $inc: { hits: 1 } },
          { upsert: true, returnDocument: "after" },
        ),
      ),
    );
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(rejected).toEqual([]);
    const docs = await coll.find({ key: "acme" }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0].hits).toBe(50);
    // Every caller saw the same document.
    const ids = new Set(
      settled.map((s) => (s.status === "fulfilled" ? String((s.value as Document | null)?._id) : "rejected")),
    );
    expect(ids).toEqual(new Set([String(docs[0]._id)]));
  });

  it("creates exactly one document from concurrent updateOne upserts without a unique index", async () => {
    const coll = engine.db("conc").collection("tallies");
    const results = await Promise.all(
      Array.from({ length: 60 }, () => coll.updateOne({ day: "2026-01-01" }, { $inc: { n: 1 } }, { upsert: true })),
    );
    expect(results.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    const docs = await coll.find({ day: "2026-01-01" }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0].n).toBe(60);
  });

  it("gives concurrent inserts of distinct documents distinct, complete results", async () => {
    const coll = engine.db("conc").collection("events");
    await coll.createIndex({ seq: 1 }, { unique: true });
    await Promise.all(Array.from({ length: 300 }, (_, seq) => coll.insertOne({ seq, body: `e${seq}` })));
    const docs = await coll.find({}, { projection: { _id: 0 } }).sort({ seq: 1 }).toArray();
    expect(docs).toEqual(Array.from({ length: 300 }, (_, seq) => ({ seq, body: `e${seq}` })));
  });

  it("lets only one of many concurrent claimers take a job with findOneAndUpdate", async () => {
    const coll = engine.db("conc").collection("jobs");
    await coll.insertOne({ _id: "job", state: "ready" } as Document);
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, worker) =>
        coll.findOneAndUpdate({ _id: "job", state: "ready" } as Document, { $set: { state: "taken", worker } }),
      ),
    );
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });
});
