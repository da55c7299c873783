import { Double, Int32, Long, type Collection, type Db, type Document } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

// One test (or a few) per row of issue 11's table of deviations from MongoDB 6.0, through the driver.

let engine: TestEngine;
let db: Db;
let coll: Collection<Document>;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(() => {
  db = engine.db("fid");
  coll = db.collection("items");
});

const NOT_SUPPORTED = /not supported by the embedded engine/;

async function seedPings(): Promise<void> {
  await coll.insertMany([
    { _id: 1, s: "ping" },
    { _id: 2, s: "PING" },
    { _id: 3, s: "píng" },
    { _id: 4, s: "pong" },
  ] as Document[]);
}

const ids = (docs: Document[]): unknown[] => docs.map((d) => d["_id"]);

describe("row 1: collation", () => {
  it("matches by strength on find: 1 ignores case and accents, 2 only case, 3 neither, simple is binary", async () => {
    await seedPings();
    const at = (strength: number) => coll.find({ s: "ping" }, { collation: { locale: "en", strength } }).sort({ _id: 1 }).toArray();
    expect(ids(await at(1))).toEqual([1, 2, 3]);
    expect(ids(await at(2))).toEqual([1, 2]);
    expect(ids(await at(3))).toEqual([1]);
    expect(ids(await coll.find({ s: "ping" }, { collation: { locale: "simple" } }).toArray())).toEqual([1]);
    expect(ids(await coll.find({ s: { $in: ["PING"] } }, { collation: { locale: "it", strength: 1 } }).sort({ _id: 1 }).toArray())).toEqual([1, 2, 3]);
    expect(ids(await coll.find({ s: { $ne: "PING" } }, { collation: { locale: "en", strength: 2 } }).sort({ _id: 1 }).toArray())).toEqual([3, 4]);
  });

  it("sorts and compares ranges in the locale's order, not byte order", async () => {
    await seedPings();
    expect((await coll.find({}).sort({ s: 1 }).toArray()).map((d) => d["s"])).toEqual(["PING", "ping", "pong", "píng"]);
    const en = await coll.find({}, { collation: { locale: "en" } }).sort({ s: 1 }).toArray();
    expect(en.map((d) => d["s"])).toEqual(["ping", "PING", "píng", "pong"]);
    const upperFirst = await coll.find({ s: { $lt: "pong" } }, { collation: { locale: "en", caseFirst: "upper" } }).sort({ s: 1 }).toArray();
    expect(upperFirst.map((d) => d["s"])).toEqual(["PING", "ping", "píng"]);
  });

  it("honours collation in aggregate, count and distinct", async () => {
    await seedPings();
    const agg = await coll
      .aggregate([{ $match: { s: "PING" } }, { $sort: { _id: -1 } }, { $project: { same: { $eq: ["$s", "ping"] } } }], { collation: { locale: "en", strength: 2 } })
      .toArray();
    expect(agg).toEqual([
      { _id: 2, same: true },
      { _id: 1, same: true },
    ]);
    expect(await coll.countDocuments({ s: "ping" }, { collation: { locale: "en", strength: 1 } })).toBe(3);
    expect(await coll.distinct("s", {}, { collation: { locale: "en", strength: 2 } })).toEqual(["ping", "píng", "pong"]);
  });

  it("honours collation in update, delete, findAndModify and bulk writes", async () => {
    await seedPings();
    const strength2 = { locale: "en", strength: 2 };
    expect((await coll.updateMany({ s: "ping" }, { $set: { hit: true } }, { collation: strength2 })).modifiedCount).toBe(2);
    const found = await coll.findOneAndUpdate({ s: "PÍNG" }, { $set: { fam: 1 } }, { collation: strength2, returnDocument: "after" });
    expect(found?.["_id"]).toBe(3);
    const bulk = await coll.bulkWrite([
      { updateOne: { filter: { s: "PONG" }, update: { $set: { b: 1 } }, collation: strength2 } },
      { deleteMany: { filter: { s: "ping" }, collation: strength2 } },
    ]);
    expect(bulk.modifiedCount).toBe(1);
    expect(bulk.deletedCount).toBe(2);
    expect((await coll.deleteOne({ s: "PONG" }, { collation: strength2 })).deletedCount).toBe(1);
    expect(ids(await coll.find().toArray())).toEqual([3]);
  });

  it("never answers a collated query from an index built without that collation", async () => {
    await seedPings();
    await coll.createIndex({ s: 1 });
    const hits = await coll.find({ s: "ping" }, { collation: { locale: "en", strength: 2 } }).sort({ _id: 1 }).toArray();
    expect(ids(hits)).toEqual([1, 2]);
    const explained = await coll.find({ s: "ping" }, { collation: { locale: "en", strength: 2 } }).explain("executionStats");
    expect(explained["queryPlanner"].winningPlan.stage).toBe("COLLSCAN");
    // Without a collation the index still serves the binary comparison.
    const plain = await coll.find({ s: "ping" }).explain("executionStats");
    expect(plain["queryPlanner"].winningPlan.stage).toBe("IXSCAN");
  });

  it("refuses an index collation and collations it cannot reproduce", async () => {
    const ix = await rejectionOf(coll.createIndex({ s: 1 }, { collation: { locale: "en", strength: 2 } }));
    expect(ix["code"]).toBe(238);
    expect(String(ix["message"])).toMatch(NOT_SUPPORTED);
    const strength4 = await rejectionOf(coll.find({}, { collation: { locale: "en", strength: 4 } }).toArray());
    expect(strength4["code"]).toBe(238);
    const badLocale = await rejectionOf(coll.find({}, { collation: { locale: "xx_NOPE_zz" } }).toArray());
    expect(badLocale["code"]).toBe(2);
  });
});

