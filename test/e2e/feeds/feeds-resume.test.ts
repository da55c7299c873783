import { randomUUID } from "node:crypto";
import { Types } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { encodeFeedCursor } from "../../../src/services/events.service.js";
import { collect, STATUS_EVENTS, wsClient, type FeedEvent } from "./feed-client.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

const READERS = 40; // two events each: placed (IN_LAVORAZIONE), then shipped (EVASA) on the clock advance
const RENEWALS = 30; // one event each: issued at once (EVASA)
const TOTAL = READERS * 2 + RENEWALS;

describe("statusEvents resumed from a cursor", () => {
  let gw: TestGateway;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    ({ apiKey: key, id: tenantId } = await gw.tenant("TEST", "reseller"));
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
  });
  afterAll(async () => {
    await gw?.close();
  });

  const generate = async () => {
    const inputs = [
      ...Array.from({ length: READERS }, () => ({ productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 1 } })),
      ...Array.from({ length: RENEWALS }, () => ({ productCode: "RINFIR", renewal: { assistance: false } })),
    ];
    let next = 0;
    const lane = async () => {
      while (next < inputs.length) {
        const res = await gw.graphql(PLACE_ORDER, { input: inputs[next++], key: randomUUID() }, key);
        expect(res.body.errors).toBeUndefined();
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    const advanced = await gw.graphql("mutation { advanceSandboxClock(seconds: 5184000) { now } }", {}, key);
    expect(advanced.body.errors).toBeUndefined();
  };

  it(`reconnecting after every event with the last cursor, ${TOTAL} times while events are written, yields the event log exactly`, async () => {
    const generating = generate();
    const received: FeedEvent[] = [];
    let cursor = encodeFeedCursor(0);
    while (received.length < TOTAL) {
      // A new connection each time: the client disconnects after each event.
      const client = wsClient(gw.url, { authorization: `Bearer ${key}` });
      const feed = collect(client, STATUS_EVENTS, { after: cursor }, (d) => d.statusEvents as FeedEvent);
      const [event] = await feed.waitFor(1);
      await client.dispose();
      received.push(event!);
      cursor = event!.cursor;
    }
    await generating;

    const log = await gw.db.connection
      .db!.collection("statusevents")
      .find({ tenantId: new Types.ObjectId(tenantId) })
      .sort({ seq: 1 })
      .toArray();
    expect(log).toHaveLength(TOTAL);
    expect(received.map((e) => [e.sequence, e.requestId, e.from, e.to, e.source])).toEqual(
      log.map((row) => [row.seq, String(row.requestId), row.from, row.to, row.source]),
    );
    expect(received.map((e) => e.sequence)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  });
});
