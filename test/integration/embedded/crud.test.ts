import { Long, Timestamp, type Collection, type CommandStartedEvent, type Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;
let coll: Collection<Document>;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(() => {
  coll = engine.db("crud").collection("items");
});

describe("embedded engine insert and find", () => {
  it("inserts one document and reads it back by _id with a generated ObjectId", async () => {
    const res = await coll.insertOne({ name: "a", n: 1 });
    expect(res.acknowledged).toBe(true);
    const doc = await coll.findOne({ _id: res.insertedId });
    expect(doc).toEqual({ _id: res.insertedId, name: "a", n: 1 });
  });

  it("inserts many and reports the count", async () => {
    const res = await coll.insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(res.insertedCount).toBe(3);
    expect(await coll.countDocuments({})).toBe(3);
  });

  it("applies comparison, logical, array and existence operators in filters", async () => {
    await coll.insertMany([
      { _id: 1, n: 5, tags: ["x", "y"], sub: { k: "a" } },
      { _id: 2, n: 10, tags: ["y"], sub: { k: "b" } },
      { _id: 3, n: 15, tags: [], missing: true },
      { _id: 4, n: null },
    ] as Document[]);
    const ids = async (filter: Document): Promise<unknown[]> =>
      (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ n: { $gt: 5, $lte: 15 } })).toEqual([2, 3]);
    expect(await ids({ n: { $in: [5, 15] } })).toEqual([1, 3]);
    expect(await ids({ $or: [{ n: 5 }, { "sub.k": "b" }] })).toEqual([1, 2]);
    expect(await ids({ tags: "y" })).toEqual([1, 2]);
    expect(await ids({ tags: { $size: 0 } })).toEqual([3]);
    expect(await ids({ missing: { $exists: true } })).toEqual([3]);
    expect(await ids({ n: null })).toEqual([4]);
    expect(await ids({ "sub.k": { $regex: "^a" } })).toEqual([1]);
    expect(await ids({ n: { $not: { $gt: 5 } } })).toEqual([1, 4]);
  });

  it("sorts, skips, limits and projects", async () => {
    await coll.insertMany(
      Array.from({ length: 20 }, (_, i) => ({ _id: i, group: i % 3, score: (i * 7) % 20, secret: "s" })) as Document[],
    );
    const page = await coll
      .find({}, { projection: { score: 1, group: 1 } })
      .sort({ group: 1, score: -1 })
      .skip(2)
      .limit(4)
      .toArray();
    const all = Array.from({ length: 20 }, (_, i) => ({ _id: i, group: i % 3, score: (i * 7) % 20 })).sort(
      (a, b) => a.group - b.group || b.score - a.score,
    );
    expect(page).toEqual(all.slice(2, 6));

    const excluded = await coll.find({ _id: 0 } as Document, { projection: { secret: 0, group: 0 } }).toArray();
    expect(excluded).toEqual([{ _id: 0, score: 0 }]);
    const noId = await coll.find({ _id: 1 } as Document, { projection: { _id: 0, score: 1 } }).toArray();
    expect(noId).toEqual([{ score: 7 }]);
  });

  it("returns projected fields in document order with _id first", async () => {
    await coll.insertOne({ _id: 1, a: 1, b: 2, c: 3 } as Document);
    const [doc] = await coll.find({ _id: 1 } as Document, { projection: { c: 1, a: 1 } }).toArray();
    expect(Object.keys(doc)).toEqual(["_id", "a", "c"]);
  });

  it("projects array elements with $slice, $elemMatch and the positional $", async () => {
    await coll.insertOne({ _id: 1, a: 1, tags: ["x", "y", "z"], lines: [{ s: "a" }, { s: "b" }] } as Document);
    const one = async (filter: Document, projection: Document): Promise<Document> =>
      (await coll.find(filter, { projection }).toArray())[0];
    // $slice on its own is not an inclusion: every other field stays.
    expect(await one({ _id: 1 }, { tags: { $slice: -1 } })).toEqual({
      _id: 1,
      a: 1,
      tags: ["z"],
      lines: [{ s: "a" }, { s: "b" }],
    });
    expect(await one({ _id: 1 }, { a: 1, tags: { $slice: [1, 1] } })).toEqual({ _id: 1, a: 1, tags: ["y"] });
    expect(await one({ _id: 1 }, { lines: { $elemMatch: { s: "b" } } })).toEqual({ _id: 1, lines: [{ s: "b" }] });
    expect(await one({ _id: 1, "lines.s": "b" }, { "lines.$": 1 })).toEqual({ _id: 1, lines: [{ s: "b" }] });
  });

  it("rejects a projection that mixes inclusion and exclusion with an error code", async () => {
    await coll.insertOne({ a: 1, b: 2 });
    const err = await rejectionOf(coll.find({}, { projection: { a: 1, b: 0 } }).toArray());
    expect(typeof err.code).toBe("number");
  });
});