describe("row 2: let variables", () => {
  it("reads $$names in find, aggregate, update, delete and findAndModify", async () => {
    await coll.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
      { _id: 3, n: 3 },
    ] as Document[]);
    const found = await coll.find({ $expr: { $eq: ["$n", "$$target"] } }, { let: { target: 2 } }).toArray();
    expect(ids(found)).toEqual([2]);
    const projected = await coll.find({ _id: 1 } as Document, { let: { k: 5 }, projection: { times: { $multiply: ["$n", "$$k"] } } }).toArray();
    expect(projected).toEqual([{ _id: 1, times: 5 }]);
    const agg = await coll.aggregate([{ $match: { _id: 1 } }, { $project: { n: { $add: ["$n", "$$step"] } } }], { let: { step: 10 } }).toArray();
    expect(agg).toEqual([{ _id: 1, n: 11 }]);
    await coll.updateOne({ $expr: { $eq: ["$_id", "$$id"] } }, [{ $set: { n: "$$val" } }], { let: { id: 3, val: 30 } });
    expect(await coll.findOne({ _id: 3 } as Document)).toEqual({ _id: 3, n: 30 });
    const fam = await coll.findOneAndUpdate({ $expr: { $eq: ["$_id", "$$id"] } }, { $set: { f: 1 } }, { let: { id: 1 }, returnDocument: "after" });
    expect(fam).toEqual({ _id: 1, n: 1, f: 1 });
    expect((await coll.deleteMany({ $expr: { $gt: ["$n", "$$min"] } }, { let: { min: 1 } })).deletedCount).toBe(2);
    expect(ids(await coll.find().toArray())).toEqual([1]);
  });
});

describe("row 3: $out and $merge", () => {
  it("refuses them loudly with NotImplemented", async () => {
    await coll.insertOne({ _id: 1 } as Document);
    for (const stage of [{ $out: "elsewhere" }, { $merge: { into: "elsewhere" } }]) {
      const err = await rejectionOf(coll.aggregate([stage]).toArray());
      expect(err["code"]).toBe(238);
      expect(String(err["message"])).toMatch(NOT_SUPPORTED);
    }
    expect(await db.listCollections({ name: "elsewhere" }).toArray()).toEqual([]);
  });
});

describe("row 4: database-level aggregate", () => {
  it("runs a $documents pipeline and refuses other database-level sources", async () => {
    const out = await db.aggregate([{ $documents: [{ x: 1 }, { x: 2 }, { x: 3 }] }, { $match: { x: { $gte: 2 } } }, { $count: "n" }]).toArray();
    expect(out).toEqual([{ n: 2 }]);
    const err = await rejectionOf(db.aggregate([{ $listLocalSessions: {} }]).toArray());
    expect(err["code"]).toBe(238);
    expect(String(err["message"])).toMatch(NOT_SUPPORTED);
  });
});

describe("row 5: pipeline updates setting $-prefixed or dotted fields", () => {
  it("sets a top-level $-prefixed and a dotted field through $replaceWith/$setField", async () => {
    await coll.insertOne({ _id: 1, foo: {} } as Document);
    const r1 = await coll.updateOne({ _id: 1 } as Document, [{ $replaceWith: { $setField: { field: { $literal: "$a" }, value: 1, input: "$$ROOT" } } }]);
    expect(r1.modifiedCount).toBe(1);
    await coll.updateOne({ _id: 1 } as Document, [{ $replaceWith: { $setField: { field: { $literal: "a.b" }, value: 2, input: "$$ROOT" } } }]);
    await coll.updateOne({ _id: 1 } as Document, [{ $set: { foo: { $setField: { field: { $literal: "$c" }, value: 3, input: "$foo" } } } }]);
    expect(await coll.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, foo: { $c: 3 }, $a: 1, "a.b": 2 });
  });
});

