import mongoose, { Schema, type Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf, startTestEngine, uniqueName, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;
let conn: Connection;
let Tenant: ReturnType<typeof tenantModel>;
let Req: ReturnType<typeof requestModel>;

const tenantSchema = new Schema(
  {
    name: { type: String, required: true },
    slug: { type: String, required: true, unique: true },
    plan: { type: String, enum: ["free", "pro"], default: "free" },
    credits: { type: Number, default: 0 },
    tags: [String],
  },
  { timestamps: true },
);

const requestSchema = new Schema({
  tenant: { type: Schema.Types.ObjectId, ref: "Tenant", required: true },
  code: { type: String, required: true },
  priceCents: { type: Number, required: true },
  status: { type: String, default: "NEW" },
});
requestSchema.index({ tenant: 1, code: 1 }, { unique: true });

const tenantModel = (c: Connection) => c.model("Tenant", tenantSchema);
const requestModel = (c: Connection) => c.model("Request", requestSchema);

beforeAll(async () => {
  engine = await startTestEngine();
  conn = await mongoose
    .createConnection(engine.uri, { dbName: uniqueName("mg"), directConnection: true, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  Tenant = tenantModel(conn);
  Req = requestModel(conn);
});

afterAll(async () => {
  await conn?.close();
  await engine?.close();
});

describe("embedded engine with mongoose", () => {
  it("builds the schema indexes through init and lists them", async () => {
    await Tenant.init();
    const indexes = await Tenant.listIndexes();
    const slug = indexes.find((i) => i.key && (i.key as Record<string, unknown>).slug === 1);
    expect(slug).toMatchObject({ unique: true });
  });

  it("creates, reads, updates and deletes documents with defaults and timestamps", async () => {
    const created = await Tenant.create({ name: "Acme", slug: uniqueName("acme"), tags: ["a"] });
    expect(created.plan).toBe("free");
    expect(created.createdAt).toBeInstanceOf(Date);

    const found = await Tenant.findById(created._id).lean();
    expect(found).toMatchObject({ name: "Acme", plan: "free", credits: 0, tags: ["a"] });

    const updated = await Tenant.findOneAndUpdate(
      { _id: created._id },
      { $inc: { credits: 5 }, $push: { tags: "b" } },
      { returnDocument: "after" },
    ).lean();
    expect(updated).toMatchObject({ credits: 5, tags: ["a", "b"] });
    expect((updated?.updatedAt as Date).getTime()).toBeGreaterThanOrEqual((created.updatedAt as Date).getTime());

    created.name = "Acme S.p.A.";
    await created.save();
    expect((await Tenant.findById(created._id).lean())?.name).toBe("Acme S.p.A.");

    await Tenant.deleteOne({ _id: created._id });
    expect(await Tenant.countDocuments({ _id: created._id })).toBe(0);
  });

  it("throws code 11000 with keyValue on a duplicate unique field", async () => {
    await Tenant.init();
    const slug = uniqueName("dup");
    await Tenant.create({ name: "One", slug });
    const err = await rejectionOf(Tenant.create({ name: "Two", slug }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ slug });
    expect(await Tenant.countDocuments({ slug })).toBe(1);
  });

  it("enforces a compound unique index and populates references", async () => {
    await Promise.all([Tenant.init(), Req.init()]);
    const tenant = await Tenant.create({ name: "Ref", slug: uniqueName("ref") });
    await Req.create({ tenant: tenant._id, code: "R1", priceCents: 3000 });
    await Req.create({ tenant: tenant._id, code: "R2", priceCents: 5500 });
    const err = await rejectionOf(Req.create({ tenant: tenant._id, code: "R1", priceCents: 1 }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ tenant: 1, code: 1 });

    const rows = await Req.find({ tenant: tenant._id }).sort({ code: 1 }).populate<{ tenant: { name: string } }>("tenant").lean();
    expect(rows.map((r) => [r.code, r.tenant.name])).toEqual([
      ["R1", "Ref"],
      ["R2", "Ref"],
    ]);
  });

  it("runs an aggregation and a bulkWrite through the model", async () => {
    const tenant = new mongoose.Types.ObjectId();
    const res = await Req.bulkWrite([
      { insertOne: { document: { tenant, code: "B1", priceCents: 100 } } },
      { insertOne: { document: { tenant, code: "B2", priceCents: 250 } } },
      { updateOne: { filter: { tenant, code: "B1" }, update: { $set: { status: "DONE" } } } },
      { deleteOne: { filter: { tenant, code: "B2" } } },
    ]);
    expect(res.insertedCount).toBe(2);
    expect(res.modifiedCount).toBe(1);
    expect(res.deletedCount).toBe(1);
    const totals = await Req.aggregate<{ _id: string; cents: number }>([
      { $match: { tenant } },
      { $group: { _id: "$status", cents: { $sum: "$priceCents" } } },
    ]);
    expect(totals).toEqual([{ _id: "DONE", cents: 100 }]);
  });

  it("reports every duplicate of an unordered insertMany and keeps the rest", async () => {
    const a = uniqueName("a");
    const b = uniqueName("b");
    const err = await rejectionOf(
      Tenant.insertMany(
        [
          { name: "A", slug: a },
          { name: "A again", slug: a },
          { name: "B", slug: b },
        ],
        { ordered: false },
      ),
    );
    expect(err.code).toBe(11000);
    expect(await Tenant.countDocuments({ slug: { $in: [a, b] } })).toBe(2);
  });

  it("fails a mongoose transaction and applies none of its writes", async () => {
    const slug = uniqueName("txn");
    const err = await rejectionOf(
      conn.transaction(async (session) => {
        await Tenant.create([{ name: "In txn", slug }], { session });
      }),
    );
    // IllegalOperation; the driver rewraps it for writes and keeps the server's error as originalError.
    expect(err.code ?? (err.originalError as { code?: number } | undefined)?.code).toBe(20);
    expect(await Tenant.countDocuments({ slug })).toBe(0);
  });

  it("syncs indexes, dropping ones no longer declared", async () => {
    const name = uniqueName("Synced");
    const first = new Schema({ a: String, b: String });
    first.index({ a: 1 });
    first.index({ b: 1 });
    const V1 = conn.model(name, first);
    await V1.init();
    conn.deleteModel(name);

    const second = new Schema({ a: String, b: String });
    second.index({ a: 1 });
    const V2 = conn.model(name, second);
    const dropped = await V2.syncIndexes();
    expect(dropped).toEqual(["b_1"]);
    expect((await V2.listIndexes()).map((i) => i.name).sort()).toEqual(["_id_", "a_1"]);
  });
});
