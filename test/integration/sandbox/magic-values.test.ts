import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegBuffer, pdfBuffer, validAnagrafica, validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { startCallbackListener, startSandboxApp, type CallbackListener, type SandboxApp } from "../../helpers/sandbox-app.js";

type Req = Record<string, unknown> & { id: string; stato: string; codice_richiesta: string; firma?: Record<string, string> };

// Wednesday 10 June 2026, 10:00 Rome (CEST).
const NOW = new Date("2026-06-10T08:00:00Z");
const MONTH = 30 * 24 * 3600;

let app: SandboxApp;
let hooks: CallbackListener;
beforeAll(async () => {
  app = await startSandboxApp({ now: () => NOW });
  hooks = await startCallbackListener();
});
afterAll(async () => {
  await app.close();
  await hooks.close();
});

function signatureBody(email: string): Record<string, unknown> {
  return { ...validOrderBody("firme"), anagrafica: validAnagrafica({ email }), callback: validCallback(hooks.url) };
}

async function upload(key: string, id: string): Promise<void> {
  const res = await app.call("PATCH", `/richiesta/${id}`, {
    key,
    body: { modulo: (await pdfBuffer()).toString("base64"), documento: jpegBuffer().toString("base64") },
  });
  expect(res.status).toBe(200);
}

async function advance(key: string, seconds: number): Promise<void> {
  expect((await app.call("POST", "/_clock/advance", { key, body: { seconds } })).status).toBe(200);
}

async function get(key: string, id: string): Promise<Req> {
  return (await app.call<Req>("GET", `/richiesta/${id}`, { key })).json.data;
}

describe("sandbox magic values", () => {
  it("+reject: identification fails, the request returns to in_registrazione with documents reset", async () => {
    const { key } = app.tenant();
    const req = (await app.call<Req>("POST", "/richiesta/FIR", { key, body: signatureBody("mario+reject@example.it") })).json.data;
    await upload(key, req.id);
    await advance(key, 5 * 24 * 3600);
    const after = await get(key, req.id);
    expect(after).toMatchObject({ stato: "in_registrazione", modulo: false, documento: false });
    const states = hooks.received.filter((c) => c.request.codice_richiesta === req.codice_richiesta).map((c) => c.request.stato);
    expect(states).toEqual(["in_registrazione", "in_riconoscimento", "in_registrazione"]);
  });

  it("+videofail: the video call fails and the request ends rifiutata", async () => {
    const { key } = app.tenant();
    const body = { ...validOrderBody("video"), email: "mario+videofail@example.it", callback: validCallback(hooks.url) };
    const req = (await app.call<Req>("POST", "/richiesta/SMARTCARDCNS_VIDEO", { key, body })).json.data;
    await advance(key, MONTH);
    expect((await get(key, req.id)).stato).toBe("rifiutata");
    // The same applies to a video identification bought for a signature.
    const aruba = { ...validOrderBody("aruba"), videoriconoscimento: true, anagrafica: validAnagrafica({ email: "m+videofail@example.it" }) };
    const a = (await app.call<Req>("POST", "/richiesta/ARUBAKEYCNS", { key, body: aruba })).json.data;
    await advance(key, MONTH);
    expect((await get(key, a.id)).stato).toBe("rifiutata");
  });

  it("+lost: the first parcel is lost, a replacement arrives one shipping period later", async () => {
    const { key } = app.tenant();
    const reader = (email: string): Record<string, unknown> => ({
      ...validOrderBody("lettore"),
      spedizione: "veloce",
      anagrafica_spedizione: { ...(validOrderBody("lettore").anagrafica_spedizione as object), email },
    });
    const normal = (await app.call<Req>("POST", "/richiesta/LETTORE", { key, body: reader("a@example.it") })).json.data;
    const lost = (await app.call<Req>("POST", "/richiesta/LETTORE", { key, body: reader("a+lost@example.it") })).json.data;
    // Veloce = 3 business days: Wed 10 June → Mon 15 June 10:00.
    await advance(key, 5 * 24 * 3600);
    expect((await get(key, normal.id)).stato).toBe("evasa");
    const waiting = await get(key, lost.id);
    expect(waiting.stato).toBe("in_lavorazione");
    const lostParcel = waiting.firma?.codice_spedizione;
    expect(lostParcel).toMatch(/^SBX/);
    await advance(key, 5 * 24 * 3600);
    const done = await get(key, lost.id);
    expect(done.stato).toBe("evasa");
    expect(done.firma?.codice_spedizione).toMatch(/^SBX/);
    expect(done.firma?.codice_spedizione).not.toBe(lostParcel);
  });

  it("+nocallback: no callback is sent, every one is logged as dropped", async () => {
    const { key } = app.tenant();
    const before = hooks.received.length;
    const req = (await app.call<Req>("POST", "/richiesta/FIR", { key, body: signatureBody("mario+nocallback@example.it") })).json.data;
    await upload(key, req.id);
    await advance(key, MONTH);
    expect((await get(key, req.id)).stato).toBe("evasa");
    expect(hooks.received.length).toBe(before);
    const log = await app.call<{ state: string; stato: string; attempts: unknown[] }[]>("GET", `/_callbacks?id=${req.id}`, { key });
    expect(log.json.data.map((d) => [d.stato, d.state, d.attempts.length])).toEqual([
      ["in_registrazione", "dropped", 0],
      ["in_riconoscimento", "dropped", 0],
      ["in_lavorazione", "dropped", 0],
      ["evasa", "dropped", 0],
    ]);
  });

  it("a low wallet set through _wallet gives 402/207", async () => {
    const { key } = app.tenant();
    await app.call("PUT", "/_wallet", { key, body: { balance: 0 } });
    const res = await app.call("POST", "/richiesta/RINFIR", { key, body: validOrderBody("rinnovo") });
    expect([res.status, res.json.error]).toEqual([402, 207]);
    const invalid = await app.call("PUT", "/_wallet", { key, body: { balance: -1 } });
    expect([invalid.status, invalid.json.error]).toEqual([400, 400]);
  });
});
