import { type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;

beforeAll(async () => {
  // A fast sweep keeps the test short; real deployments sweep every 60 s like mongod.
  engine = await startTestEngine({ ttlSweepMs: 50 });
});

afterAll(async () => {
  await engine?.close();
});

/** Polls until the predicate holds; the test timeout bounds the wait, no duration is asserted. */
async function eventually(predicate: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("embedded engine TTL indexes", () => {
  it("removes documents whose indexed date is older than expireAfterSeconds and keeps the rest", async () => {
    const coll = engine.db("ttl").collection("sessions");
    const name = await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 60 });
    const listed = (await coll.listIndexes().toArray()).find((i) => i.name === name);
    expect(listed?.expireAfterSeconds).toBe(60);

    const now = Date.now();
    await coll.insertMany([
      { _id: "old", createdAt: new Date(now - 120_000) },
      { _id: "oldInArray", createdAt: [new Date(now + 3_600_000), new Date(now - 120_000)] },
      { _id: "fresh", createdAt: new Date(now) },
      { _id: "future", createdAt: new Date(now + 3_600_000) },
      { _id: "notADate", createdAt: "2000-01-01" },
      { _id: "noField" },
    ] as Document[]);

    await eventually(async () => (await coll.countDocuments({ _id: { $in: ["old", "oldInArray"] } } as Document)) === 0);
    // Give the sweeper a few more rounds to prove it leaves the others alone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const left = (await coll.find({}).toArray()).map((d) => d._id).sort();
    expect(left).toEqual(["fresh", "future", "noField", "notADate"]);
  });

  it("expires a document at its own date when expireAfterSeconds is 0", async () => {
    const coll = engine.db("ttl").collection("tokens");
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    const soon = new Date(Date.now() + 300);
    await coll.insertMany([
      { _id: "soon", expiresAt: soon },
      { _id: "later", expiresAt: new Date(Date.now() + 3_600_000) },
    ] as Document[]);
    await eventually(async () => (await coll.countDocuments({ _id: "soon" } as Document)) === 0);
    expect(await coll.countDocuments({ _id: "later" } as Document)).toBe(1);
  });
});
