import mongoose, { Schema, Types } from "mongoose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { createFeedBus } from "../../../src/pubsub/index.js";
import { encodeFeedCursor, EventLog, FeedService } from "../../../src/services/events.service.js";
import { applyRetention, RETENTION_INDEX, StatusEventModel } from "../../../src/models/index.js";
import { startEngine } from "../../../src/db/embedded/index.js";
import type { StatusChangeNotice } from "../../../src/services/status-tracker.service.js";
import { collect, wsClient } from "../../e2e/feeds/feed-client.js";

const logger = pino({ level: "silent" });
const DAY = 24 * 3600;

let clock = Date.parse("2026-02-01T00:00:00Z");
const change = (tenantId: string): StatusChangeNotice => ({ requestId: new Types.ObjectId().toHexString(), tenantId, from: "IN_LAVORAZIONE", to: "EVASA", at: new Date(clock++), source: "POLL" });

describe("retention of the event log and the sandbox's callback log", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ EVENT_RETENTION_DAYS: "7", SANDBOX_CALLBACK_RETENTION_DAYS: "3" });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("keeps a TTL index of the configured days on both collections", async () => {
    const db = gw.db.connection.db!;
    const ttl = async (coll: string) => (await db.collection(coll).indexes()).find((ix) => ix.name === RETENTION_INDEX);
    expect(await ttl("statusevents")).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 7 * DAY });
    expect(await ttl("sandbox_callbacks")).toMatchObject({ key: { createdAt: 1 }, expireAfterSeconds: 3 * DAY });
    // A changed setting replaces the index; the same one leaves it alone.
    expect(await applyRetention(StatusEventModel, "createdAt", 30)).toBe(30 * DAY);
    expect(await ttl("statusevents")).toMatchObject({ expireAfterSeconds: 30 * DAY });
    expect(await applyRetention(StatusEventModel, "createdAt", 30)).toBe(30 * DAY);
    await applyRetention(StatusEventModel, "createdAt", 7);
  });

  it("answers CURSOR_EXPIRED for a cursor whose next events were deleted by the retention, and replays from a live one", async () => {
    const bus = createFeedBus({ redisUrl: null, logger });
    const log = new EventLog({ bus, logger, retentionDays: 7, holeGraceMs: 50 });
    const feed = new FeedService(log, bus);
    const tenant = new Types.ObjectId().toHexString();
    for (let i = 0; i < 5; i++) await log.record(change(tenant));
    // What the TTL monitor does to the three oldest.
    await StatusEventModel.deleteMany({ tenantId: tenant, seq: { $lte: 3 } });

    await expect(feed.open(tenant, encodeFeedCursor(1))).rejects.toMatchObject({ extensions: { code: "CURSOR_EXPIRED", retentionDays: 7 } });
    await expect(feed.open(tenant, encodeFeedCursor(2))).rejects.toMatchObject({ extensions: { code: "CURSOR_EXPIRED" } });
    const live = await feed.open(tenant, encodeFeedCursor(3));
    expect((await live.next()).value.sequence).toBe(4);
    await live.return!();

    // Every event gone: the counter still tells an expired cursor from a current one.
    await StatusEventModel.deleteMany({ tenantId: tenant });
    await expect(feed.open(tenant, encodeFeedCursor(4))).rejects.toMatchObject({ extensions: { code: "CURSOR_EXPIRED" } });
    const current = await feed.open(tenant, encodeFeedCursor(5));
    await current.return!();
    expect(await log.head(tenant)).toBe(5);
    await bus.close();
  });

  it("answers CURSOR_EXPIRED over graphql-ws (statusEvents(after:))", async () => {
    const { apiKey, id: tenantId } = await gw.tenant("TEST", "retention");
    const bus = createFeedBus({ redisUrl: null, logger });
    const log = new EventLog({ bus, logger });
    for (let i = 0; i < 3; i++) await log.record(change(tenantId));
    await StatusEventModel.deleteMany({ tenantId, seq: { $lte: 2 } });
    const client = wsClient(gw.url, { authorization: `Bearer ${apiKey}` });
    try {
      const errors = await collect(client, "subscription($a: String) { statusEvents(after: $a) { cursor } }", { a: encodeFeedCursor(0) }, (d) => d).failed(10_000);
      expect(errors[0]?.extensions?.code).toBe("CURSOR_EXPIRED");
    } finally {
      await client.dispose();
      await bus.close();
    }
  });
});

describe("applyRetention on the embedded engine", () => {
  it("lets the engine's TTL sweep delete documents older than the retention, and only those", async () => {
    const engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null });
    const conn = await mongoose.createConnection(`${engine.uri}/retention`).asPromise();
    try {
      const model = conn.model("Logged", new Schema({ createdAt: Date, n: Number }));
      await applyRetention(model, "createdAt", 30);
      const now = Date.now();
      await model.insertMany([
        { n: 1, createdAt: new Date(now - 31 * DAY * 1000) },
        { n: 2, createdAt: new Date(now - 29 * DAY * 1000) },
        { n: 3, createdAt: new Date(now) },
      ]);
      expect(await engine.sweepTtl()).toBe(1);
      expect((await model.find({}).sort({ n: 1 }).lean()).map((d) => d.n)).toEqual([2, 3]);
    } finally {
      await conn.close();
      await engine.close();
    }
  });
});
