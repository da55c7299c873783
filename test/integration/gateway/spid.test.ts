import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { SpidVoucherModel } from "../../../src/models/index.js";

let gw: TestGateway;
beforeAll(async () => {
  // The sandbox withholds answers chosen by timeout_rate for longer than the gateway waits.
  gw = await startTestGateway({}, { upstreamTimeoutMs: 300, sandboxFaultHoldMs: 5_000 });
});
afterAll(async () => {
  await gw.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers, checked by the assertions
type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };

const BUY = `mutation($key: String!) { buySpidVoucher(idempotencyKey: $key) { id status productCode price { amountCents currency } voucherUrl expiresAt failure { code message } } }`;

async function gql(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await gw.graphql(query, variables, key)).body as Gql;
}

async function balance(key: string): Promise<number> {
  return (await gql(key, "{ sandbox { wallet { amountCents } } }")).data!.sandbox.wallet.amountCents as number;
}

describe("SPID_PER in the catalogue", () => {
  it("lists SPID_PER under family SPID, not orderable through placeOrder", async () => {
    const { apiKey: key } = await gw.tenant();
    const res = await gql(key, `{ products(filter: { family: SPID }) { code name authority family price { amountCents currency } requires } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.products).toEqual([{ code: "SPID_PER", name: "Spid Personale", authority: "NAMIRIAL", family: "SPID", price: { amountCents: 1420, currency: "EUR" }, requires: [] }]);
    const order = await gql(key, `mutation($key: String!) { placeOrder(input: { productCode: "SPID_PER" }, idempotencyKey: $key) { id } }`, { key: randomUUID() });
    expect(order.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  });
});

describe("buySpidVoucher", () => {
  it("buys a voucher once per idempotency key, stores its URL encrypted and lists it", async () => {
    const { apiKey: key, id: tenantId } = await gw.tenant();
    const idem = randomUUID();
    const first = (await gql(key, BUY, { key: idem })).data!.buySpidVoucher;
    expect(first).toMatchObject({ status: "ISSUED", productCode: "SPID_PER", price: { amountCents: 1420, currency: "EUR" }, failure: null });
    expect(first.voucherUrl).toMatch(/voucher=sbx-/);
    expect(Date.parse(first.expiresAt)).toBeGreaterThan(Date.now() + 360 * 24 * 3600_000);
    const again = (await gql(key, BUY, { key: idem })).data!.buySpidVoucher;
    expect(again.id).toBe(first.id);
    expect(await balance(key)).toBe(100_000 - 1420);
    const stored = await SpidVoucherModel.findById(first.id).lean();
    expect(String(stored!.tenantId)).toBe(tenantId);
    expect(stored!.voucherUrlEncrypted).not.toContain("voucher=");
    const list = (await gql(key, "{ spidVouchers { id status voucherUrl } }")).data!.spidVouchers;
    expect(list).toEqual([{ id: first.id, status: "ISSUED", voucherUrl: first.voucherUrl }]);
    expect((await gql(key, `{ spidVoucher(id: "${first.id}") { id } }`)).data!.spidVoucher.id).toBe(first.id);
    const other = (await gw.tenant()).apiKey;
    expect((await gql(other, `{ spidVoucher(id: "${first.id}") { id } }`)).errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });

  it("records upstream's refusals: 801 without credit, 800 sold out", async () => {
    const { apiKey: key } = await gw.tenant();
    await gql(key, "mutation { setSandboxWallet(balanceCents: 1000) { amountCents } }");
    const poor = (await gql(key, BUY, { key: randomUUID() })).data!.buySpidVoucher;
    expect(poor).toMatchObject({ status: "REJECTED", voucherUrl: null, failure: { code: "801" } });
    await gql(key, "mutation { setSandboxWallet(balanceCents: 100000) { amountCents } }");
    await gql(key, "mutation { setSandboxFaults(input: { spidSoldOut: true }) { spidSoldOut } }");
    const soldOut = (await gql(key, BUY, { key: randomUUID() })).data!.buySpidVoucher;
    expect(soldOut).toMatchObject({ status: "REJECTED", failure: { code: "800", message: "spid personale sold out" } });
    expect(await balance(key)).toBe(100_000);
  });

  it("reports a lost answer as OUTCOME_UNKNOWN after exactly one call, and never calls again for that key", async () => {
    const { apiKey: key } = await gw.tenant();
    await gql(key, "mutation { setSandboxFaults(input: { timeoutRate: 1 }) { timeoutRate } }");
    const idem = randomUUID();
    const lost = (await gql(key, BUY, { key: idem })).data!.buySpidVoucher;
    expect(lost).toMatchObject({ status: "OUTCOME_UNKNOWN", voucherUrl: null, failure: { code: "TIMEOUT" } });
    await gql(key, "mutation { setSandboxFaults(input: { timeoutRate: 0 }) { timeoutRate } }");
    // The sandbox did sell one voucher: exactly one, the client did not retry the GET.
    expect(await balance(key)).toBe(100_000 - 1420);
    expect((await gql(key, BUY, { key: idem })).data!.buySpidVoucher).toMatchObject({ id: lost.id, status: "OUTCOME_UNKNOWN" });
    expect(await balance(key)).toBe(100_000 - 1420);
  });

  it("refuses a bad idempotency key with BAD_USER_INPUT, storing nothing", async () => {
    const { apiKey: key } = await gw.tenant();
    for (const bad of ["", "x".repeat(201), "key\u0000with-nul"]) {
      const res = await gql(key, BUY, { key: bad });
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "idempotencyKey" }] });
    }
    expect((await gql(key, "{ spidVouchers { id } }")).data!.spidVouchers).toEqual([]);
  });

  it("refuses a live tenant without an Openapi token with FORBIDDEN, storing nothing", async () => {
    const { apiKey: key } = await gw.tenant("LIVE");
    const res = await gql(key, BUY, { key: randomUUID() });
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect((await gql(key, "{ spidVouchers { id } }")).data!.spidVouchers).toEqual([]);
  });
});

describe("an interrupted SPID purchase", () => {
  it("is reported OUTCOME_UNKNOWN (INTERRUPTED) on the next call with its key, never sent again", async () => {
    const { apiKey: key, id: tenantId } = await gw.tenant();
    const idem = randomUUID();
    // What a process that stopped between storing the intent and storing upstream's answer leaves.
    await SpidVoucherModel.create({ tenantId, mode: "TEST", idempotencyKey: idem, productCode: "SPID_PER", priceCents: 1420, currency: "EUR", status: "PENDING", createdAt: new Date(Date.now() - 3600_000) });
    const res = (await gql(key, BUY, { key: idem })).data!.buySpidVoucher;
    expect(res).toMatchObject({ status: "OUTCOME_UNKNOWN", failure: { code: "INTERRUPTED" } });
    expect(await balance(key)).toBe(100_000);
  });
});
