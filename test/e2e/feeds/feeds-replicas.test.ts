import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReplicas, type Replicas } from "../../helpers/replicas.js";
import { TEST_ADMIN_TOKEN } from "../../helpers/gateway.js";
import { PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { collect, REQUEST_UPDATED, STATUS_EVENTS, wsClient, type FeedEvent } from "./feed-client.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

const REDIS_URL = process.env.REDIS_URL ?? (process.env.CI ? "redis://127.0.0.1:6379" : undefined);
if (!REDIS_URL) console.warn("feeds-replicas: REDIS_URL is not set, skipping the cross-replica fan-out test");

describe.skipIf(!REDIS_URL)("status feeds across two gateway replicas sharing one database and Redis", () => {
  let running: Replicas | undefined;
  const replicas: { url: string }[] = [];

  const gql = async <T>(url: string, query: string, variables: Record<string, unknown>, bearer: string) => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data!;
  };

  beforeAll(async () => {
    running = await startReplicas(2, REDIS_URL!, "fgw_feeds");
    replicas.push(...running.urls.map((url) => ({ url })));
  }, 90_000);
  afterAll(async () => {
    await running?.close();
  });

  it("delivers an event caused through replica A to a subscriber on replica B", async () => {
    const [a, b] = replicas;
    const created = await gql<{ createTenant: { apiKey: string } }>(a!.url, "mutation { createTenant(input: { name: \"reseller\", mode: TEST }) { apiKey } }", {}, TEST_ADMIN_TOKEN);
    const key = created.createTenant.apiKey;
    expect(await sandboxPut(a!.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);

    // A card reader is IN_LAVORAZIONE once placed, and EVASA after the sandbox clock moves on.
    const placed = await gql<{ placeOrder: { id: string } }>(a!.url, PLACE_ORDER, { input: { productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 1 } }, key: randomUUID() }, key);
    const id = placed.placeOrder.id;

    const client = wsClient(b!.url, { authorization: `Bearer ${key}` });
    const updates = collect(client, REQUEST_UPDATED, { id }, (d) => d.signatureRequestUpdated as { id: string; status: string });
    // The first notice (current state) shows B's subscription is live before A causes the change.
    expect((await updates.waitFor(1))[0]).toMatchObject({ id, status: "IN_LAVORAZIONE" });
    const feed = collect(client, STATUS_EVENTS, { after: null }, (d) => d.statusEvents as FeedEvent);

    await gql(a!.url, "mutation { advanceSandboxClock(seconds: 5184000) { now } }", {}, key);
    expect((await updates.waitFor(2))[1]).toMatchObject({ id, status: "EVASA" });
    await client.dispose();
    // B's process caused nothing: the only way it learnt of the change is Redis.
    expect(updates.items).toHaveLength(2);
    expect(feed.items.every((e) => e.requestId === id && e.to === "EVASA")).toBe(true);
  });
});