describe("embedded engine cursors", () => {
  it("returns a large result across getMore batches of the requested size", async () => {
    const client = await engine.newClient({ monitorCommands: true });
    const started: CommandStartedEvent[] = [];
    client.on("commandStarted", (e) => started.push(e));
    const c = client.db(coll.dbName).collection("items");
    await c.insertMany(Array.from({ length: 95 }, (_, i) => ({ _id: i })) as Document[]);
    started.length = 0;

    const docs = await c.find({}).sort({ _id: 1 }).batchSize(10).toArray();
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 95 }, (_, i) => i));
    const names = started.map((e) => e.commandName);
    expect(names[0]).toBe("find");
    // 95 documents in batches of 10: the first batch comes with find, nine more need getMore.
    expect(names.filter((n) => n === "getMore")).toHaveLength(9);
    for (const e of started.filter((x) => x.commandName === "getMore")) {
      expect(e.command.batchSize).toBe(10);
    }
  });

  it("answers getMore with the cursor id and an empty id on the last batch", async () => {
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ _id: i })) as Document[]);
    const db = engine.client.db(coll.dbName);
    const first = await db.command({ find: coll.collectionName, filter: {}, sort: { _id: 1 }, batchSize: 3 });
    expect(first.cursor.firstBatch.map((d: Document) => d._id)).toEqual([0, 1, 2]);
    expect(first.cursor.ns).toBe(`${coll.dbName}.${coll.collectionName}`);
    const id = first.cursor.id as Long;
    expect(Long.fromValue(id).isZero()).toBe(false);

    const second = await db.command({ getMore: id, collection: coll.collectionName, batchSize: 3 });
    expect(second.cursor.nextBatch.map((d: Document) => d._id)).toEqual([3, 4, 5]);
    const third = await db.command({ getMore: id, collection: coll.collectionName, batchSize: 3 });
    expect(third.cursor.nextBatch.map((d: Document) => d._id)).toEqual([6]);
    expect(Long.fromValue(third.cursor.id).isZero()).toBe(true);

    // An exhausted cursor is gone: asking for more is a CursorNotFound error.
    const err = await rejectionOf(db.command({ getMore: id, collection: coll.collectionName }));
    expect(err.code).toBe(43);
  });

  it("kills a cursor closed early and then refuses getMore on it", async () => {
    await coll.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i })) as Document[]);
    const db = engine.client.db(coll.dbName);
    const first = await db.command({ find: coll.collectionName, filter: {}, batchSize: 5 });
    const id = first.cursor.id as Long;
    const killed = await db.command({ killCursors: coll.collectionName, cursors: [id] });
    expect(killed.ok).toBe(1);
    expect(killed.cursorsKilled.map((x: Long) => Long.fromValue(x).toString())).toEqual([Long.fromValue(id).toString()]);
    const err = await rejectionOf(db.command({ getMore: id, collection: coll.collectionName }));
    expect(err.code).toBe(43);

    const unknown = await db.command({ killCursors: coll.collectionName, cursors: [Long.fromNumber(123456789)] });
    expect(unknown.cursorsNotFound).toHaveLength(1);
  });

  it("refuses getMore naming another collection than the cursor's with code 13 and keeps the cursor", async () => {
    await coll.insertMany(Array.from({ length: 6 }, (_, i) => ({ _id: i })) as Document[]);
    const db = engine.client.db(coll.dbName);
    const first = await db.command({ find: coll.collectionName, filter: {}, sort: { _id: 1 }, batchSize: 2 });
    const err = await rejectionOf(db.command({ getMore: first.cursor.id, collection: "someOtherCollection" }));
    expect(err.code).toBe(13);
    const next = await db.command({ getMore: first.cursor.id, collection: coll.collectionName, batchSize: 2 });
    expect(next.cursor.nextBatch.map((d: Document) => d._id)).toEqual([2, 3]);
  });

  it("lists collections and indexes across getMore batches", async () => {
    const db = engine.client.db(coll.dbName);
    await Promise.all(Array.from({ length: 7 }, (_, i) => db.collection(`c${i}`).insertOne({ i })));
    const collections = await db.listCollections({}, { batchSize: 2, nameOnly: true }).toArray();
    expect(collections.map((c) => c.name).sort()).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    const c0 = db.collection("c0");
    await c0.createIndexes(Array.from({ length: 5 }, (_, i) => ({ key: { [`f${i}`]: 1 } })));
    expect(await c0.listIndexes({ batchSize: 2 }).toArray()).toHaveLength(6);
  });

  it("sends killCursors when the driver closes a partially read cursor", async () => {
    const client = await engine.newClient({ monitorCommands: true });
    const started: string[] = [];
    client.on("commandStarted", (e) => started.push(e.commandName));
    const c = client.db(coll.dbName).collection("items");
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i })) as Document[]);
    const cursor = c.find({}).batchSize(5);
    expect(await cursor.next()).toMatchObject({ _id: expect.any(Number) });
    await cursor.close();
    expect(started).toContain("killCursors");
    // The pool is still healthy afterwards.
    expect(await c.countDocuments({})).toBe(50);
  });

  it("honours limit together with batchSize without over-returning", async () => {
    await coll.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i })) as Document[]);
    const docs = await coll.find({}).sort({ _id: -1 }).limit(12).batchSize(5).toArray();
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 12 }, (_, i) => 39 - i));
  });
});

