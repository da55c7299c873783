import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { startCallbackListener, startSandboxApp, type CallbackListener, type SandboxApp } from "../../helpers/sandbox-app.js";

let app: SandboxApp;
let hooks: CallbackListener;
beforeAll(async () => {
  app = await startSandboxApp({ now: () => new Date("2026-06-10T08:00:00Z") });
  hooks = await startCallbackListener();
});
afterAll(async () => {
  await app.close();
  await hooks.close();
});

describe("sandbox fault injection", () => {
  it("answers 503 with the envelope at error_rate 1, for that key only, and never on control endpoints", async () => {
    const a = app.tenant();
    const b = app.tenant();
    const set = await app.call("PUT", "/_faults", { key: a.key, body: { error_rate: 1 } });
    expect(set.json.data).toEqual({ error_rate: 1, timeout_rate: 0, drop_callbacks: false, spid_sold_out: false });
    const failed = await app.call("POST", "/richiesta/RINFIR", { key: a.key, body: validOrderBody("rinnovo") });
    expect([failed.status, failed.json.success, failed.json.error]).toEqual([503, false, 503]);
    expect((await app.call("GET", "/prodotti", { key: b.key })).status).toBe(200);
    expect((await app.call("GET", "/_clock", { key: a.key })).status).toBe(200);
    expect((await app.call("GET", "/_wallet", { key: a.key })).json.data).toEqual({ balance: 1000, currency: "EUR" });
    await app.call("PUT", "/_faults", { key: a.key, body: { error_rate: 0 } });
    const none = await app.call("GET", "/richiesta", { key: a.key });
    expect([none.status, none.json.error]).toEqual([404, 214]);
  });

  it("withholds the answer at timeout_rate 1 while still processing the call", async () => {
    const { key } = app.tenant();
    await app.call("PUT", "/_faults", { key, body: { timeout_rate: 1 } });
    const call = app.call("POST", "/richiesta/RINFIR", { key, body: validOrderBody("rinnovo"), signal: AbortSignal.timeout(300) });
    await expect(call).rejects.toMatchObject({ name: "TimeoutError" });
    await app.call("PUT", "/_faults", { key, body: { timeout_rate: 0 } });
    const list = await app.call<{ stato: string }[]>("GET", "/richiesta", { key });
    expect(list.json.data.map((r) => r.stato)).toEqual(["evasa"]);
  });

  it("drops callbacks with drop_callbacks, logging them as dropped", async () => {
    const { key } = app.tenant();
    await app.call("PUT", "/_faults", { key, body: { drop_callbacks: true } });
    const before = hooks.received.length;
    const res = await app.call<{ id: string }>("POST", "/richiesta/RINFIR", { key, body: { assistenza: true, callback: validCallback(hooks.url) } });
    expect(hooks.received.length).toBe(before);
    const log = await app.call<{ state: string; reason: string }[]>("GET", `/_callbacks?id=${res.json.data.id}`, { key });
    expect(log.json.data.map((d) => d.state)).toEqual(["dropped"]);
  });

  it("refuses invalid fault settings with 400 and keeps the previous ones", async () => {
    const { key } = app.tenant();
    for (const body of [{ error_rate: 2 }, { timeout_rate: -0.1 }, { drop_callbacks: "yes" }, { nope: 1 }, { error_rate: 0.7, timeout_rate: 0.7 }, []]) {
      const res = await app.call("PUT", "/_faults", { key, body });
      expect([res.status, res.json.error]).toEqual([400, 400]);
    }
    expect((await app.call("GET", "/_faults", { key })).json.data).toEqual({ error_rate: 0, timeout_rate: 0, drop_callbacks: false, spid_sold_out: false });
  });
});
