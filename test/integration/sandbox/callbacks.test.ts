import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { startCallbackListener, startSandboxApp, type CallbackListener, type SandboxApp } from "../../helpers/sandbox-app.js";

type Delivery = { state: string; stato: string; attempts: { status: number | null; error: string | null }[]; body: string; method: string };

const NOW = new Date("2026-06-10T08:00:00Z");

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

let app: SandboxApp;
let hooks: CallbackListener;
beforeAll(async () => {
  app = await startSandboxApp({ now: () => NOW, callbackTimeoutMs: 300, callbackRetries: 2, callbackBackoffMs: 30 });
  hooks = await startCallbackListener();
});
afterAll(async () => {
  await app.close();
  await hooks.close();
});

async function renewal(key: string, callback: Record<string, unknown>): Promise<string> {
  const res = await app.call<{ id: string }>("POST", "/richiesta/RINFIR", { key, body: { assistenza: true, callback } });
  expect(res.status).toBe(200);
  return res.json.data.id;
}

function log(key: string, id: string): Promise<Delivery[]> {
  return app.call<Delivery[]>("GET", `/_callbacks?id=${id}`, { key }).then((r) => r.json.data);
}

describe("sandbox callbacks", () => {
  it("retries with backoff until the target accepts, logging every attempt", async () => {
    const { key } = app.tenant();
    hooks.respond = (n) => (n <= 2 ? 500 : 200);
    try {
      const id = await renewal(key, validCallback(hooks.url));
      const deliveries = await until(() => log(key, id), (d) => d[0]?.state === "delivered");
      expect(deliveries[0]?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(deliveries[0]?.state).toBe("delivered");
    } finally {
      hooks.respond = () => 200;
    }
  });

  it("gives up after the configured retries and marks the delivery failed", async () => {
    const { key } = app.tenant();
    const down = await startCallbackListener();
    down.respond = () => 503;
    try {
      const id = await renewal(key, validCallback(down.url));
      const deliveries = await until(() => log(key, id), (d) => d[0]?.state === "failed");
      expect(deliveries[0]?.state).toBe("failed");
      expect(deliveries[0]?.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    } finally {
      await down.close();
    }
  });

  it("counts a target that never answers as a failed attempt (timeout)", async () => {
    const { key } = app.tenant();
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const id = await renewal(key, validCallback(url));
      const first = (await log(key, id))[0];
      expect(first?.attempts[0]).toMatchObject({ status: null });
      expect(first?.attempts[0]?.error).not.toBeNull();
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("records the exact body: JSON under the field, or a form field holding the JSON text", async () => {
    const { key } = app.tenant();
    const jsonId = await renewal(key, { url: hooks.url, method: "JSON", field: "richiesta", data: { a: 1 } });
    const formId = await renewal(key, { url: hooks.url });
    const json = (await log(key, jsonId))[0];
    const form = (await log(key, formId))[0];
    expect(Object.keys(JSON.parse(json?.body ?? "{}") as object)).toEqual(["richiesta"]);
    expect(form?.method).toBe("POST");
    const data = new URLSearchParams(form?.body ?? "").get("data");
    expect((JSON.parse(data ?? "{}") as { id: string }).id).toBe(formId);
  });

  it("refuses private callback targets unless allowed", async () => {
    const strict = await startSandboxApp({ now: () => NOW, allowPrivateCallbackTargets: false }, { engine: app.engine, dbName: "sbx_strict" });
    try {
      const { key } = strict.tenant();
      const before = hooks.received.length;
      const res = await strict.call<{ id: string }>("POST", "/richiesta/RINFIR", { key, body: { callback: validCallback(hooks.url) } });
      const d = (await strict.call<Delivery[]>("GET", `/_callbacks?id=${res.json.data.id}`, { key })).json.data[0];
      expect(d?.state).toBe("failed");
      expect(d?.attempts).toHaveLength(1);
      expect(hooks.received.length).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it("resumes pending retries after a restart", async () => {
    const flaky = await startCallbackListener();
    flaky.respond = () => 500;
    const options = { now: () => NOW, callbackRetries: 3, callbackBackoffMs: 150 };
    const first = await startSandboxApp(options, { engine: app.engine, dbName: "sbx_resume" });
    const tenant = first.tenant();
    let id: string;
    try {
      const res = await first.call<{ id: string }>("POST", "/richiesta/RINFIR", { key: tenant.key, body: { callback: validCallback(flaky.url) } });
      id = res.json.data.id;
    } finally {
      // Stops before the first retry is due: the delivery stays pending in the collection.
      await first.close();
    }
    flaky.respond = () => 200;
    const second = await startSandboxApp(options, { engine: app.engine, dbName: "sbx_resume" });
    try {
      second.register(tenant);
      await flaky.waitFor(1);
      const d = await until(
        () => second.call<Delivery[]>("GET", `/_callbacks?id=${id}`, { key: tenant.key }).then((r) => r.json.data),
        (x) => x[0]?.state === "delivered",
      );
      expect(d[0]?.attempts.map((a) => a.status)).toEqual([500, 200]);
    } finally {
      await second.close();
      await flaky.close();
    }
  });

  it("rejects a malformed ?id= on the callback log", async () => {
    const { key } = app.tenant();
    const res = await app.call("GET", "/_callbacks?id=nope", { key });
    expect([res.status, res.json.error]).toEqual([400, 400]);
  });

  it("sends the order's own object in the callback, equal to GET /richiesta/{id}", async () => {
    const { key } = app.tenant();
    const res = await app.call<Record<string, unknown> & { codice_richiesta: string; id: string }>("POST", "/richiesta/LETTORE", {
      key,
      body: { ...validOrderBody("lettore"), callback: validCallback(hooks.url) },
    });
    const got = await hooks.waitFor(1);
    const mine = got.find((c) => c.request.codice_richiesta === res.json.data.codice_richiesta);
    const now = await app.call<Record<string, unknown>>("GET", `/richiesta/${res.json.data.id}`, { key });
    expect(mine?.request).toEqual(now.json.data);
  });
});
