import { MongoClient, UUID } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, uniqueName, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

describe("embedded engine handshake", () => {
  it("answers hello as a writable standalone with the MongoDB size limits", async () => {
    const reply = await engine.client.db("admin").command({ hello: 1 });
    expect(reply.ok).toBe(1);
    expect(reply.isWritablePrimary).toBe(true);
    expect(reply.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(reply.maxMessageSizeBytes).toBe(48_000_000);
    expect(reply.maxWriteBatchSize).toBeGreaterThanOrEqual(1000);
    // The 7.x driver refuses servers below wire version 8 (MongoDB 4.2).
    expect(reply.maxWireVersion).toBeGreaterThanOrEqual(8);
    expect(reply.minWireVersion).toBeLessThanOrEqual(reply.maxWireVersion as number);
    expect(reply.localTime).toBeInstanceOf(Date);
    expect(typeof reply.connectionId).toBe("number");
    expect(reply.setName).toBeUndefined();
  });

  it("answers the legacy isMaster spelling with ismaster: true", async () => {
    const reply = await engine.client.db("admin").command({ isMaster: 1 });
    expect(reply.ok).toBe(1);
    expect(reply.ismaster).toBe(true);
    expect(reply.maxBsonObjectSize).toBe(16 * 1024 * 1024);
  });

  it("answers ping", async () => {
    await expect(engine.client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it("answers buildInfo with a version string and version array", async () => {
    const reply = await engine.client.db("admin").command({ buildInfo: 1 });
    expect(reply.ok).toBe(1);
    expect(reply.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Array.isArray(reply.versionArray)).toBe(true);
    expect((reply.versionArray as number[]).slice(0, 2)).toEqual(
      (reply.version as string).split(".").slice(0, 2).map(Number),
    );
  });

  it("answers getParameter for featureCompatibilityVersion", async () => {
    const reply = await engine.client.db("admin").command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(reply.ok).toBe(1);
    expect(reply.featureCompatibilityVersion).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+$/) });
  });
});

describe("embedded engine command dispatch", () => {
  it("rejects an unknown command with code 59 CommandNotFound", async () => {
    const err = await rejectionOf(engine.client.db("admin").command({ frobnicate: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe("CommandNotFound");
    expect(err.ok).toBe(0);
  });

  it("keeps the connection usable after an unknown command", async () => {
    const db = engine.client.db("admin");
    await rejectionOf(db.command({ noSuchThing: 1 }));
    await expect(db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
  });

  it("refuses a multi-document transaction with code 20 instead of pretending to commit it", async () => {
    const db = engine.db("txn");
    const coll = db.collection("items");
    await coll.insertOne({ _id: "before" } as never);
    const session = engine.client.startSession();
    let failed = false;
    try {
      session.startTransaction();
      await coll.insertOne({ _id: "inside" } as never, { session });
      await session.commitTransaction();
    } catch (err) {
      failed = true;
      // Code 20 IllegalOperation; for writes the driver rewraps it and keeps the server's error as originalError.
      const e = err as { code?: number; originalError?: { code?: number } };
      expect(e.code ?? e.originalError?.code).toBe(20);
    } finally {
      await session.endSession().catch(() => undefined);
    }
    expect(failed).toBe(true);
    // The write attempted inside the refused transaction must not have been applied.
    expect(await coll.countDocuments({ _id: "inside" } as never)).toBe(0);
    expect(await coll.countDocuments({})).toBe(1);
  });

  it("accepts endSessions and killSessions", async () => {
    const admin = engine.client.db("admin");
    await expect(admin.command({ endSessions: [{ id: new UUID() }] })).resolves.toMatchObject({ ok: 1 });
    await expect(admin.command({ killSessions: [] })).resolves.toMatchObject({ ok: 1 });
  });

  it("accepts commands carrying an lsid from an explicit session", async () => {
    const coll = engine.db("sess").collection("s");
    const session = engine.client.startSession();
    try {
      await coll.insertOne({ a: 1 }, { session });
      expect(await coll.findOne({ a: 1 }, { session })).toMatchObject({ a: 1 });
    } finally {
      await session.endSession();
    }
  });
});

describe("embedded engine with production-style client options", () => {
  it("accepts write concern majority/journal, read concern and read preference from the URI", async () => {
    const uri = `${engine.uri}/?w=majority&journal=true&readConcernLevel=majority&readPreference=secondaryPreferred`;
    const configured = new MongoClient(uri, { directConnection: true, retryWrites: false });
    try {
      const coll = configured.db(uniqueName("wc")).collection("c");
      await expect(coll.insertOne({ a: 1 })).resolves.toMatchObject({ acknowledged: true });
      await expect(
        coll.updateOne({ a: 1 }, { $set: { b: 2 } }, { writeConcern: { w: 1, wtimeoutMS: 500 } }),
      ).resolves.toMatchObject({ modifiedCount: 1 });
      expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ a: 1, b: 2 }]);
      // The same data is visible to an ordinary client.
      expect(await engine.client.db(coll.dbName).collection("c").countDocuments({ b: 2 })).toBe(1);
    } finally {
      await configured.close();
    }
  });

  it("applies an unacknowledged (w: 0) write sent with moreToCome and keeps the connection in step", async () => {
    const coll = engine.db("w0").collection("c");
    const res = await coll.insertOne({ fire: "and forget" }, { writeConcern: { w: 0 } });
    expect(res.acknowledged).toBe(false);
    // No reply comes for w: 0, so the next command on the same pool must still get its own answer.
    await expect(engine.client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    for (;;) {
      if ((await coll.countDocuments({ fire: "and forget" })) === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await coll.countDocuments({})).toBe(1);
  });
});

describe("embedded engine namespace commands", () => {
  it("creates a collection explicitly and lists it", async () => {
    const db = engine.db("ns");
    await db.createCollection("alpha");
    await db.collection("beta").insertOne({ x: 1 });
    const all = await db.listCollections().toArray();
    expect(all.map((c) => c.name).sort()).toEqual(["alpha", "beta"]);
    for (const c of all) expect(c.type).toBe("collection");
    const filtered = await db.listCollections({ name: "beta" }).toArray();
    expect(filtered.map((c) => c.name)).toEqual(["beta"]);
    const namesOnly = await db.listCollections({}, { nameOnly: true }).toArray();
    expect(namesOnly.map((c) => c.name).sort()).toEqual(["alpha", "beta"]);
  });

  it("rejects creating a collection that exists with code 48 NamespaceExists", async () => {
    const db = engine.db("ns");
    await db.createCollection("dup");
    const err = await rejectionOf(db.command({ create: "dup" }));
    expect(err.code).toBe(48);
  });

  it("drops a collection with its documents and indexes", async () => {
    const db = engine.db("ns");
    const coll = db.collection("gone");
    await coll.insertMany([{ a: 1 }, { a: 2 }]);
    await coll.createIndex({ a: 1 }, { unique: true });
    expect(await coll.drop()).toBe(true);
    expect((await db.listCollections().toArray()).map((c) => c.name)).not.toContain("gone");
    expect(await coll.countDocuments({})).toBe(0);
    // The unique index went with the collection: the same value may be inserted twice now.
    await coll.insertMany([{ a: 1 }, { a: 1 }]);
    expect(await coll.countDocuments({ a: 1 })).toBe(2);
  });

  it("lists databases that hold data and forgets a dropped one", async () => {
    const keepName = uniqueName("keep");
    const dropName = uniqueName("drop");
    await engine.client.db(keepName).collection("c").insertOne({ a: 1 });
    await engine.client.db(dropName).collection("c").insertOne({ a: 1 });
    const before = await engine.client.db("admin").admin().listDatabases();
    const names = before.databases.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining([keepName, dropName]));
    expect(before.ok).toBe(1);

    expect(await engine.client.db(dropName).dropDatabase()).toBe(true);
    const after = await engine.client.db("admin").admin().listDatabases({ nameOnly: true });
    const afterNames = after.databases.map((d) => d.name);
    expect(afterNames).toContain(keepName);
    expect(afterNames).not.toContain(dropName);
    expect(await engine.client.db(dropName).listCollections().toArray()).toEqual([]);
  });
});