describe("embedded engine update", () => {
  it("updates one or many documents and reports matched and modified counts", async () => {
    await coll.insertMany([{ k: 1, v: 0 }, { k: 1, v: 0 }, { k: 2, v: 0 }]);
    const one = await coll.updateOne({ k: 1 }, { $set: { v: 1 } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const many = await coll.updateMany({ k: 1 }, { $set: { v: 1 } });
    // One of the two already had v: 1, so it matches but is not modified.
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 1 });
    expect(await coll.countDocuments({ v: 1 })).toBe(2);
    expect(await coll.countDocuments({ k: 2, v: 0 })).toBe(1);
  });

  it("applies $inc, $unset, $push, $pull, $addToSet, $min, $max and $currentDate", async () => {
    await coll.insertOne({ _id: "d", n: 1, gone: true, list: [1, 2, 3], set: ["a"], lo: 5, hi: 5 } as Document);
    await coll.updateOne({ _id: "d" } as Document, {
      $inc: { n: 2 },
      $unset: { gone: "" },
      $push: { list: 4 },
      $addToSet: { set: { $each: ["a", "b"] } },
      $min: { lo: 3 },
      $max: { hi: 9 },
      $currentDate: { at: true },
    } as Document);
    await coll.updateOne({ _id: "d" } as Document, { $pull: { list: { $lt: 2 } } } as Document);
    const doc = await coll.findOne({ _id: "d" } as Document);
    expect(doc).toMatchObject({ n: 3, list: [2, 3, 4], set: ["a", "b"], lo: 3, hi: 9 });
    expect(doc).not.toHaveProperty("gone");
    expect(doc?.at).toBeInstanceOf(Date);
  });

  it("applies $rename, $mul, $pop, $push with $each/$sort/$slice, the all-positional $[] and dotted creation", async () => {
    await coll.insertOne({ _id: "m", n: 3, q: 2, tags: ["b", "c"], lines: [{ q: 1 }, { q: 2 }] } as Document);
    await coll.updateOne({ _id: "m" } as Document, {
      $rename: { n: "renamed" },
      $mul: { q: 5 },
      $pop: { tags: -1 },
      $inc: { "lines.$[].q": 10 },
      $set: { "deep.er.field": true },
    } as Document);
    await coll.updateOne({ _id: "m" } as Document, { $push: { tags: { $each: ["z", "a"], $sort: 1, $slice: 2 } } } as Document);
    expect(await coll.findOne({ _id: "m" } as Document)).toEqual({
      _id: "m",
      renamed: 3,
      q: 10,
      tags: ["a", "c"],
      lines: [{ q: 11 }, { q: 12 }],
      deep: { er: { field: true } },
    });
  });

  it("stores a BSON Timestamp for $currentDate with $type timestamp", async () => {
    await coll.insertOne({ _id: "t" } as Document);
    await coll.updateOne({ _id: "t" } as Document, { $currentDate: { ts: { $type: "timestamp" }, d: { $type: "date" } } });
    const doc = await coll.findOne({ _id: "t" } as Document);
    expect(doc?.ts).toBeInstanceOf(Timestamp);
    expect(doc?.d).toBeInstanceOf(Date);
  });

  it("replaces a whole document and keeps its _id", async () => {
    const { insertedId } = await coll.insertOne({ a: 1, b: 2 });
    const res = await coll.replaceOne({ _id: insertedId }, { c: 3 });
    expect(res.modifiedCount).toBe(1);
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
  });

  it("upserts with $setOnInsert applied only on the inserting update", async () => {
    const first = await coll.updateOne(
      { email: "a@x.it" },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: "first" } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    expect(first.upsertedId).not.toBeNull();
    const second = await coll.updateOne(
      { email: "a@x.it" },
      { $set: { seen: 2 }, $setOnInsert: { createdBy: "second" } },
      { upsert: true },
    );
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const docs = await coll.find({ email: "a@x.it" }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ _id: first.upsertedId, email: "a@x.it", seen: 2, createdBy: "first" });
  });

  it("updates only the array elements selected by arrayFilters", async () => {
    await coll.insertOne({
      _id: "o",
      lines: [
        { sku: "A", qty: 1 },
        { sku: "B", qty: 5 },
        { sku: "A", qty: 2 },
      ],
    } as Document);
    await coll.updateOne(
      { _id: "o" } as Document,
      { $inc: { "lines.$[l].qty": 10 } },
      { arrayFilters: [{ "l.sku": "A" }] },
    );
    const doc = await coll.findOne({ _id: "o" } as Document);
    expect(doc?.lines).toEqual([
      { sku: "A", qty: 11 },
      { sku: "B", qty: 5 },
      { sku: "A", qty: 12 },
    ]);
  });

  it("applies an aggregation-pipeline update", async () => {
    await coll.insertOne({ _id: "pipe", net: 100, vat: 22 } as Document);
    await coll.updateOne({ _id: "pipe" } as Document, [
      { $set: { gross: { $add: ["$net", "$vat"] } } },
      { $unset: "vat" },
    ]);
    expect(await coll.findOne({ _id: "pipe" } as Document)).toEqual({ _id: "pipe", net: 100, gross: 122 });
  });

  it("updates the first matched array element through the positional $ operator", async () => {
    await coll.insertOne({ _id: "p", marks: [3, 7, 9] } as Document);
    await coll.updateOne({ _id: "p", marks: 7 } as Document, { $set: { "marks.$": 70 } });
    expect((await coll.findOne({ _id: "p" } as Document))?.marks).toEqual([3, 70, 9]);
  });

  it("rejects changing _id with code 66 ImmutableField and leaves the document unchanged", async () => {
    await coll.insertOne({ _id: "fixed", v: 1 } as Document);
    const err = await rejectionOf(coll.updateOne({ _id: "fixed" } as Document, { $set: { _id: "moved", v: 2 } }));
    expect(err.code).toBe(66);
    expect(await coll.findOne({ _id: "fixed" } as Document)).toEqual({ _id: "fixed", v: 1 });
  });

  it("reports an unknown update operator as write error 9 FailedToParse and changes nothing", async () => {
    await coll.insertOne({ _id: "u", v: 1 } as Document);
    // Like mongod, the update command itself succeeds and carries the failure in writeErrors.
    const reply = await engine.client.db(coll.dbName).command({
      update: coll.collectionName,
      updates: [{ q: { _id: "u" }, u: { $frobnicate: { v: 2 } } }],
    });
    expect(reply.ok).toBe(1);
    expect(reply.nModified).toBe(0);
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0]).toMatchObject({ index: 0, code: 9 });
    const err = await rejectionOf(coll.updateOne({ _id: "u" } as Document, { $frobnicate: { v: 2 } } as Document));
    expect(err.code).toBe(9);
    expect(await coll.findOne({ _id: "u" } as Document)).toEqual({ _id: "u", v: 1 });
  });
});

