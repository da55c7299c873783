import { Long, MongoBulkWriteError, type Collection, type Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { planStages, rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;
let coll: Collection<Document>;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(() => {
  coll = engine.db("idx").collection("people");
});

describe("embedded engine index management", () => {
  it("creates indexes, lists them with their options, and drops them by name or all at once", async () => {
    await coll.insertOne({ email: "a@x.it" });
    const names = await coll.createIndexes([
      { key: { email: 1 }, unique: true },
      { key: { tenant: 1, createdAt: -1 }, name: "tenant_recent" },
      { key: { code: 1 }, sparse: true },
    ]);
    expect(names).toEqual(["email_1", "tenant_recent", "code_1"]);

    const listed = await coll.listIndexes().toArray();
    const byName = new Map(listed.map((i) => [i.name as string, i]));
    expect([...byName.keys()].sort()).toEqual(["_id_", "code_1", "email_1", "tenant_recent"]);
    expect(byName.get("_id_")).toMatchObject({ key: { _id: 1 }, v: 2 });
    expect(byName.get("email_1")).toMatchObject({ key: { email: 1 }, unique: true });
    expect(byName.get("tenant_recent")?.key).toEqual({ tenant: 1, createdAt: -1 });
    expect(Object.keys(byName.get("tenant_recent")?.key as Document)).toEqual(["tenant", "createdAt"]);
    expect(byName.get("code_1")).toMatchObject({ sparse: true });

    await coll.dropIndex("code_1");
    expect((await coll.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(["_id_", "email_1", "tenant_recent"]);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("treats creating an identical index again as a no-op", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await expect(coll.createIndex({ email: 1 }, { unique: true })).resolves.toBe("email_1");
    expect(await coll.listIndexes().toArray()).toHaveLength(2);
  });

  it("refuses to drop the _id index and reports an unknown index with code 27", async () => {
    await coll.insertOne({ a: 1 });
    const idErr = await rejectionOf(coll.dropIndex("_id_"));
    expect(typeof idErr.code).toBe("number");
    const missing = await rejectionOf(coll.dropIndex("nope_1"));
    expect(missing.code).toBe(27);
  });

  it("refuses a unique index over existing duplicates with code 11000 and creates nothing", async () => {
    await coll.insertMany([{ email: "same" }, { email: "same" }]);
    const err = await rejectionOf(coll.createIndex({ email: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("lists indexes of a missing collection as NamespaceNotFound (26)", async () => {
    const err = await rejectionOf(
      engine.client.db(coll.dbName).command({ listIndexes: "never_created", cursor: {} }),
    );
    expect(err.code).toBe(26);
  });
});

describe("embedded engine duplicate keys", () => {
  it("reports a duplicate _id with code 11000, keyPattern and keyValue", async () => {
    await coll.insertOne({ _id: "dup" } as Document);
    const err = await rejectionOf(coll.insertOne({ _id: "dup" } as Document));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ _id: 1 });
    expect(err.keyValue).toEqual({ _id: "dup" });
  });

  it("reports a unique index violation on insert with keyPattern and keyValue", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: "a@x.it", n: 1 });
    const err = await rejectionOf(coll.insertOne({ email: "a@x.it", n: 2 }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: "a@x.it" });
    expect(await coll.countDocuments({ email: "a@x.it" })).toBe(1);
  });

  it("reports each duplicate in a bulk insert in writeErrors, keeping the other documents when unordered", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: "taken" });
    const err = await rejectionOf(
      coll.insertMany([{ email: "new1" }, { email: "taken" }, { email: "new2" }], { ordered: false }),
    );
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err as unknown as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    // The driver keeps only index/code/errmsg of each write error, so keyPattern is checked on the raw reply below.
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect(bulk.insertedCount).toBe(2);
    expect((await coll.distinct("email")).sort()).toEqual(["new1", "new2", "taken"]);

    const reply = await engine.client.db(coll.dbName).command({
      insert: coll.collectionName,
      documents: [{ email: "taken" }, { email: "new3" }, { email: "new1" }],
      ordered: false,
    });
    expect(reply.n).toBe(1);
    expect(reply.writeErrors).toEqual([
      expect.objectContaining({ index: 0, code: 11000, keyPattern: { email: 1 }, keyValue: { email: "taken" } }),
      expect.objectContaining({ index: 2, code: 11000, keyPattern: { email: 1 }, keyValue: { email: "new1" } }),
    ]);
  });

  it("stops an ordered bulk insert at the first duplicate", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    const reply = await engine.client.db(coll.dbName).command({
      insert: coll.collectionName,
      documents: [{ email: "o1" }, { email: "o1" }, { email: "o2" }],
      ordered: true,
    });
    expect(reply.ok).toBe(1);
    expect(reply.n).toBe(1);
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0]).toMatchObject({ index: 1, code: 11000, keyPattern: { email: 1 }, keyValue: { email: "o1" } });
    expect(await coll.distinct("email")).toEqual(["o1"]);
  });

  it("enforces a compound unique index on the combination only", async () => {
    await coll.createIndex({ tenant: 1, code: 1 }, { unique: true });
    await coll.insertMany([
      { tenant: "a", code: "X" },
      { tenant: "b", code: "X" },
      { tenant: "a", code: "Y" },
    ]);
    const err = await rejectionOf(coll.insertOne({ tenant: "a", code: "X" }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ tenant: 1, code: 1 });
    expect(err.keyValue).toEqual({ tenant: "a", code: "X" });
  });

  it("treats a missing field as null in a plain unique index", async () => {
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ other: 1 });
    const err = await rejectionOf(coll.insertOne({ other: 2 }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ code: null });
  });

  it("lets documents without the field bypass a sparse unique index", async () => {
    await coll.createIndex({ code: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ other: 1 }, { other: 2 }, { code: "c1" }]);
    const err = await rejectionOf(coll.insertOne({ code: "c1" }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ code: "c1" });
    expect(await coll.countDocuments({})).toBe(3);
  });

  it("enforces a partial unique index only on documents matching its filter", async () => {
    await coll.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([
      { email: "p@x.it", active: false },
      { email: "p@x.it", active: false },
      { email: "p@x.it", active: true },
    ]);
    const err = await rejectionOf(coll.insertOne({ email: "p@x.it", active: true }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: "p@x.it" });
    const listed = (await coll.listIndexes().toArray()).find((i) => i.name === "email_1");
    expect(listed?.partialFilterExpression).toEqual({ active: true });
  });

  it("enforces uniqueness per array element on a multikey index", async () => {
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ tags: ["a", "b"] });
    // Repeating a value inside one document is not a duplicate.
    await coll.insertOne({ tags: ["c", "c"] });
    const err = await rejectionOf(coll.insertOne({ tags: ["x", "b"] }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ tags: "b" });
  });

  it("enforces a unique index on a dotted path", async () => {
    await coll.createIndex({ "addr.city": 1 }, { unique: true });
    await coll.insertMany([{ addr: { city: "Roma" } }, { addr: { city: "Milano" } }]);
    const err = await rejectionOf(coll.insertOne({ addr: { city: "Roma", zip: "00100" } }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ "addr.city": 1 });
    expect(err.keyValue).toEqual({ "addr.city": "Roma" });
  });

  it("treats numerically equal values of different BSON types as the same unique key", async () => {
    await coll.createIndex({ k: 1 }, { unique: true });
    await coll.insertOne({ k: 1 });
    const err = await rejectionOf(coll.insertOne({ k: Long.fromNumber(1) }));
    expect(err.code).toBe(11000);
    await coll.insertOne({ k: "1" });
    expect(await coll.countDocuments({ k: Long.fromNumber(1) })).toBe(1);
  });

  it("rejects an update that would create a duplicate and leaves the document unchanged", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: "one" },
      { _id: 2, email: "two" },
    ] as Document[]);
    const err = await rejectionOf(coll.updateOne({ _id: 2 } as Document, { $set: { email: "one" } }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ email: "one" });
    expect(await coll.findOne({ _id: 2 } as Document)).toEqual({ _id: 2, email: "two" });
  });

  it("reports a duplicate from findAndModify as a command error with keyPattern and keyValue", async () => {
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: "one" },
      { _id: 2, email: "two" },
    ] as Document[]);
    const err = await rejectionOf(coll.findOneAndUpdate({ _id: 2 } as Document, { $set: { email: "one" } }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: "one" });
  });
});

