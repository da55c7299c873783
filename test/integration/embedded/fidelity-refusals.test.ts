import { MongoClient, type Db, type Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

// The rule: never silently different. Each option, stage or command the engine does not implement
// answers an explicit error naming it; one test per refusal.

let engine: TestEngine;
let db: Db;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(async () => {
  db = engine.db("refuse");
  await db.collection("c").insertMany([
    { _id: 1, s: "a", tags: ["x"] },
    { _id: 2, s: "B", tags: ["y"] },
  ] as Document[]);
  await db.collection("c").createIndex({ s: 1 }, { sparse: true, name: "s_sparse" });
});

const EN2 = { locale: "en", strength: 2 };

/** The command's error: thrown (ok: 0) or, for a write command, its first write error. */
async function errorOf(promise: Promise<Document>): Promise<Record<string, unknown>> {
  let reply: Document;
  try {
    reply = await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  const first = (reply["writeErrors"] as Document[] | undefined)?.[0];
  if (!first) throw new Error(`expected an error, got ${JSON.stringify(reply)}`);
  return { code: first["code"], message: first["errmsg"] };
}

/** [what is refused, the command, expected code, text the message must contain]. */
const REFUSALS: Array<[string, Document, number, string]> = [
  // find
  ["find tailable", { find: "c", tailable: true }, 238, "'tailable'"],
  ["find awaitData", { find: "c", awaitData: true }, 238, "'awaitData'"],
  ["find oplogReplay", { find: "c", oplogReplay: true }, 238, "'oplogReplay'"],
  ["find returnKey", { find: "c", returnKey: true }, 238, "'returnKey'"],
  ["find showRecordId", { find: "c", showRecordId: true }, 238, "'showRecordId'"],
  ["find min", { find: "c", min: { s: "a" }, hint: { s: 1 } }, 238, "'min'"],
  ["find max", { find: "c", max: { s: "z" }, hint: { s: 1 } }, 238, "'max'"],
  ["find with an unknown option", { find: "c", frobnicate: 1 }, 238, "'frobnicate'"],
  ["find hinting a sparse index", { find: "c", hint: "s_sparse" }, 238, "s_sparse"],
  ["find with readConcern snapshot", { find: "c", readConcern: { level: "snapshot" } }, 238, "readConcern level 'snapshot'"],
  ["find with readConcern afterClusterTime", { find: "c", readConcern: { level: "local", afterOpTime: {} } }, 238, "readConcern field 'afterOpTime'"],
  ["find $all under a collation", { find: "c", filter: { tags: { $all: ["X"] } }, collation: EN2 }, 238, "$all"],
  ["find $in inside $expr under a collation", { find: "c", filter: { $expr: { $in: ["$s", ["A"]] } }, collation: EN2 }, 238, "$in"],
  ["find $elemMatch projection under a collation", { find: "c", projection: { tags: { $elemMatch: { $eq: "X" } } }, collation: EN2 }, 238, "$elemMatch"],
  ["collation strength 5", { find: "c", collation: { locale: "en", strength: 5 } }, 238, "collation strength 5"],
  ["collation alternate shifted", { find: "c", collation: { locale: "en", alternate: "shifted" } }, 238, "alternate 'shifted'"],
  ["collation backwards", { find: "c", collation: { locale: "fr", backwards: true } }, 238, "backwards"],
  // aggregate
  ["aggregate $out", { aggregate: "c", pipeline: [{ $out: "o" }], cursor: {} }, 238, "$out"],
  ["aggregate $merge", { aggregate: "c", pipeline: [{ $merge: { into: "o" } }], cursor: {} }, 238, "$merge"],
  ["aggregate $geoNear", { aggregate: "c", pipeline: [{ $geoNear: { near: [0, 0], distanceField: "d" } }], cursor: {} }, 238, "$geoNear"],
  ["aggregate $collStats", { aggregate: "c", pipeline: [{ $collStats: {} }], cursor: {} }, 238, "$collStats"],
  ["aggregate with an unknown option", { aggregate: "c", pipeline: [], cursor: {}, frobnicate: 1 }, 238, "'frobnicate'"],
  ["aggregate $group on a field under a collation", { aggregate: "c", pipeline: [{ $group: { _id: "$s" } }], cursor: {}, collation: EN2 }, 238, "$group"],
  ["aggregate $lookup under a collation", { aggregate: "c", pipeline: [{ $lookup: { from: "c", localField: "s", foreignField: "s", as: "j" } }], cursor: {}, collation: EN2 }, 238, "$lookup"],
  ["aggregate $max expression under a collation", { aggregate: "c", pipeline: [{ $project: { m: { $max: ["$s", "b"] } } }], cursor: {}, collation: EN2 }, 238, "$max"],
  ["database-level aggregate without $documents", { aggregate: 1, pipeline: [{ $match: {} }], cursor: {} }, 238, "database-level aggregate"],
  // count, distinct
  ["count with an unknown option", { count: "c", frobnicate: 1 }, 238, "'frobnicate'"],
  ["distinct with a hint (unknown to 6.0)", { distinct: "c", key: "s", hint: { s: 1 } }, 238, "'hint'"],
  // writes
  ["insert with an unknown option", { insert: "c", documents: [{ _id: 9 }], frobnicate: 1 }, 238, "'frobnicate'"],
  ["insert with writeConcern w: 2", { insert: "c", documents: [{ _id: 9 }], writeConcern: { w: 2 } }, 238, "writeConcern w: 2"],
  ["insert with a writeConcern tag set", { insert: "c", documents: [{ _id: 9 }], writeConcern: { w: "dc1" } }, 238, "writeConcern w"],
  ["update statement with an unknown field", { update: "c", updates: [{ q: {}, u: { $set: { a: 1 } }, frobnicate: 1 }] }, 238, "'update.updates.frobnicate'"],
  ["update $addToSet under a collation", { update: "c", updates: [{ q: {}, u: { $addToSet: { tags: "X" } }, collation: EN2 }] }, 238, "$addToSet"],
  ["update $pull under a collation", { update: "c", updates: [{ q: {}, u: { $pull: { tags: "X" } }, collation: EN2 }] }, 238, "$pull"],
  ["update arrayFilters under a collation", { update: "c", updates: [{ q: {}, u: { $set: { "tags.$[t]": 1 } }, arrayFilters: [{ t: "X" }], collation: EN2 }] }, 238, "arrayFilters"],
  ["update positional $ under a collation", { update: "c", updates: [{ q: { tags: "X" }, u: { $set: { "tags.$": 1 } }, collation: EN2 }] }, 238, "positional"],
  ["update pipeline with a non-update stage", { update: "c", updates: [{ q: {}, u: [{ $match: {} }] }] }, 72, "$match is not allowed"],
  ["update with an unknown option", { update: "c", updates: [], frobnicate: 1 }, 238, "'frobnicate'"],
  ["delete statement with an unknown field", { delete: "c", deletes: [{ q: {}, limit: 0, frobnicate: 1 }] }, 238, "'delete.deletes.frobnicate'"],
  ["findAndModify with an unknown option", { findAndModify: "c", query: {}, remove: true, frobnicate: 1 }, 238, "'frobnicate'"],
  ["findAndModify $min under a collation", { findAndModify: "c", query: {}, update: { $min: { s: "A" } }, collation: EN2 }, 238, "$min"],
  ["retryable-write txnNumber on a standalone", { insert: "c", documents: [{ _id: 9 }], txnNumber: 1 }, 20, "Transaction numbers"],
  // collections and indexes
  ["create viewOn (views)", { create: "v", viewOn: "c", pipeline: [] }, 238, "'viewOn'"],
  ["create with a $jsonSchema validator", { create: "v", validator: { $jsonSchema: { required: ["s"] } } }, 238, "$jsonSchema"],
  ["create capped", { create: "v", capped: true, size: 4096 }, 238, "'capped'"],
  ["create timeseries", { create: "v", timeseries: { timeField: "t" } }, 238, "'timeseries'"],
  ["create clusteredIndex", { create: "v", clusteredIndex: { key: { _id: 1 }, unique: true } }, 238, "'clusteredIndex'"],
  ["create with a default collation", { create: "v", collation: EN2 }, 238, "default collation"],
  ["createIndexes text", { createIndexes: "c", indexes: [{ key: { s: "text" }, name: "t" }] }, 238, "index type \"text\""],
  ["createIndexes 2dsphere", { createIndexes: "c", indexes: [{ key: { loc: "2dsphere" }, name: "g" }] }, 238, "index type \"2dsphere\""],
  ["createIndexes hashed", { createIndexes: "c", indexes: [{ key: { s: "hashed" }, name: "h" }] }, 238, "index type \"hashed\""],
  ["createIndexes collation", { createIndexes: "c", indexes: [{ key: { s: 1 }, name: "sc", collation: EN2 }] }, 238, "index collation"],
  ["createIndexes hidden", { createIndexes: "c", indexes: [{ key: { t: 1 }, name: "hid", hidden: true }] }, 238, "'hidden'"],
  ["createIndexes wildcardProjection", { createIndexes: "c", indexes: [{ key: { t: 1 }, name: "w", wildcardProjection: { a: 1 } }] }, 238, "'wildcardProjection'"],
  // commands MongoDB has and the engine does not
  ["collMod of an index", { collMod: "c", index: { name: "s_sparse", hidden: true } }, 238, "'index'"],
  ["collMod viewOn", { collMod: "c", viewOn: "x", pipeline: [] }, 238, "'viewOn'"],
  ["mapReduce", { mapReduce: "c", map: "function(){}", reduce: "function(){}", out: { inline: 1 } }, 115, "command mapReduce"],
  ["validate", { validate: "c" }, 115, "command validate"],
  ["serverStatus", { serverStatus: 1 }, 115, "command serverStatus"],
  ["explain of an unsupported find option", { explain: { find: "c", tailable: true } }, 238, "'tailable'"],
];

describe("refusals: every unimplemented option, stage or command answers an explicit error", () => {
  it.each(REFUSALS)("refuses %s", async (_what, command, code, text) => {
    const before = await db.collection("c").find().sort({ _id: 1 }).toArray();
    const err = await errorOf(db.command(command));
    expect(err["code"]).toBe(code);
    expect(String(err["message"])).toContain(text);
    if (code === 238 || code === 115) expect(String(err["message"])).toContain("not supported by the embedded engine");
    // Refused means nothing changed.
    expect(await db.collection("c").find().sort({ _id: 1 }).toArray()).toEqual(before);
    expect((await db.listCollections({ name: "v" }).toArray()).length).toBe(0);
  });

  it("answers 59 for a command MongoDB does not have either", async () => {
    const err = await rejectionOf(db.command({ frobnicate: 1 }));
    expect(err["code"]).toBe(59);
  });

  it("refuses a hint naming no index with the server's BadValue", async () => {
    const err = await rejectionOf(db.collection("c").find({}, { hint: "nope_1" }).toArray());
    expect(err["code"]).toBe(2);
    expect(String(err["message"])).toContain("hint provided does not correspond to an existing index");
  });
});

describe("options the driver and mongoose send keep working", () => {
  it("accepts sessions, comments, maxTimeMS, read/write concerns and hints on existing indexes", async () => {
    const c = db.collection("c");
    await c.createIndex({ tags: 1 });
    const found = await c
      .find({ s: "a" }, { comment: "why", maxTimeMS: 5000, readConcern: { level: "majority" }, hint: { tags: 1 }, allowDiskUse: true })
      .toArray();
    expect(found.map((d) => d["_id"])).toEqual([1]);
    await c.insertOne({ _id: 3 } as Document, { writeConcern: { w: "majority", j: true, wtimeoutMS: 1000 } });
    await c.updateOne({ _id: 3 } as Document, { $set: { a: 1 } }, { hint: "_id_", comment: { k: 1 } });
    await c.deleteOne({ _id: 3 } as Document, { hint: { _id: 1 }, writeConcern: { w: 1 } });
    expect(await c.countDocuments({}, { readConcern: { level: "local" }, hint: "_id_" })).toBe(2);
    const session = engine.client.startSession();
    try {
      expect(await c.findOne({ _id: 2 } as Document, { session })).toMatchObject({ s: "B" });
    } finally {
      await session.endSession();
    }
    expect(await c.aggregate([{ $match: { s: "a" } }], { comment: "c", maxTimeMS: 1000, allowDiskUse: true, hint: { _id: 1 } }).toArray()).toHaveLength(1);
    // The simple collation is the default: accepted anywhere, including on an index.
    await c.createIndex({ s: 1, tags: 1 }, { collation: { locale: "simple" } });
    expect(await c.find({ s: "a" }, { collation: { locale: "simple" } }).toArray()).toHaveLength(1);
  });

  it("accepts a Stable API v1 client", async () => {
    const client = new MongoClient(engine.uri, { directConnection: true, retryWrites: false, serverApi: { version: "1" } });
    try {
      await client.connect();
      const c = client.db(db.databaseName).collection("c");
      expect(await c.countDocuments({})).toBe(2);
      await c.insertOne({ _id: 4 } as Document);
      expect(await c.findOne({ _id: 4 } as Document)).toEqual({ _id: 4 });
    } finally {
      await client.close();
    }
  });

  it("honours noCursorTimeout by exempting the cursor from the idle expiry", async () => {
    const c = db.collection("many");
    await c.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: i })) as Document[]);
    const cursor = c.find({}, { noCursorTimeout: true, batchSize: 2 });
    expect(await cursor.toArray()).toHaveLength(5);
  });
});
