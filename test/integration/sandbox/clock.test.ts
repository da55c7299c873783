import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine, type EmbeddedEngine } from "../../../src/db/embedded/index.js";
import { validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { planStages } from "../../helpers/engine.js";
import { startCallbackListener, startSandboxApp, type CallbackListener } from "../../helpers/sandbox-app.js";

type Req = { id: string; stato: string; codice_richiesta: string };

const NOW = new Date("2026-06-10T08:00:00Z");

let engine: EmbeddedEngine;
let hooks: CallbackListener;
beforeAll(async () => {
  engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null });
  hooks = await startCallbackListener();
});
afterAll(async () => {
  await hooks.close();
  await engine.close();
});

describe("sandbox clock", () => {
  it("shows now and the offset in the envelope, and moves forward by whole seconds", async () => {
    const app = await startSandboxApp({ now: () => NOW }, { engine, dbName: "clock_basic" });
    try {
      const { key } = app.tenant();
      const before = await app.call<{ now: string; offset_seconds: number }>("GET", "/_clock", { key });
      expect(before.json).toMatchObject({ success: true, error: null, data: { now: NOW.toISOString(), offset_seconds: 0 } });
      const moved = await app.call<{ now: string; offset_seconds: number; transitions: number }>("POST", "/_clock/advance", {
        key,
        body: { seconds: 3600 },
      });
      expect(moved.json.data).toEqual({ now: "2026-06-10T09:00:00.000Z", offset_seconds: 3600, transitions: 0 });
      const other = app.tenant();
      const theirs = await app.call<{ offset_seconds: number }>("GET", "/_clock", { key: other.key });
      expect(theirs.json.data.offset_seconds).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("refuses advances that are not a positive whole number of seconds up to ten years", async () => {
    const app = await startSandboxApp({ now: () => NOW }, { engine, dbName: "clock_invalid" });
    try {
      const { key } = app.tenant();
      for (const seconds of [0, -5, 1.5, "10", null, 10 * 366 * 24 * 3600 + 1]) {
        const res = await app.call("POST", "/_clock/advance", { key, body: { seconds } });
        expect([res.status, res.json.success, res.json.error]).toEqual([400, false, 400]);
      }
      const clock = await app.call<{ offset_seconds: number }>("GET", "/_clock", { key });
      expect(clock.json.data.offset_seconds).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("lets real time move the clock: the ticker applies due steps and sends their callbacks", async () => {
    let real = NOW;
    const app = await startSandboxApp({ now: () => real, tickMs: 20 }, { engine, dbName: "clock_ticker" });
    try {
      const { key } = app.tenant();
      const body = { ...validOrderBody("video"), urgenza: false, callback: validCallback(hooks.url) };
      const req = (await app.call<Req>("POST", "/richiesta/FIRREM_VIDEO", { key, body })).json.data;
      // Three real hours pass (10:00 → 13:00 Rome): the 2-business-hour video call is over.
      real = new Date(NOW.getTime() + 3 * 3600_000);
      const got = await hooks.waitFor(hooks.received.filter((c) => c.request.codice_richiesta === req.codice_richiesta).length + 1);
      expect(got.some((c) => c.request.codice_richiesta === req.codice_richiesta && c.request.stato === "evasa")).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("finds due requests through the index on (tenantId, nextAt)", async () => {
    const app = await startSandboxApp({ now: () => NOW }, { engine, dbName: "clock_index" });
    try {
      const { key, id } = app.tenant();
      await app.call("POST", "/richiesta/LETTORE", { key, body: validOrderBody("lettore") });
      const plan = await app.connection
        .collection("sandbox_requests")
        .find({ tenantId: id, nextAt: { $ne: null, $lte: new Date(NOW.getTime() + 86_400_000) } })
        .sort({ nextAt: 1 })
        .explain();
      expect(planStages(plan.queryPlanner?.winningPlan)).toContain("IXSCAN");
    } finally {
      await app.close();
    }
  });

  it("keeps requests, wallet, clock and callback log across a restart", async () => {
    const first = await startSandboxApp({ now: () => NOW }, { engine, dbName: "clock_restart" });
    const tenant = first.tenant();
    let req: Req;
    try {
      const body = { ...validOrderBody("lettore"), callback: validCallback(hooks.url) };
      req = (await first.call<Req>("POST", "/richiesta/LETTORE", { key: tenant.key, body })).json.data;
      await first.call("POST", "/_clock/advance", { key: tenant.key, body: { seconds: 60 } });
    } finally {
      await first.close();
    }
    const second = await startSandboxApp({ now: () => NOW }, { engine, dbName: "clock_restart" });
    try {
      second.register(tenant);
      const key = tenant.key;
      const got = await second.call<Req>("GET", `/richiesta/${req.id}`, { key });
      expect(got.json.data).toMatchObject({ id: req.id, stato: "in_lavorazione" });
      const wallet = await second.call<{ balance: number }>("GET", "/_wallet", { key });
      // LETTORE costs 13.00 a piece; the fixture orders two.
      expect(wallet.json.data.balance).toBeCloseTo(1000 - 2 * 13, 2);
      const clock = await second.call<{ offset_seconds: number }>("GET", "/_clock", { key });
      expect(clock.json.data.offset_seconds).toBe(60);
      const log = await second.call<{ stato: string; state: string }[]>("GET", `/_callbacks?id=${req.id}`, { key });
      expect(log.json.data.map((d) => [d.stato, d.state])).toEqual([["in_lavorazione", "delivered"]]);
    } finally {
      await second.close();
    }
  });
});
