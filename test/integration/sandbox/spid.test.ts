import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxApp, type SandboxApp } from "../../helpers/sandbox-app.js";

let app: SandboxApp;
beforeAll(async () => {
  app = await startSandboxApp();
});
afterAll(async () => {
  await app.close();
});

describe("sandbox GET /spid_personale", () => {
  it("lists SPID_PER among the products (all 26)", async () => {
    const { key } = app.tenant();
    const products = (await app.call<{ codice_prodotto: string; prezzo: number }[]>("GET", "/prodotti", { key })).json.data;
    expect(products).toHaveLength(26);
    expect(products.find((p) => p.codice_prodotto === "SPID_PER")).toMatchObject({ prezzo: 14.2, tipo: "Namirial" });
  });

  it("debits 14.20 and answers a voucher URL (checked against the spec)", async () => {
    const { key } = app.tenant();
    const res = await app.call<{ url: string }>("GET", "/spid_personale", { key });
    expect(res.status).toBe(200);
    expect(res.json.data.url).toMatch(/^https:\/\/onboarding\.sandbox\.invalid\/wizard\/userSelfRegistration\?voucher=sbx-/);
    expect((await app.call<{ balance: number }>("GET", "/_wallet", { key })).json.data.balance).toBe(985.8);
  });

  it("answers 402/801 with the balance when the wallet cannot pay", async () => {
    const { key } = app.tenant();
    await app.call("PUT", "/_wallet", { key, body: { balance: 10.5 } });
    const res = await app.call("GET", "/spid_personale", { key });
    expect(res.status).toBe(402);
    expect(res.json).toEqual({ data: null, success: false, message: "Insufficient Credit in Wallet: 10.50", error: 801 });
  });

  it("answers 422/800 sold out with the spid_sold_out fault, debiting nothing", async () => {
    const { key } = app.tenant();
    expect((await app.call("PUT", "/_faults", { key, body: { spid_sold_out: true } })).status).toBe(200);
    const res = await app.call("GET", "/spid_personale", { key });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({ data: null, success: false, message: "spid personale sold out", error: 800 });
    expect((await app.call<{ balance: number }>("GET", "/_wallet", { key })).json.data.balance).toBe(1000);
  });
});
