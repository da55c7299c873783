import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startReplicas, type Replicas } from "../../helpers/replicas.js";
import { TEST_ADMIN_TOKEN } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

const REDIS_URL = process.env.REDIS_URL ?? (process.env.CI ? "redis://127.0.0.1:6379" : undefined);
if (!REDIS_URL) console.warn("request-list-cache-replicas: REDIS_URL is not set, skipping the cross-replica list cache test");

/** Well under the cache's 60 s life: only an invalidation from the other replica explains a fresh answer. */
const DELIVERY_BOUND_MS = 5_000;

type Body = { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] };
type Node = { id: string; status: string; applicant: { lastName: string } | null };

describe.skipIf(!REDIS_URL)("the request-list cache across two gateway replicas sharing one database and Redis", () => {
  let running: Replicas | undefined;
  let a: string;
  let b: string;
  let key: string;

  const gql = async (url: string, query: string, variables: Record<string, unknown>, bearer: string): Promise<Body> => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Body;
  };
  const list = async (url: string, bearer = key): Promise<Node[]> => {
    const body = await gql(url, "{ signatureRequests(first: 50) { edges { node { id status applicant { lastName } } } } }", {}, bearer);
    expect(body.errors).toBeUndefined();
    return (body.data!.signatureRequests as { edges: { node: Node }[] }).edges.map((e) => e.node);
  };
  const place = async (url: string, input: Record<string, unknown>, bearer = key): Promise<string> => {
    const body = await gql(url, PLACE_ORDER, { input, key: randomUUID() }, bearer);
    expect(body.errors).toBeUndefined();
    return (body.data!.placeOrder as { id: string }).id;
  };

  beforeAll(async () => {
    running = await startReplicas(2, REDIS_URL!, "fgw_listcache");
    [a, b] = running.urls as [string, string];
    const created = await gql(a, `mutation { createTenant(input: { name: "lists", mode: TEST }) { apiKey } }`, {}, TEST_ADMIN_TOKEN);
    key = (created.data!.createTenant as { apiKey: string }).apiKey;
    expect(await sandboxPut(a, key, "_wallet", { balance: 1_000_000 })).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await running?.close();
  });

  it("shows on one replica, within the bus's delivery, the orders and changes written through the other", async () => {
    const first = await place(a, { productCode: "KIT", signature: { applicant: applicantInput({ lastName: "Primo" }) } });
    // B reads, and keeps, the one-request page; A reads its own write at once.
    expect((await list(b)).map((n) => n.id)).toEqual([first]);
    const second = await place(a, { productCode: "LETTORE", device: { recipient: recipientInput() } });
    expect((await list(a)).map((n) => n.id)).toEqual([second, first]);
    await vi.waitFor(async () => expect((await list(b)).map((n) => n.id)).toEqual([second, first]), { timeout: DELIVERY_BOUND_MS, interval: 50 });

    // A status change stored by A (the sandbox's callbacks reach A's status tracker).
    expect((await gql(a, "mutation { advanceSandboxClock(seconds: 2592000) { now } }", {}, key)).errors).toBeUndefined();
    const onA = await list(a);
    expect(onA.map((n) => n.status)).not.toEqual(["IN_REGISTRAZIONE", "IN_REGISTRAZIONE"]);
    await vi.waitFor(async () => expect(await list(b)).toEqual(onA), { timeout: DELIVERY_BOUND_MS, interval: 50 });
  }, 60_000);

  it("keeps a session subject's list to its own requests on either replica", async () => {
    const minted = await gql(a, `mutation { createSessionToken(subject: "carla", scopes: [REQUESTS_READ, ORDERS_WRITE]) { token } }`, {}, key);
    expect(minted.errors).toBeUndefined();
    const token = (minted.data!.createSessionToken as { token: string }).token;
    // Both replicas keep Carla's empty page, and A the secret key's.
    for (const url of [a, b]) expect(await list(url, token)).toEqual([]);
    const everyone = await list(a);
    expect(everyone.length).toBeGreaterThan(0);
    const own = await place(b, { productCode: "LETTORE", device: { recipient: recipientInput() } }, token);
    expect((await list(b, token)).map((n) => n.id)).toEqual([own]);
    await vi.waitFor(async () => expect((await list(a, token)).map((n) => n.id)).toEqual([own]), { timeout: DELIVERY_BOUND_MS, interval: 50 });
    await vi.waitFor(async () => expect((await list(a)).map((n) => n.id)).toEqual([own, ...everyone.map((n) => n.id)]), { timeout: DELIVERY_BOUND_MS, interval: 50 });
  }, 60_000);
});