describe("row 6: $replaceRoot leaving out _id", () => {
  it("keeps the original _id", async () => {
    await coll.insertOne({ _id: 7, x: 1, sub: { y: 2 } } as Document);
    const r = await coll.updateOne({ _id: 7 } as Document, [{ $replaceRoot: { newRoot: "$sub" } }]);
    expect(r.modifiedCount).toBe(1);
    expect(await coll.findOne({ _id: 7 } as Document)).toEqual({ _id: 7, y: 2 });
  });
});

describe("row 7: sort in update and replace statements", () => {
  it("is refused as MongoDB 6.0 and 7.0 refuse it, changing nothing", async () => {
    await coll.insertMany([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ] as Document[]);
    const upd = await rejectionOf(coll.updateOne({}, { $inc: { x: 1 } }, { sort: { _id: -1 } }));
    expect(upd["code"]).toBe(40415);
    expect(String(upd["message"])).toContain("'update.updates.sort' is an unknown field");
    const rep = await rejectionOf(coll.replaceOne({}, { x: 1 }, { sort: { _id: -1 } }));
    expect(rep["code"]).toBe(40415);
    expect(await coll.find().toArray()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
    ]);
  });
});

describe("row 8: upsert with a null _id", () => {
  it("stores null, not a fresh ObjectId", async () => {
    const r = await coll.replaceOne({ x: 1 }, { _id: null, y: 1 }, { upsert: true });
    expect(r.upsertedCount).toBe(1);
    expect(await coll.find().toArray()).toEqual([{ _id: null, y: 1 }]);
  });
});

describe("row 9: views", () => {
  it("refuses create with viewOn instead of making an empty collection", async () => {
    await coll.insertOne({ _id: 1 } as Document);
    const err = await rejectionOf(db.createCollection("v", { viewOn: "items", pipeline: [] }));
    expect(err["code"]).toBe(238);
    expect(String(err["message"])).toMatch(/viewOn.*not supported by the embedded engine/);
    expect(await db.listCollections({ name: "v" }).toArray()).toEqual([]);
  });
});

describe("row 10: collMod and validators", () => {
  it("validates inserts and updates with a query-operator validator set on create", async () => {
    await db.createCollection("stock", { validator: { qty: { $gte: 0 } } });
    const stock = db.collection("stock");
    const [info] = (await db.listCollections({ name: "stock" }).toArray()) as Document[];
    expect(info?.["options"]).toEqual({ validator: { qty: { $gte: 0 } }, validationLevel: "strict", validationAction: "error" });
    await stock.insertOne({ _id: 1, qty: 5 } as Document);
    const ins = await rejectionOf(stock.insertOne({ _id: 2, qty: -1 } as Document));
    expect(ins["code"]).toBe(121);
    const upd = await rejectionOf(stock.updateOne({ _id: 1 } as Document, { $inc: { qty: -10 } }));
    expect(upd["code"]).toBe(121);
    const fam = await rejectionOf(stock.findOneAndUpdate({ _id: 1 } as Document, { $set: { qty: -2 } }));
    expect(fam["code"]).toBe(121);
    const ups = await rejectionOf(stock.updateOne({ _id: 3 } as Document, { $set: { qty: -3 } }, { upsert: true }));
    expect(ups["code"]).toBe(121);
    await stock.insertOne({ _id: 4, qty: -4 } as Document, { bypassDocumentValidation: true });
    expect(await stock.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, qty: 5 },
      { _id: 4, qty: -4 },
    ]);
  });

  it("changes validation with collMod: validator, moderate level, warn action", async () => {
    const c = db.collection("people");
    await c.insertMany([
      { _id: 1, name: "ann" },
      { _id: 2, name: 42 },
    ] as Document[]);
    await db.command({ collMod: "people", validator: { name: { $type: "string" } }, validationLevel: "moderate" });
    // Moderate: an update of a document that was already invalid is not checked; of a valid one it is.
    await c.updateOne({ _id: 2 } as Document, { $set: { age: 1 } });
    expect((await rejectionOf(c.updateOne({ _id: 1 } as Document, { $set: { name: 7 } })))["code"]).toBe(121);
    expect((await rejectionOf(c.insertOne({ _id: 3, name: 3 } as Document)))["code"]).toBe(121);
    await db.command({ collMod: "people", validationAction: "warn" });
    await c.insertOne({ _id: 3, name: 3 } as Document);
    const [info] = (await db.listCollections({ name: "people" }).toArray()) as Document[];
    expect(info?.["options"]).toEqual({ validator: { name: { $type: "string" } }, validationLevel: "moderate", validationAction: "warn" });
    const missing = await rejectionOf(db.command({ collMod: "nope", validator: {} }));
    expect(missing["code"]).toBe(26);
  });

  it("refuses $jsonSchema validators and collMod options other than validation", async () => {
    await coll.insertOne({ _id: 1 } as Document);
    const schema = await rejectionOf(db.createCollection("js", { validator: { $jsonSchema: { required: ["a"] } } }));
    expect(schema["code"]).toBe(238);
    expect(String(schema["message"])).toMatch(/\$jsonSchema.*not supported by the embedded engine/);
    const modSchema = await rejectionOf(db.command({ collMod: "items", validator: { $jsonSchema: {} } }));
    expect(modSchema["code"]).toBe(238);
    const ttl = await rejectionOf(db.command({ collMod: "items", index: { keyPattern: { _id: 1 }, hidden: true } }));
    expect(ttl["code"]).toBe(238);
    expect(String(ttl["message"])).toMatch(/'index'.*not supported by the embedded engine/);
    expect((await db.listCollections({ name: "js" }).toArray()).length).toBe(0);
  });
});