describe("embedded engine delete", () => {
  it("deletes one or many matching documents", async () => {
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await coll.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ k: 1 })).deletedCount).toBe(2);
    expect((await coll.deleteMany({ k: 3 })).deletedCount).toBe(0);
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ k: 2 }]);
  });
});

describe("embedded engine findAndModify", () => {
  it("returns the document before or after the update as asked", async () => {
    await coll.insertOne({ _id: "c", n: 1 } as Document);
    const before = await coll.findOneAndUpdate({ _id: "c" } as Document, { $inc: { n: 1 } });
    expect(before).toEqual({ _id: "c", n: 1 });
    const after = await coll.findOneAndUpdate(
      { _id: "c" } as Document,
      { $inc: { n: 1 } },
      { returnDocument: "after" },
    );
    expect(after).toEqual({ _id: "c", n: 3 });
  });

  it("picks the first document in sort order and projects the returned fields", async () => {
    await coll.insertMany([
      { _id: 1, prio: 2, state: "new", body: "x" },
      { _id: 2, prio: 9, state: "new", body: "y" },
      { _id: 3, prio: 5, state: "new", body: "z" },
    ] as Document[]);
    const claimed = await coll.findOneAndUpdate(
      { state: "new" },
      { $set: { state: "taken" } },
      { sort: { prio: -1 }, projection: { state: 1 }, returnDocument: "after" },
    );
    expect(claimed).toEqual({ _id: 2, state: "taken" });
    expect(await coll.countDocuments({ state: "taken" })).toBe(1);
  });

  it("upserts when nothing matches and reports the upsert in lastErrorObject", async () => {
    const res = await coll.findOneAndUpdate(
      { key: "k1" },
      { $setOnInsert: { created: true }, $inc: { hits: 1 } },
      { upsert: true, returnDocument: "after", includeResultMetadata: true },
    );
    expect(res.value).toMatchObject({ key: "k1", created: true, hits: 1 });
    expect(res.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
    expect(res.lastErrorObject?.upserted).toEqual(res.value?._id);
  });

  it("answers the raw findAndModify command with value, lastErrorObject and projected fields", async () => {
    await coll.insertMany([
      { _id: 1, state: "new", prio: 1, secret: "s" },
      { _id: 2, state: "new", prio: 3, secret: "s" },
    ] as Document[]);
    const db = engine.client.db(coll.dbName);
    const updated = await db.command({
      findAndModify: coll.collectionName,
      query: { state: "new" },
      sort: { prio: -1 },
      update: { $set: { state: "done" } },
      fields: { secret: 0 },
      new: true,
    });
    expect(updated.ok).toBe(1);
    expect(updated.value).toEqual({ _id: 2, state: "done", prio: 3 });
    expect(updated.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });

    const upserted = await db.command({
      findAndModify: coll.collectionName,
      query: { _id: 9 },
      update: { $setOnInsert: { state: "born" } },
      upsert: true,
      new: false,
    });
    // Asking for the old document of an upsert yields null, as in MongoDB.
    expect(upserted.value).toBeNull();
    expect(upserted.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 9 });

    const removed = await db.command({ findAndModify: coll.collectionName, query: { _id: 1 }, remove: true });
    expect(removed.value).toMatchObject({ _id: 1, state: "new" });
    expect(await coll.countDocuments({})).toBe(2);
  });

  it("returns null without upsert when nothing matches", async () => {
    expect(await coll.findOneAndUpdate({ key: "absent" }, { $set: { a: 1 } })).toBeNull();
  });

  it("removes the matched document with findOneAndDelete", async () => {
    await coll.insertMany([{ _id: 1, q: 1 }, { _id: 2, q: 1 }] as Document[]);
    const removed = await coll.findOneAndDelete({ q: 1 }, { sort: { _id: -1 } });
    expect(removed).toEqual({ _id: 2, q: 1 });
    expect(await coll.countDocuments({})).toBe(1);
  });

  it("replaces the matched document with findOneAndReplace", async () => {
    await coll.insertOne({ _id: "r", a: 1 } as Document);
    const after = await coll.findOneAndReplace({ _id: "r" } as Document, { b: 2 }, { returnDocument: "after" });
    expect(after).toEqual({ _id: "r", b: 2 });
  });
});

