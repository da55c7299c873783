import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { sandboxPut, sandboxRequests } from "../../helpers/hardening.js";

const UPSTREAM_TIMEOUT_MS = 200;
const PLACE = "mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }";
const INPUT = { productCode: "RINFIR", renewal: { assistance: true } };

describe("placeOrder retried while the order never reached upstream", () => {
  let gw: TestGateway;
  let key: string;
  const place = async (idem: string) => {
    const res = await gw.graphql<{ placeOrder: { id: string; status: string } }>(PLACE, { input: INPUT, key: idem }, key);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.placeOrder;
  };
  const upstreamCopies = async (id: string) => (await sandboxRequests(gw.url, key)).filter((r) => r.callback?.data?.gatewayRequestId === id).length;

  beforeAll(async () => {
    // The reconciler stays out of the way (60 s interval): only the client's retries act here.
    gw = await startTestGateway({}, { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
    key = (await gw.tenant("TEST", "resubmit")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    await gw.graphql("{ products { code } }", {}, key);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("answers SUBMITTING without sending again within the lease, then sends it exactly once for 10 concurrent retries", async () => {
    const idem = `resubmit-${randomUUID()}`;
    // Every call answers 503 before doing anything: upstream never sees the order.
    expect(await sandboxPut(gw.url, key, "_faults", { error_rate: 1 })).toBe(200);
    const first = await place(idem);
    expect(first.status).toBe("SUBMITTING");
    expect(await sandboxPut(gw.url, key, "_faults", { error_rate: 0 })).toBe(200);
    expect(await place(idem)).toEqual(first);
    expect(await upstreamCopies(first.id)).toBe(0);

    await new Promise((r) => setTimeout(r, 2 * UPSTREAM_TIMEOUT_MS + 100));
    const retries = await Promise.all(Array.from({ length: 10 }, () => place(idem)));
    expect(new Set(retries.map((r) => r.id))).toEqual(new Set([first.id]));
    expect(retries.some((r) => r.status === "EVASA")).toBe(true);
    expect(await upstreamCopies(first.id)).toBe(1);
    expect(await place(idem)).toMatchObject({ id: first.id, status: "EVASA" });
  });
});