describe("row 11: $-prefixed keys inside _id", () => {
  it("are refused on insert and on upsert, storing nothing", async () => {
    const ins = await rejectionOf(coll.insertOne({ _id: { $a: 1 } } as Document));
    expect(ins["code"]).toBe(52);
    const nested = await rejectionOf(coll.insertOne({ _id: { a: { $b: 1 } } } as Document));
    expect(nested["code"]).toBe(52);
    const ups = await rejectionOf(coll.replaceOne({ x: 1 }, { _id: { $c: 1 } }, { upsert: true }));
    expect(ups["code"]).toBe(52);
    expect(await coll.countDocuments()).toBe(0);
  });
});

describe("row 12: numeric type promotion in $mul and $inc", () => {
  it("promotes like the server: int*double is a double even when whole, int overflow is a long", async () => {
    await coll.insertOne({ _id: 1, a: 2, b: 3, c: 2147483647, d: 5, e: new Long(5), f: 1 } as Document);
    await coll.updateOne({ _id: 1 } as Document, {
      $mul: { a: 1.5, b: new Double(2), z: new Long(3) },
      $inc: { c: 1, d: new Long(1), e: 1, f: 0.5, y: new Double(1) },
    });
    const raw = await coll.findOne({ _id: 1 } as Document, { promoteValues: false });
    expect(raw?.["a"]).toEqual(new Double(3));
    expect(raw?.["b"]).toEqual(new Double(6));
    expect(raw?.["c"]).toEqual(Long.fromNumber(2147483648));
    expect(raw?.["d"]).toEqual(Long.fromNumber(6));
    expect(raw?.["e"]).toEqual(Long.fromNumber(6));
    expect(raw?.["f"]).toEqual(new Double(1.5));
    // A missing field takes the operand's type: $mul gives its zero, $inc the operand.
    expect(raw?.["z"]).toEqual(Long.fromNumber(0));
    expect(raw?.["y"]).toEqual(new Double(1));
    await coll.updateOne({ _id: 1 } as Document, { $inc: { g: new Int32(4) } });
    expect((await coll.findOne({ _id: 1 } as Document, { promoteValues: false }))?.["g"]).toEqual(new Int32(4));
  });
});

describe("validators survive a restart", () => {
  it("replays create and collMod validation from the journal", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dbpath = await mkdtemp(path.join(tmpdir(), "engine-fidelity-"));
    let e: TestEngine | undefined;
    try {
      e = await startTestEngine({ dbpath });
      const d = e.client.db("v");
      await d.createCollection("a", { validator: { n: { $gte: 0 } } });
      await d.collection("b").insertOne({ _id: 1 } as Document);
      await d.command({ collMod: "b", validator: { n: { $type: "int" } }, validationAction: "error" });
      await e.close();
      e = await startTestEngine({ dbpath });
      const d2 = e.client.db("v");
      expect((await rejectionOf(d2.collection("a").insertOne({ n: -1 })))["code"]).toBe(121);
      expect((await rejectionOf(d2.collection("b").insertOne({ n: "x" })))["code"]).toBe(121);
      await d2.collection("b").insertOne({ n: 1 });
    } finally {
      await e?.close();
      await rm(dbpath, { recursive: true, force: true });
    }
  });
});