describe("embedded engine count and distinct", () => {
  it("counts with filter, skip and limit through the count command", async () => {
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i, even: i % 2 === 0 })));
    const db = engine.client.db(coll.dbName);
    expect((await db.command({ count: coll.collectionName })).n).toBe(10);
    expect((await db.command({ count: coll.collectionName, query: { even: true } })).n).toBe(5);
    expect((await db.command({ count: coll.collectionName, query: {}, skip: 8 })).n).toBe(2);
    expect((await db.command({ count: coll.collectionName, query: {}, limit: 3 })).n).toBe(3);
    expect(await coll.estimatedDocumentCount()).toBe(10);
    expect(await coll.countDocuments({ i: { $gte: 7 } })).toBe(3);
  });

  it("returns distinct values, flattening arrays and honouring the filter", async () => {
    await coll.insertMany([
      { c: "red", tags: ["a", "b"] },
      { c: "blue", tags: ["b"] },
      { c: "red", tags: ["c"] },
      { c: "green" },
    ]);
    expect((await coll.distinct("c")).sort()).toEqual(["blue", "green", "red"]);
    expect((await coll.distinct("tags")).sort()).toEqual(["a", "b", "c"]);
    expect((await coll.distinct("tags", { c: "red" })).sort()).toEqual(["a", "b", "c"]);
    expect(await coll.distinct("c", { c: "none" })).toEqual([]);
  });
});
