import { Types } from "mongoose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { createFeedBus, STATUS_EVENT_TOPIC, type FeedBus, type FeedMessage } from "../../../src/pubsub/index.js";
import { decodeFeedCursor, encodeFeedCursor, EventLog, FeedService, type StatusEventView } from "../../../src/services/events.service.js";
import { FeedCounterModel } from "../../../src/models/index.js";
import type { StatusChangeNotice } from "../../../src/services/status-tracker.service.js";

const logger = pino({ level: "silent" });

/** A bus that loses the messages whose sequence is in `lost` (as a Redis blip would). */
function lossyBus(lost: Set<number>): FeedBus {
  const bus = createFeedBus({ redisUrl: null, logger });
  const publish = bus.pubSub.publish.bind(bus.pubSub) as (topic: string, id: string, message: FeedMessage) => void;
  return {
    ...bus,
    pubSub: {
      ...bus.pubSub,
      publish: ((topic: string, id: string, message: FeedMessage) => {
        if (!lost.has(message.seq)) publish(topic, id, message);
      }) as FeedBus["pubSub"]["publish"],
    },
  };
}

let clock = Date.parse("2026-01-01T00:00:00Z");
function change(tenantId: string, over: Partial<StatusChangeNotice> = {}): StatusChangeNotice {
  return { requestId: new Types.ObjectId().toHexString(), tenantId, from: "IN_LAVORAZIONE", to: "EVASA", at: new Date(clock++), source: "POLL", ...over };
}

async function take(feed: AsyncIterator<StatusEventView>, n: number): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs.length < n) {
    const next = await feed.next();
    if (next.done) break;
    seqs.push(next.value.sequence);
  }
  return seqs;
}

describe("EventLog and FeedService", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("numbers each tenant's events from 1 and stores a repeated change once", async () => {
    const log = new EventLog({ bus: createFeedBus({ redisUrl: null, logger }), logger });
    const a = new Types.ObjectId().toHexString();
    const b = new Types.ObjectId().toHexString();
    const first = change(a);
    expect((await log.record(first))!.sequence).toBe(1);
    expect(await log.record(first)).toBeNull();
    expect((await log.record(change(b)))!.sequence).toBe(1);
    expect((await log.record(change(a)))!.sequence).toBe(2);
    expect(await log.head(a)).toBe(2);
    expect((await log.readAfter(a, 0, 10)).map((e) => e.sequence)).toEqual([1, 2]);
    expect(decodeFeedCursor(encodeFeedCursor(41))).toBe(41);
    expect(() => decodeFeedCursor("c2VxOi0x")).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }));
  });

  it("fills live gaps (messages the bus lost) from the log, in order and without duplicates", async () => {
    const lost = new Set([3, 4, 7]);
    const bus = lossyBus(lost);
    const log = new EventLog({ bus, logger });
    const tenant = new Types.ObjectId().toHexString();
    const feed = await new FeedService(log, bus).open(tenant, null);
    const reading = take(feed, 10);
    for (let i = 0; i < 10; i++) await log.record(change(tenant));
    expect(await reading).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await feed.return!();
  });

  it("catches up a consumer that fell further behind than its buffer", async () => {
    const bus = createFeedBus({ redisUrl: null, logger });
    const log = new EventLog({ bus, logger });
    const tenant = new Types.ObjectId().toHexString();
    const feed = await new FeedService(log, bus).open(tenant, encodeFeedCursor(0));
    const firstRead = await Promise.all([take(feed, 1), log.record(change(tenant))]);
    expect(firstRead[0]).toEqual([1]);
    // 300 events while nobody reads: the listener's buffer keeps the newest 256.
    for (let i = 0; i < 300; i++) await log.record(change(tenant));
    expect(await take(feed, 300)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    await feed.return!();
  });

  it("skips a number whose writer died once the grace period has passed, live and in replay", async () => {
    const bus = createFeedBus({ redisUrl: null, logger });
    const log = new EventLog({ bus, logger, holeGraceMs: 50 });
    const service = new FeedService(log, bus);
    const tenant = new Types.ObjectId().toHexString();
    const feed = await service.open(tenant, null);
    const reading = take(feed, 3);
    await log.record(change(tenant));
    // A writer took number 2 and died before storing its event.
    await FeedCounterModel.updateOne({ _id: tenant }, { $inc: { seq: 1 } });
    await log.record(change(tenant));
    await log.record(change(tenant));
    expect(await reading).toEqual([1, 3, 4]);
    await feed.return!();
    const replay = await service.open(tenant, encodeFeedCursor(0));
    const replayed = take(replay, 3);
    expect(await replayed).toEqual([1, 3, 4]);
    await replay.return!();
  });

  it("stops listening as soon as the consumer returns, even while waiting for an event", async () => {
    const bus = createFeedBus({ redisUrl: null, logger });
    const log = new EventLog({ bus, logger });
    const tenant = new Types.ObjectId().toHexString();
    const feed = await new FeedService(log, bus).open(tenant, null);
    const pending = feed.next();
    await feed.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    // Nothing is delivered to a returned feed.
    bus.pubSub.publish(STATUS_EVENT_TOPIC, tenant, { id: "x", tenantId: tenant, seq: 1, requestId: "r", from: "IN_LAVORAZIONE", to: "EVASA", at: new Date().toISOString(), source: "POLL" });
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });
});
