import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { STATUS_EVENTS, collect, wsClient } from "../feeds/feed-client.js";

const PRODUCTS = "{ products { code name price { amountCents currency } } }";
/** Ten aliased `products`: 510 points. */
const TEN_PRODUCTS = `{ ${Array.from({ length: 10 }, (_, i) => `p${i}: products { code name price { amountCents currency } }`).join(" ")} }`;

type Cost = { requestedQueryCost: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null };

async function post(gw: TestGateway, query: string, key: string) {
  const res = await fetch(`${gw.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }>; extensions?: { cost?: Cost } };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), codes: (body.errors ?? []).map((e) => e.extensions?.code), body };
}

// 1,000 points a key, restored at one a minute: nothing refills during the test.
describe("rate limits by query cost over HTTP and WebSocket", () => {
  let gw: TestGateway;
  let tenant: { id: string; apiKey: string };
  beforeAll(async () => {
    gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BUCKET: "1000" });
    tenant = await gw.tenant("TEST", "costly");
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("reports extensions.cost on every answer, then refuses past the budget with 429 and Retry-After", async () => {
    const first = await post(gw, PRODUCTS, tenant.apiKey);
    expect(first.codes).toEqual([]);
    expect(first.body.extensions?.cost).toEqual({
      requestedQueryCost: 51,
      throttleStatus: { maximumAvailable: 1_000, currentlyAvailable: 949, restoreRate: 0.017 },
    });
    expect((await post(gw, TEN_PRODUCTS, tenant.apiKey)).body.extensions?.cost?.throttleStatus?.currentlyAvailable).toBe(439);
    const refused = await post(gw, TEN_PRODUCTS, tenant.apiKey);
    expect(refused.status).toBe(429);
    expect(refused.codes).toEqual(["RATE_LIMITED"]);
    expect(refused.body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.body.extensions?.cost).toMatchObject({ requestedQueryCost: 510, throttleStatus: { currentlyAvailable: 439 } });
  });

  it("keeps another key of the same tenant on its own budget", async () => {
    // A second key of the tenant: its own bucket, under the tenant's (default 4,000-point) ceiling.
    const other = await gw.tenant("TEST", "other");
    expect((await post(gw, TEN_PRODUCTS, other.apiKey)).codes).toEqual([]);
  });

  it("charges subscriptions over WebSocket when they start, and refuses them past the budget", async () => {
    // Drain the key: whatever is left goes in 51- then 1-point operations.
    for (const query of [PRODUCTS, "{ viewer { tenant { id } } }"]) {
      while ((await post(gw, query, tenant.apiKey)).codes.length === 0);
    }
    const client = wsClient(gw.url, { authorization: `Bearer ${tenant.apiKey}` });
    try {
      const sub = collect(client, STATUS_EVENTS, {}, (d) => d);
      const errors = await sub.failed();
      expect(errors.map((e) => e.extensions?.code)).toEqual(["RATE_LIMITED"]);
      sub.stop();
    } finally {
      await client.dispose();
    }
  });

  it("limits the sandbox's REST API with the same budget, one point a call", async () => {
    // The drained bucket may still hold the odd point the last operation could not use.
    const statuses: number[] = [];
    let res: Response;
    do {
      res = await fetch(`${gw.url}/sandbox/_wallet`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      await res.arrayBuffer();
      statuses.push(res.status);
    } while (res.status === 200 && statuses.length < 5);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("RATE_LIMIT=off", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ RATE_LIMIT: "off", RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BUCKET: "1000", ORDER_RATE_LIMIT_PER_MINUTE: "1" });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("throttles nothing, and answers still carry their cost without a throttle status", async () => {
    const { apiKey } = await gw.tenant("TEST", "unlimited");
    for (let i = 0; i < 4; i++) {
      const res = await post(gw, TEN_PRODUCTS, apiKey);
      expect(res.codes).toEqual([]);
      expect(res.body.extensions?.cost).toEqual({ requestedQueryCost: 510, throttleStatus: null });
    }
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${gw.url}/sandbox/_wallet`, { headers: { authorization: `Bearer ${apiKey}` } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    }
  });
});
