import {
  Binary,
  BSON,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  type Collection,
  type Document,
} from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;
let coll: Collection<Document>;

const MiB = 1024 * 1024;

beforeAll(async () => {
  engine = await startTestEngine();
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(() => {
  coll = engine.db("bson").collection("values");
});

// Wrapper types spelled out so that byte-for-byte comparison also checks the BSON type tags.
const sample = (): Document => ({
  _id: new ObjectId(),
  date: new Date("2026-03-04T05:06:07.089Z"),
  preEpoch: new Date(-86_400_000),
  dec: Decimal128.fromString("1234.5678901234567890123456789012"),
  decNeg: Decimal128.fromString("-0.000000000000000000000000000000001"),
  bin: new Binary(Buffer.from([0, 1, 2, 253, 254, 255])),
  uuid: new UUID("0b1f0b7e-3b5e-4f6a-9d62-0b8b6d6f2a11").toBinary(),
  long: Long.fromString("9007199254740993"),
  longNeg: Long.fromString("-9223372036854775808"),
  int: new Int32(-2147483648),
  double: new Double(5),
  fraction: new Double(0.1),
  inf: new Double(Infinity),
  nan: new Double(NaN),
  str: "città • 🙂",
  empty: "",
  bool: false,
  nil: null,
  regex: new BSONRegExp("^fir+ma$", "i"),
  ts: new Timestamp({ t: 1_700_000_000, i: 7 }),
  min: new MinKey(),
  max: new MaxKey(),
  nested: { a: { b: { c: [new Int32(1), { d: new Long(2) }, [new Double(3.5), "x"]] } }, "key with spaces": true },
  arr: [],
  obj: {},
});

describe("embedded engine BSON round trip", () => {
  it("stores and returns every BSON type byte for byte, with field order preserved", async () => {
    const doc = sample();
    await coll.insertOne(doc);
    const back = await coll.findOne({ _id: doc._id }, { promoteValues: false, promoteLongs: false });
    expect(back).not.toBeNull();
    expect(Buffer.from(BSON.serialize(back as Document)).equals(Buffer.from(BSON.serialize(doc)))).toBe(true);
  });

  it("returns an inserted document as it was sent, regular-expression options JavaScript lacks included", async () => {
    const doc = { _id: new ObjectId(), re: new BSONRegExp("^a b$", "imx"), n: new Int32(1) };
    // insertMany sends its documents as an OP_MSG document sequence, whose bytes the engine keeps.
    await coll.insertMany([doc]);
    const back = await coll.findOne({ _id: doc._id }, { bsonRegExp: true, promoteValues: false });
    expect(back?.["re"]).toEqual(new BSONRegExp("^a b$", "imx"));
    expect(Buffer.from(BSON.serialize(back as Document)).equals(Buffer.from(BSON.serialize(doc)))).toBe(true);
  });

  it("returns promoted values the way the driver normally exposes them", async () => {
    const doc = sample();
    await coll.insertOne(doc);
    const back = (await coll.findOne({ _id: doc._id })) as Document;
    expect(back._id).toBeInstanceOf(ObjectId);
    expect(back._id.equals(doc._id)).toBe(true);
    expect(back.date).toEqual(doc.date);
    expect(back.preEpoch).toEqual(doc.preEpoch);
    expect(back.dec).toBeInstanceOf(Decimal128);
    expect(back.dec.toString()).toBe("1234.5678901234567890123456789012");
    expect(back.bin).toBeInstanceOf(Binary);
    expect(Buffer.from((back.bin as Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 253, 254, 255]));
    expect((back.uuid as Binary).sub_type).toBe(Binary.SUBTYPE_UUID);
    // Beyond 2^53 the driver keeps a Long so no precision is lost.
    expect(back.long).toBeInstanceOf(Long);
    expect(back.long.toString()).toBe("9007199254740993");
    expect(back.int).toBe(-2147483648);
    expect(back.double).toBe(5);
    expect(back.nan).toBeNaN();
    expect(back.str).toBe("città • 🙂");
    expect(back.nested).toEqual({ a: { b: { c: [1, { d: 2 }, [3.5, "x"]] } }, "key with spaces": true });
  });

  it("matches typed values by equality and by $type", async () => {
    const doc = sample();
    await coll.insertOne(doc);
    const found = async (filter: Document): Promise<number> => coll.countDocuments({ _id: doc._id, ...filter });
    expect(await found({ dec: Decimal128.fromString("1234.5678901234567890123456789012") })).toBe(1);
    expect(await found({ long: Long.fromString("9007199254740993") })).toBe(1);
    expect(await found({ bin: new Binary(Buffer.from([0, 1, 2, 253, 254, 255])) })).toBe(1);
    expect(await found({ date: { $gte: new Date("2026-01-01"), $lt: new Date("2027-01-01") } })).toBe(1);
    expect(await found({ long: { $type: "long" }, int: { $type: "int" }, double: { $type: "double" } })).toBe(1);
    expect(await found({ dec: { $type: "decimal" }, bin: { $type: "binData" }, date: { $type: "date" } })).toBe(1);
    expect(await found({ int: { $type: "long" } })).toBe(0);
  });

  it("compares numbers by value across Int32, Long, Double and Decimal128", async () => {
    await coll.insertMany([
      { _id: "i", n: new Int32(5) },
      { _id: "l", n: Long.fromNumber(5) },
      { _id: "d", n: new Double(5) },
      { _id: "m", n: Decimal128.fromString("5.0") },
      { _id: "other", n: new Double(5.5) },
    ] as Document[]);
    const ids = (await coll.find({ n: 5 }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual(["d", "i", "l", "m"]);
    expect(await coll.countDocuments({ n: { $gt: Long.fromNumber(5) } })).toBe(1);
  });

  it("sorts mixed types in BSON comparison order", async () => {
    const oid = new ObjectId();
    await coll.insertMany([
      { _id: 1, v: new Date(0) },
      { _id: 2, v: true },
      { _id: 3, v: oid },
      { _id: 4, v: { a: 1 } },
      { _id: 5, v: "text" },
      { _id: 6, v: 42 },
      { _id: 7, v: null },
      { _id: 8, v: new MinKey() },
      { _id: 9, v: new MaxKey() },
    ] as Document[]);
    const order = (await coll.find({}).sort({ v: 1 }).toArray()).map((d) => d._id);
    expect(order).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 9]);
  });

  it("keeps $inc on Int32 as Int32 and widens to Long on overflow like MongoDB", async () => {
    await coll.insertOne({ _id: "c", small: new Int32(1), edge: new Int32(2147483647) } as Document);
    await coll.updateOne({ _id: "c" } as Document, { $inc: { small: new Int32(1), edge: new Int32(1) } });
    const back = (await coll.findOne({ _id: "c" } as Document, { promoteValues: false })) as Document;
    expect(back.small).toBeInstanceOf(Int32);
    expect((back.small as Int32).value).toBe(2);
    expect(back.edge).toBeInstanceOf(Long);
    expect((back.edge as Long).toString()).toBe("2147483648");
  });
});

describe("embedded engine document size limit", () => {
  it("accepts a document just under 16 MiB and returns it intact", async () => {
    const body = "a".repeat(16 * MiB - 1_024);
    const { insertedId } = await coll.insertOne({ body });
    const back = await coll.findOne({ _id: insertedId });
    expect(back?.body).toHaveLength(body.length);
    expect(back?.body === body).toBe(true);
  });

  it("rejects a document over 16 MiB with an error code and stores nothing", async () => {
    const err = await rejectionOf(coll.insertOne({ _id: "huge", body: "b".repeat(16 * MiB + 16) } as Document));
    expect(typeof err.code).toBe("number");
    expect([2, 10334, 17419, 17420]).toContain(err.code);
    expect(await coll.countDocuments({ _id: "huge" } as Document)).toBe(0);
    // The connection that carried the oversized command still works.
    await coll.insertOne({ _id: "small" } as Document);
    expect(await coll.countDocuments({})).toBe(1);
  });

  it("rejects an update whose result would exceed 16 MiB and leaves the document unchanged", async () => {
    await coll.insertOne({ _id: "grow", a: "x".repeat(9 * MiB) } as Document);
    const err = await rejectionOf(coll.updateOne({ _id: "grow" } as Document, { $set: { b: "y".repeat(9 * MiB) } }));
    expect(typeof err.code).toBe("number");
    const back = await coll.findOne({ _id: "grow" } as Document, { projection: { b: 1 } });
    expect(back).toEqual({ _id: "grow" });
  });
});