describe("embedded engine index use", () => {
  const size = 1_000;

  beforeEach(async () => {
    await coll.insertMany(
      Array.from({ length: size }, (_, i) => ({ _id: i, email: `u${i}@x.it`, city: `c${i % 50}`, plain: i })) as Document[],
    );
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.createIndex({ city: 1 });
  });

  const explain = async (filter: Document): Promise<Document> =>
    (await coll.find(filter).explain("executionStats")) as Document;

  it("looks up a unique indexed field without scanning the collection", async () => {
    const plan = await explain({ email: "u777@x.it" });
    const stages = planStages(plan.queryPlanner.winningPlan);
    expect(stages).toContain("IXSCAN");
    expect(stages).not.toContain("COLLSCAN");
    expect(plan.executionStats.nReturned).toBe(1);
    expect(plan.executionStats.totalDocsExamined).toBe(1);
  });

  it("looks up by _id without scanning the collection", async () => {
    const plan = await explain({ _id: 512 });
    const stages = planStages(plan.queryPlanner.winningPlan);
    // Real servers call the _id fast path IDHACK or EXPRESS_IXSCAN; any of them is an index lookup.
    expect(stages.some((s) => ["IXSCAN", "IDHACK", "EXPRESS_IXSCAN"].includes(s))).toBe(true);
    expect(stages).not.toContain("COLLSCAN");
    expect(plan.executionStats.totalDocsExamined).toBe(1);
  });

  it("examines only the matching documents for an equality on a non-unique index", async () => {
    const plan = await explain({ city: "c7" });
    expect(planStages(plan.queryPlanner.winningPlan)).toContain("IXSCAN");
    expect(plan.executionStats.nReturned).toBe(size / 50);
    expect(plan.executionStats.totalDocsExamined).toBe(size / 50);
  });

  it("uses the index for $in on an indexed field", async () => {
    const plan = await explain({ email: { $in: ["u1@x.it", "u2@x.it", "nobody"] } });
    expect(planStages(plan.queryPlanner.winningPlan)).toContain("IXSCAN");
    expect(plan.executionStats.nReturned).toBe(2);
    expect(plan.executionStats.totalDocsExamined).toBeLessThanOrEqual(3);
  });

  it("answers a range on an indexed field from the index", async () => {
    await coll.createIndex({ plain: 1 });
    const plan = await explain({ plain: { $gte: 10, $lt: 13 } });
    expect(planStages(plan.queryPlanner.winningPlan)).toContain("IXSCAN");
    expect(plan.executionStats.nReturned).toBe(3);
    expect(plan.executionStats.totalDocsExamined).toBe(3);
  });

  it("matches documents missing an indexed field on equality with null", async () => {
    await coll.insertOne({ _id: "noCity" } as Document);
    expect((await coll.find({ city: null }).toArray()).map((d) => d._id)).toEqual(["noCity"]);
    expect(await coll.countDocuments({ city: { $in: [null, "c1"] } })).toBe(size / 50 + 1);
  });

  it("uses the index of a leading $match in an aggregation", async () => {
    const plan = (await coll.aggregate([{ $match: { email: "u3@x.it" } }, { $project: { _id: 1 } }]).explain(
      "executionStats",
    )) as Document;
    // mongod nests the find plan under stages[0].$cursor when the pipeline has more stages.
    const planner = plan.queryPlanner ?? plan.stages?.[0]?.$cursor?.queryPlanner;
    expect(planStages(planner?.winningPlan)).toContain("IXSCAN");
  });

  it("uses every field of a compound index for equality plus range, as an event log read needs", async () => {
    const events = engine.db("idx").collection("events");
    await events.createIndex({ tenant: 1, seq: 1 }, { unique: true });
    await events.insertMany(Array.from({ length: 2_000 }, (_, i) => ({ tenant: `t${i % 4}`, seq: Math.floor(i / 4) })));
    const stats = async (cursor: ReturnType<typeof events.find>): Promise<Document> =>
      ((await cursor.explain("executionStats")) as Document).executionStats;

    const exact = await stats(events.find({ tenant: "t1", seq: 7 }));
    expect(exact.nReturned).toBe(1);
    expect(exact.totalDocsExamined).toBe(1);

    const after = await stats(events.find({ tenant: "t1", seq: { $gt: 490 } }).sort({ seq: 1 }));
    expect(after.nReturned).toBe(9);
    expect(after.totalDocsExamined).toBe(9);
    const page = await events.find({ tenant: "t1", seq: { $gt: 490 } }).sort({ seq: 1 }).limit(3).toArray();
    expect(page.map((d) => d.seq)).toEqual([491, 492, 493]);
  });

  it("reads the latest entry of a key through the index order instead of sorting all matches", async () => {
    const events = engine.db("idx").collection("events");
    await events.createIndex({ tenant: 1, seq: 1 }, { unique: true });
    await events.insertMany(Array.from({ length: 2_000 }, (_, i) => ({ tenant: `t${i % 4}`, seq: Math.floor(i / 4) })));
    const cursor = events.find({ tenant: "t2" }).sort({ seq: -1 }).limit(1);
    const stats = ((await cursor.explain("executionStats")) as Document).executionStats;
    expect(stats.nReturned).toBe(1);
    expect(stats.totalDocsExamined).toBe(1);
    expect((await events.find({ tenant: "t2" }).sort({ seq: -1 }).limit(1).toArray()).map((d) => d.seq)).toEqual([499]);
  });

  it("scans the whole collection for a field without an index", async () => {
    const plan = await explain({ plain: 777 });
    expect(planStages(plan.queryPlanner.winningPlan)).toContain("COLLSCAN");
    expect(plan.executionStats.nReturned).toBe(1);
    expect(plan.executionStats.totalDocsExamined).toBe(size);
  });

  it("keeps the index consistent through updates and deletes", async () => {
    await coll.updateOne({ email: "u5@x.it" }, { $set: { email: "moved@x.it" } });
    await coll.deleteOne({ email: "u6@x.it" });
    expect(await coll.findOne({ email: "u5@x.it" })).toBeNull();
    expect(await coll.findOne({ email: "moved@x.it" })).toMatchObject({ _id: 5 });
    expect(await coll.findOne({ email: "u6@x.it" })).toBeNull();
    // The freed key may be reused, the moved one may not.
    await coll.insertOne({ _id: "new", email: "u6@x.it" } as Document);
    expect((await rejectionOf(coll.insertOne({ email: "moved@x.it" }))).code).toBe(11000);
    const plan = await explain({ email: "moved@x.it" });
    expect(plan.executionStats.totalDocsExamined).toBe(1);
  });
});
