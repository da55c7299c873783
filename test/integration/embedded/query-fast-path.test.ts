import { Decimal128, Double, Int32, Long, ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../../helpers/engine.js";

// The engine matches equality, $eq and $in filters over scalars without mingo, and answers finds
// without a projection from the stored documents' cached BSON: both must give MongoDB's answers.
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine.close();
});

describe("equality and $in filters (direct matcher)", () => {
  it("match numbers across types, array elements, null as missing, and nothing for an empty $in", async () => {
    const coll = engine.db("fp").collection("c");
    const oid = new ObjectId();
    await coll.insertMany([
      { _id: 1 as never, n: new Int32(1), tags: ["a", "b"], ref: oid },
      { _id: 2 as never, n: new Double(2.5), tags: "c", nested: { k: 1 } },
      { _id: 3 as never, n: Long.fromNumber(3), tags: [], ref: null },
      { _id: 4 as never, n: Decimal128.fromString("4"), tags: [["a"]] },
    ]);
    const ids = async (filter: object) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ n: { $in: [1, 3, 4] } })).toEqual([1, 3, 4]);
    expect(await ids({ n: { $in: [new Double(1), Long.fromNumber(2)] } })).toEqual([1]);
    expect(await ids({ n: { $eq: 2.5 } })).toEqual([2]);
    expect(await ids({ tags: { $in: ["a", "c"] } })).toEqual([1, 2]);
    expect(await ids({ ref: { $in: [null] } })).toEqual([2, 3, 4]);
    expect(await ids({ ref: { $in: [oid] } })).toEqual([1]);
    expect(await ids({ "nested.k": { $in: [1] } })).toEqual([2]);
    expect(await ids({ _id: { $in: [] } })).toEqual([]);
    expect(await ids({ _id: { $in: [4, 2, 9] }, tags: { $eq: "c" } })).toEqual([2]);
    expect(await ids({ _id: 3 })).toEqual([3]);
    expect(await ids({ _id: 9 })).toEqual([]);
    // Batches of one: the cached bytes also go out through getMore.
    expect((await coll.find({}, { batchSize: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3, 4]);
  });

  it("returns stored documents byte-identical with and without a projection, also after updates", async () => {
    const coll = engine.db("fp").collection("d");
    await coll.insertOne({ _id: "x" as never, a: new Int32(1), b: new Double(2), c: Long.fromNumber(3), d: { e: [1, "two"] } });
    await coll.updateOne({ _id: "x" as never }, { $set: { f: true } });
    const raw = await coll.findOne({ _id: "x" as never }, { promoteValues: false });
    const projected = await coll.findOne({ _id: "x" as never }, { promoteValues: false, projection: { _id: 1, a: 1, b: 1, c: 1, d: 1, f: 1 } });
    expect(raw).toEqual(projected);
    expect(raw).toMatchObject({ a: new Int32(1), b: new Double(2), c: Long.fromNumber(3), f: true });
    const batch = await coll.find({}, { batchSize: 1 }).toArray();
    expect(batch).toHaveLength(1);
  });
});
