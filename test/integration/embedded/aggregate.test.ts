import { type Db, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;
let db: Db;

const products = [
  { _id: "P1", name: "Firma remota", price: 3000 },
  { _id: "P2", name: "Token USB", price: 5500 },
  { _id: "P3", name: "Smart card", price: 2500 },
];

const orders = [
  { _id: 1, tenant: "a", product: "P1", qty: 2, lines: [{ sku: "x", n: 1 }, { sku: "y", n: 2 }] },
  { _id: 2, tenant: "a", product: "P2", qty: 1, lines: [{ sku: "x", n: 3 }] },
  { _id: 3, tenant: "b", product: "P1", qty: 5, lines: [] },
  { _id: 4, tenant: "b", product: "P3", qty: 1, lines: [{ sku: "z", n: 1 }] },
  { _id: 5, tenant: "c", product: "P9", qty: 4, lines: [{ sku: "y", n: 7 }] },
];

beforeAll(async () => {
  engine = await startTestEngine();
  db = engine.db("agg");
  await db.collection("products").insertMany(products as Document[]);
  await db.collection("orders").insertMany(orders as Document[]);
});

afterAll(async () => {
  await engine?.close();
});

const run = (pipeline: Document[], options: Document = {}): Promise<Document[]> =>
  db.collection("orders").aggregate(pipeline, options).toArray();

describe("embedded engine aggregate", () => {
  it("filters with $match and groups with $group accumulators", async () => {
    const out = await run([
      { $match: { qty: { $gte: 1 } } },
      { $group: { _id: "$tenant", total: { $sum: "$qty" }, orders: { $sum: 1 }, maxQty: { $max: "$qty" }, ids: { $push: "$_id" } } },
      { $sort: { _id: 1 } },
    ]);
    expect(out).toEqual([
      { _id: "a", total: 3, orders: 2, maxQty: 2, ids: [1, 2] },
      { _id: "b", total: 6, orders: 2, maxQty: 5, ids: [3, 4] },
      { _id: "c", total: 4, orders: 1, maxQty: 4, ids: [5] },
    ]);
  });

  it("averages and groups everything under a null _id", async () => {
    const out = await run([{ $group: { _id: null, avg: { $avg: "$qty" }, first: { $first: "$_id" } } }]);
    expect(out).toEqual([{ _id: null, avg: 13 / 5, first: 1 }]);
  });

  it("sorts, skips and limits in pipeline order", async () => {
    const out = await run([{ $sort: { qty: -1, _id: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1 } }]);
    expect(out).toEqual([{ _id: 5 }, { _id: 1 }]);
  });

  it("projects with inclusion, exclusion and computed fields, and adds fields", async () => {
    const projected = await run([
      { $match: { _id: 1 } },
      { $project: { _id: 0, tenant: 1, doubled: { $multiply: ["$qty", 2] }, label: { $concat: ["$tenant", "-", "$product"] } } },
    ]);
    expect(projected).toEqual([{ tenant: "a", doubled: 4, label: "a-P1" }]);

    const added = await run([
      { $match: { _id: 2 } },
      { $addFields: { big: { $gt: ["$qty", 1] }, lineCount: { $size: "$lines" } } },
      { $project: { lines: 0 } },
    ]);
    expect(added).toEqual([{ _id: 2, tenant: "a", product: "P2", qty: 1, big: false, lineCount: 1 }]);
  });

  it("unwinds arrays, dropping documents with empty arrays unless asked to keep them", async () => {
    const plain = await run([{ $unwind: "$lines" }, { $project: { sku: "$lines.sku" } }]);
    expect(plain.map((d) => d._id)).toEqual([1, 1, 2, 4, 5]);
    const kept = await run([
      { $unwind: { path: "$lines", preserveNullAndEmptyArrays: true, includeArrayIndex: "pos" } },
      { $project: { pos: 1 } },
    ]);
    expect(kept.map((d) => [d._id, d.pos])).toEqual([
      [1, 0],
      [1, 1],
      [2, 0],
      [3, null],
      [4, 0],
      [5, 0],
    ]);
  });

  it("joins with $lookup, yielding an empty array when nothing matches", async () => {
    const out = await run([
      { $lookup: { from: "products", localField: "product", foreignField: "_id", as: "p" } },
      { $project: { name: { $arrayElemAt: ["$p.name", 0] }, matches: { $size: "$p" } } },
      { $sort: { _id: 1 } },
    ]);
    expect(out).toEqual([
      { _id: 1, name: "Firma remota", matches: 1 },
      { _id: 2, name: "Token USB", matches: 1 },
      { _id: 3, name: "Firma remota", matches: 1 },
      { _id: 4, name: "Smart card", matches: 1 },
      { _id: 5, matches: 0 },
    ]);
  });

  it("supports $lookup with a pipeline and let variables", async () => {
    const out = await run([
      { $match: { _id: { $in: [1, 4] } } },
      {
        $lookup: {
          from: "products",
          let: { pid: "$product" },
          pipeline: [{ $match: { $expr: { $eq: ["$_id", "$$pid"] } } }, { $project: { _id: 0, price: 1 } }],
          as: "p",
        },
      },
      { $sort: { _id: 1 } },
      { $project: { p: 1 } },
    ]);
    expect(out).toEqual([
      { _id: 1, p: [{ price: 3000 }] },
      { _id: 4, p: [{ price: 2500 }] },
    ]);
  });

  it("counts the documents reaching $count", async () => {
    expect(await run([{ $match: { tenant: "b" } }, { $count: "n" }])).toEqual([{ n: 2 }]);
    // No document reaches the stage: MongoDB returns no result document at all.
    expect(await run([{ $match: { tenant: "zzz" } }, { $count: "n" }])).toEqual([]);
  });

  it("runs sub-pipelines side by side with $facet", async () => {
    const out = await run([
      {
        $facet: {
          total: [{ $count: "n" }],
          byTenant: [{ $group: { _id: "$tenant", n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
          top: [{ $sort: { qty: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
        },
      },
    ]);
    expect(out).toEqual([
      {
        total: [{ n: 5 }],
        byTenant: [
          { _id: "a", n: 2 },
          { _id: "b", n: 2 },
          { _id: "c", n: 1 },
        ],
        top: [{ _id: 3 }],
      },
    ]);
  });

  it("returns a large aggregate result across getMore batches", async () => {
    const big = db.collection("big");
    await big.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, m: i % 10 })) as Document[]);
    const out = await big.aggregate([{ $match: { m: { $lt: 5 } } }, { $sort: { _id: 1 } }], { batchSize: 20 }).toArray();
    expect(out).toHaveLength(125);
    expect(out[0]).toEqual({ _id: 0, m: 0 });
    expect(out[124]).toEqual({ _id: 249 - 5, m: 4 });
  });

  it("kills an aggregate cursor that is closed before it is exhausted", async () => {
    await db.collection("killable").insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i })) as Document[]);
    const reply = await db.command({ aggregate: "killable", pipeline: [{ $sort: { _id: 1 } }], cursor: { batchSize: 10 } });
    const id = reply.cursor.id;
    expect(reply.cursor.firstBatch).toHaveLength(10);
    const killed = await db.command({ killCursors: "killable", cursors: [id] });
    expect(killed.cursorsKilled).toHaveLength(1);
    const err = await rejectionOf(db.command({ getMore: id, collection: "killable" }));
    expect(err.code).toBe(43);
  });

  it("collects distinct values with $addToSet and joins on an array of keys", async () => {
    const tenants = await run([
      { $group: { _id: null, tenants: { $addToSet: "$tenant" } } },
      { $project: { _id: 0, n: { $size: "$tenants" } } },
    ]);
    expect(tenants).toEqual([{ n: 3 }]);
    await db.collection("baskets").insertOne({ _id: "b1", items: ["P1", "P3", "P404"] } as Document);
    const joined = await db
      .collection("baskets")
      .aggregate([
        { $lookup: { from: "products", localField: "items", foreignField: "_id", as: "p" } },
        { $project: { names: "$p.name" } },
      ])
      .toArray();
    expect(joined).toHaveLength(1);
    expect([...(joined[0].names as string[])].sort()).toEqual(["Firma remota", "Smart card"]);
  });

  it("answers the raw command with a cursor document", async () => {
    const reply = await db.command({ aggregate: "orders", pipeline: [{ $match: { tenant: "a" } }], cursor: {} });
    expect(reply.ok).toBe(1);
    expect(reply.cursor.ns).toBe(`${db.databaseName}.orders`);
    expect(reply.cursor.firstBatch).toHaveLength(2);
  });

  it("rejects an unknown pipeline stage with an error code", async () => {
    const err = await rejectionOf(run([{ $noSuchStage: {} }]));
    expect(typeof err.code).toBe("number");
    expect(err.ok).toBe(0);
  });
});
