import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoClient, ObjectId, Double, Long, Decimal128, Binary, Int32 } from "mongodb";
import mongoose from "mongoose";
import { startEngine, type EmbeddedEngine } from "../../../src/db/embedded/index.js";

describe("embedded engine (smoke)", () => {
  let engine: EmbeddedEngine;
  let client: MongoClient;

  beforeAll(async () => {
    engine = await startEngine();
    client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 3000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await engine?.close();
  });

  it("answers ping and round-trips a document through insert and find", async () => {
    const db = client.db("smoke");
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const id = new ObjectId();
    await db.collection("a").insertOne({ _id: id, name: "x", n: 5 });
    expect(await db.collection("a").findOne({ _id: id })).toEqual({ _id: id, name: "x", n: 5 });
  });

  it("keeps BSON types unchanged", async () => {
    const c = client.db("smoke").collection("types");
    const doc = {
      d: new Double(2),
      i: new Int32(3),
      l: Long.fromNumber(4),
      big: Long.fromString("9007199254740993"),
      dec: Decimal128.fromString("1.10"),
      bin: new Binary(Buffer.from([1, 2, 3]), 4),
      date: new Date(1700000000000),
      nul: null,
      nested: { arr: [new Int32(1), "a", { b: new Double(1) }] },
    };
    const { insertedId } = await c.insertOne(doc);
    const back = await c.findOne({ _id: insertedId }, { promoteValues: false, promoteLongs: false });
    expect(back).toEqual({ _id: insertedId, ...doc });
    await c.updateOne({ _id: insertedId }, { $inc: { d: 1, l: 1 } });
    const after = await c.findOne({ _id: insertedId }, { promoteValues: false, promoteLongs: false });
    expect(after?.["d"]).toEqual(new Double(3));
    expect(after?.["l"]).toEqual(Long.fromNumber(5));
  });

  it("enforces unique indexes with E11000 and uses them in explain", async () => {
    const c = client.db("smoke").collection("uniq");
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ email: "a@x" });
    const err = await c.insertOne({ email: "a@x" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyValue: { email: "a@x" } });
    const plan = await c.find({ email: "a@x" }).explain("executionStats");
    expect(plan["queryPlanner"].winningPlan.stage).toBe("IXSCAN");
    expect(plan["executionStats"].totalDocsExamined).toBe(1);
  });

  it("renames a collection with its indexes and reports collection stats", async () => {
    const db = client.db("smoke");
    const c = db.collection("before");
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ k: 1 });
    await c.rename("after");
    const renamed = db.collection("after");
    expect((await renamed.indexes()).map((i) => i["name"])).toEqual(["_id_", "k_1"]);
    await expect(renamed.insertOne({ k: 1 })).rejects.toMatchObject({ code: 11000 });
    expect(await db.listCollections({ name: "before" }).toArray()).toEqual([]);
    expect(await db.command({ collStats: "after" })).toMatchObject({ count: 1, nindexes: 2 });
  });

  it("serves mongoose models with unique indexes", async () => {
    const conn = await mongoose.createConnection(`${engine.uri}/mg`).asPromise();
    try {
      const User = conn.model("User", new mongoose.Schema({ name: { type: String, unique: true }, age: Number }));
      await User.init();
      await User.create({ name: "ann", age: 3 });
      await User.updateOne({ name: "ann" }, { $inc: { age: 1 } });
      const found = await User.findOne({ name: "ann" }).lean();
      expect(found?.age).toBe(4);
      await expect(User.create({ name: "ann" })).rejects.toMatchObject({ code: 11000 });
    } finally {
      await conn.close();
    }
  });
});

describe("embedded engine persistence (smoke)", () => {
  it("restores documents and index definitions after a restart, ignoring a torn journal tail", async () => {
    // (kill -9 at random points is covered by durability.test.ts.)
    const dbpath = await mkdtemp(join(tmpdir(), "engine-smoke-"));
    try {
      let engine = await startEngine({ dbpath, compactAfterBytes: 1 << 30 });
      let client = await new MongoClient(engine.uri).connect();
      const coll = client.db("p").collection("items");
      await coll.createIndex({ sku: 1 }, { unique: true });
      await coll.insertMany([{ sku: "a", qty: new Int32(1) }, { sku: "b", qty: 2.5 }]);
      await coll.updateOne({ sku: "a" }, { $inc: { qty: 1 } });
      await client.close();
      await expect(startEngine({ dbpath })).rejects.toThrow(/already open/);
      await engine.close();
      // What a crash in the middle of a journal append leaves behind: half a record.
      await appendFile(join(dbpath, "journal.bin"), Buffer.from([200, 0, 0, 0, 1, 2, 3]));
      engine = await startEngine({ dbpath });
      client = await new MongoClient(engine.uri).connect();
      const again = client.db("p").collection("items");
      expect(await again.find({}, { projection: { _id: 0 } }).sort({ sku: 1 }).toArray()).toEqual([
        { sku: "a", qty: 2 },
        { sku: "b", qty: 2.5 },
      ]);
      await expect(again.insertOne({ sku: "a" })).rejects.toMatchObject({ code: 11000 });
      await client.close();
      await engine.close();
    } finally {
      await rm(dbpath, { recursive: true, force: true });
    }
  });
});
