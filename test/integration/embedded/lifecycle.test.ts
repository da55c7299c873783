import { MongoClient, type Document } from "mongodb";
import { describe, expect, it } from "vitest";
import { startEngine } from "../../../src/db/embedded/index.js";
import { rejectionOf } from "../../helpers/engine.js";

const clientOptions = { directConnection: true, retryWrites: false, serverSelectionTimeoutMS: 2_000 } as const;

describe("embedded engine lifecycle", () => {
  it("reports the real port when started on port 0, and in its URI", async () => {
    const engine = await startEngine({ port: 0, dbpath: null });
    try {
      expect(engine.port).toBeGreaterThan(0);
      expect(engine.host).toBe("127.0.0.1");
      expect(engine.uri).toBe(`mongodb://127.0.0.1:${engine.port}`);
    } finally {
      await engine.close();
    }
  });

  it("runs two in-memory engines side by side without sharing data", async () => {
    const [a, b] = await Promise.all([startEngine({ port: 0, dbpath: null }), startEngine({ port: 0, dbpath: null })]);
    const ca = new MongoClient(a.uri, clientOptions);
    const cb = new MongoClient(b.uri, clientOptions);
    try {
      expect(a.port).not.toBe(b.port);
      await ca.db("x").collection("c").insertOne({ from: "a" });
      expect(await cb.db("x").collection("c").countDocuments({})).toBe(0);
    } finally {
      await Promise.all([ca.close(), cb.close()]);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("closes while clients are connected with open cursors, releasing its port", async () => {
    const engine = await startEngine({ port: 0, dbpath: null });
    // A short selection timeout: once the engine is gone the driver should give up quickly.
    const client = new MongoClient(engine.uri, { ...clientOptions, serverSelectionTimeoutMS: 300 });
    await client.connect();
    const coll = client.db("x").collection<Document>("c");
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
    const cursor = coll.find({}).batchSize(5);
    await cursor.next();

    await engine.close();
    // The server is gone: the driver sees an error instead of hanging.
    const err = await rejectionOf(coll.findOne({}));
    expect(err).toBeInstanceOf(Error);
    await client.close();

    // The port is free again: a new engine can listen on it.
    const again = await startEngine({ port: engine.port, dbpath: null });
    try {
      expect(again.port).toBe(engine.port);
      const c2 = new MongoClient(again.uri, clientOptions);
      await expect(c2.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
      await c2.close();
    } finally {
      await again.close();
    }
  });

  it("rejects startup when the port is already taken", async () => {
    const first = await startEngine({ port: 0, dbpath: null });
    try {
      const err = await rejectionOf(startEngine({ port: first.port, dbpath: null }));
      expect(err.code).toBe("EADDRINUSE");
    } finally {
      await first.close();
    }
  });

  it("serves many short-lived clients one after another", async () => {
    const engine = await startEngine({ port: 0, dbpath: null });
    try {
      for (let round = 0; round < 20; round++) {
        const client = new MongoClient(engine.uri, { ...clientOptions, maxPoolSize: 2 });
        await client.db("x").collection("c").insertOne({ round });
        await client.close();
      }
      const client = new MongoClient(engine.uri, clientOptions);
      expect(await client.db("x").collection("c").countDocuments({})).toBe(20);
      await client.close();
    } finally {
      await engine.close();
    }
  });
});
