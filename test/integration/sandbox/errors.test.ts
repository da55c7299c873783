import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegBuffer, pdfBuffer, validAnagrafica, validOrderBody } from "../../helpers/fixtures.js";
import { startSandboxApp, type SandboxApp } from "../../helpers/sandbox-app.js";

type Req = { id: string; stato: string; codice_richiesta: string };

let app: SandboxApp;
beforeAll(async () => {
  app = await startSandboxApp({ now: () => new Date("2026-06-10T08:00:00Z") });
});
afterAll(async () => {
  await app.close();
});

async function order(key: string, code = "FIR", body: unknown = validOrderBody("firme")): Promise<Req> {
  const res = await app.call<Req>("POST", `/richiesta/${code}`, { key, body });
  expect(res.status).toBe(200);
  return res.json.data;
}

async function count(key: string): Promise<number> {
  const res = await app.call<unknown[]>("GET", "/richiesta", { key });
  return res.status === 200 ? res.json.data.length : 0;
}

describe("sandbox REST errors", () => {
  it("lists the whole catalogue in the upstream's envelope", async () => {
    const { key } = app.tenant();
    const res = await app.call<{ codice_prodotto: string; prezzo: number }[]>("GET", "/prodotti", { key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: "", error: null });
    const codes = res.json.data.map((p) => p.codice_prodotto);
    expect(codes).toEqual(expect.arrayContaining(["FIR", "SCARUBACNS", "FIRREM_VIDEO", "LETTORE", "RINFIR", "FIREST", "VIDEORIC"]));
  });

  it("answers 401 with the envelope without a key or with an unknown key, 403 for a live key", async () => {
    for (const key of [null, "fgw_test_unknown"]) {
      const res = await app.call("GET", "/prodotti", { key });
      expect([res.status, res.json.success, res.json.error, res.json.data]).toEqual([401, false, 401, null]);
    }
    const live = app.tenant("LIVE");
    const res = await app.call("GET", "/richiesta", { key: live.key });
    expect([res.status, res.json.error]).toEqual([403, 403]);
  });

  it("answers 400/201 for an unknown product and stores nothing", async () => {
    const { key } = app.tenant();
    const res = await app.call("POST", "/richiesta/NOPE", { key, body: validOrderBody("firme") });
    expect([res.status, res.json.error]).toEqual([400, 201]);
    expect(await count(key)).toBe(0);
  });

  it("answers 428/209 without anagrafica and 406/247 for a bad e-mail, storing nothing", async () => {
    const { key } = app.tenant();
    const { anagrafica: _a, ...noAnag } = validOrderBody("firme");
    const missing = await app.call("POST", "/richiesta/FIR", { key, body: noAnag });
    expect([missing.status, missing.json.error]).toEqual([428, 209]);
    const badEmail = await app.call("POST", "/richiesta/FIR", {
      key,
      body: { ...validOrderBody("firme"), anagrafica: validAnagrafica({ email: "not-an-email" }) },
    });
    expect([badEmail.status, badEmail.json.error]).toEqual([406, 247]);
    const { anagrafica_spedizione: _s, ...noShipping } = validOrderBody("lettore");
    const missingShipping = await app.call("POST", "/richiesta/LETTORE", { key, body: noShipping });
    expect([missingShipping.status, missingShipping.json.error]).toEqual([428, 209]);
    const videoEmail = await app.call("POST", "/richiesta/KEYCNS_VIDEO", { key, body: { ...validOrderBody("video"), email: "x@" } });
    expect([videoEmail.status, videoEmail.json.error]).toEqual([406, 247]);
    expect(await count(key)).toBe(0);
    const wallet = await app.call<{ balance: number }>("GET", "/_wallet", { key });
    expect(wallet.json.data.balance).toBe(1000);
  });

  it("never overdraws the wallet under concurrent orders: as many succeed as it can pay, the rest answer 402/207 and store nothing", async () => {
    const { key } = app.tenant();
    // Five FIR orders (22.70 each) and a little over: twelve at once must not buy a sixth.
    await app.call("PUT", "/_wallet", { key, body: { balance: 5 * 22.7 + 10 } });
    const answers = await Promise.all(Array.from({ length: 12 }, () => app.call("POST", "/richiesta/FIR", { key, body: validOrderBody("firme") })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.json.error])).toEqual(Array.from({ length: 7 }, () => [402, 207]));
    expect(await count(key)).toBe(5);
    const wallet = await app.call<{ balance: number }>("GET", "/_wallet", { key });
    expect(wallet.json.data.balance).toBeCloseTo(10, 2);
  });

  it("answers 402/207 with the balance when the wallet cannot pay, and stores nothing", async () => {
    const { key } = app.tenant();
    const set = await app.call<{ balance: number }>("PUT", "/_wallet", { key, body: { balance: 12.5 } });
    expect(set.json.data.balance).toBe(12.5);
    const res = await app.call("POST", "/richiesta/FIR", { key, body: validOrderBody("firme") });
    expect([res.status, res.json.error, res.json.message]).toEqual([402, 207, "Insufficient Credit in Wallet: 12.50"]);
    expect(await count(key)).toBe(0);
    const again = await app.call<{ balance: number }>("GET", "/_wallet", { key });
    expect(again.json.data.balance).toBe(12.5);
  });

  it("debits the price, plus 15.00 for an Aruba order with videoriconoscimento", async () => {
    const { key } = app.tenant();
    await order(key, "FIR");
    await order(key, "OTPMOB", { ...validOrderBody("aruba"), videoriconoscimento: true });
    const wallet = await app.call<{ balance: number }>("GET", "/_wallet", { key });
    expect(wallet.json.data.balance).toBeCloseTo(1000 - 22.7 - 21.7 - 15, 2);
  });

  it("answers 404/214 for an account without requests, and filters the list by product", async () => {
    const { key } = app.tenant();
    const none = await app.call("GET", "/richiesta", { key });
    expect([none.status, none.json.error]).toEqual([404, 214]);
    await order(key, "FIR");
    await order(key, "RINFIR", validOrderBody("rinnovo"));
    const fir = await app.call<Req[]>("GET", "/richiesta?codice_prodotto=RINFIR", { key });
    expect(fir.json.data.map((r) => r.stato)).toEqual(["evasa"]);
    const other = await app.call("GET", "/richiesta?codice_prodotto=KIT", { key });
    expect([other.status, other.json.error]).toEqual([404, 214]);
  });

  it("answers 400/211 for a malformed id and 404/212 for an unknown or another tenant's id", async () => {
    const a = app.tenant();
    const b = app.tenant();
    const mine = await order(a.key);
    const bad = await app.call("GET", "/richiesta/xyz", { key: a.key });
    expect([bad.status, bad.json.error]).toEqual([400, 211]);
    const unknown = await app.call("GET", "/richiesta/5f7ef1e83a716836d3152662", { key: a.key });
    expect([unknown.status, unknown.json.error]).toEqual([404, 212]);
    const foreign = await app.call("GET", `/richiesta/${mine.id}`, { key: b.key });
    expect([foreign.status, foreign.json.error]).toEqual([404, 212]);
    const foreignPatch = await app.call("PATCH", `/richiesta/${mine.id}`, { key: b.key, body: { documento: jpegBuffer().toString("base64") } });
    expect([foreignPatch.status, foreignPatch.json.error]).toEqual([404, 278]);
  });

  it("answers PATCH errors 400/277, 404/278, 406/290 and 428/279", async () => {
    const { key } = app.tenant();
    const doc = { documento: jpegBuffer().toString("base64") };
    const wrong = await app.call("PATCH", "/richiesta/123", { key, body: doc });
    expect([wrong.status, wrong.json.error]).toEqual([400, 277]);
    const missing = await app.call("PATCH", "/richiesta/5f7ef1e83a716836d3152662", { key, body: doc });
    expect([missing.status, missing.json.error]).toEqual([404, 278]);
    const video = await order(key, "SMARTCARDCNS_VIDEO", validOrderBody("video"));
    const v = await app.call("PATCH", `/richiesta/${video.id}`, { key, body: doc });
    expect([v.status, v.json.error]).toEqual([406, 290]);
    const renewal = await order(key, "RINCNS", validOrderBody("rinnovo"));
    const r = await app.call("PATCH", `/richiesta/${renewal.id}`, { key, body: doc });
    expect([r.status, r.json.error]).toEqual([428, 279]);
  });

  it("refuses uploads that are not base64 or not the right kind of file, changing nothing", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    const notB64 = await app.call("PATCH", `/richiesta/${req.id}`, { key, body: { documento: "%%%not base64%%%" } });
    expect([notB64.status, notB64.json.error]).toEqual([400, 270]);
    const text = Buffer.from("just some text, not a document").toString("base64");
    const wrongKind = await app.call("PATCH", `/richiesta/${req.id}`, { key, body: { documento: text } });
    expect([wrongKind.status, wrongKind.json.error]).toEqual([415, 271]);
    // A JPEG is an ID document, never a signed form.
    const jpegForm = await app.call("PATCH", `/richiesta/${req.id}`, { key, body: { modulo: jpegBuffer().toString("base64") } });
    expect([jpegForm.status, jpegForm.json.error]).toEqual([415, 271]);
    const empty = await app.call("PATCH", `/richiesta/${req.id}`, { key, body: {} });
    expect([empty.status, empty.json.error]).toEqual([400, 261]);
    const after = await app.call<Record<string, unknown>>("GET", `/richiesta/${req.id}`, { key });
    expect(after.json.data).toMatchObject({ stato: "in_registrazione", modulo: false, documento: false });
  });

  it("accepts the documents in two PATCH calls and starts identification with the second", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    const first = await app.call<Record<string, unknown>>("PATCH", `/richiesta/${req.id}`, { key, body: { documento: jpegBuffer().toString("base64") } });
    expect(first.json.data).toMatchObject({ stato: "in_registrazione", documento: true, modulo: false });
    const second = await app.call<Record<string, unknown>>("PATCH", `/richiesta/${req.id}`, {
      key,
      body: { modulo: (await pdfBuffer("modulo firmato")).toString("base64"), nome_modulo: "modulo.pdf" },
    });
    expect(second.json.data).toMatchObject({ stato: "in_riconoscimento", documento: true, modulo: true });
    const third = await app.call("PATCH", `/richiesta/${req.id}`, { key, body: { documento: jpegBuffer().toString("base64") } });
    expect([third.status, third.json.error]).toEqual([428, 279]);
  });

  it("serves the form only where one is needed: 404 text/plain otherwise, 400 text/plain for a bad id", async () => {
    const { key } = app.tenant();
    for (const [code, family] of [["LETTORE", "lettore"], ["RINFIR", "rinnovo"], ["KEYCNS_VIDEO", "video"]] as const) {
      const req = await order(key, code, validOrderBody(family));
      const res = await app.call("GET", `/richiesta/${req.id}/modulo`, { key });
      expect(res.status).toBe(404);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.text).toBe("form not required for this request");
    }
    const bad = await app.call("GET", "/richiesta/nope/modulo", { key });
    expect([bad.status, bad.contentType.split(";")[0]]).toEqual([400, "text/plain"]);
  });

  it("answers VIDEORIC errors: 211 bad id, 212 unknown or mismatched code, 290 not applicable, 279 too late", async () => {
    const { key } = app.tenant();
    const bad = await app.call("POST", "/richiesta/VIDEORIC", { key, body: { id: "zzz" } });
    expect([bad.status, bad.json.error]).toEqual([400, 211]);
    const unknown = await app.call("POST", "/richiesta/VIDEORIC", { key, body: { id: "5f7ef1e83a716836d3152662" } });
    expect([unknown.status, unknown.json.error]).toEqual([404, 212]);
    const fir = await order(key);
    const mismatch = await app.call("POST", "/richiesta/VIDEORIC", { key, body: { id: fir.id, codice_richiesta: "00000" } });
    expect([mismatch.status, mismatch.json.error]).toEqual([404, 212]);
    const reader = await order(key, "LETTORE", validOrderBody("lettore"));
    const na = await app.call("POST", "/richiesta/VIDEORIC", { key, body: { id: reader.id } });
    expect([na.status, na.json.error]).toEqual([406, 290]);
    await app.call("PATCH", `/richiesta/${fir.id}`, {
      key,
      body: { modulo: (await pdfBuffer()).toString("base64"), documento: jpegBuffer().toString("base64") },
    });
    const late = await app.call("POST", "/richiesta/VIDEORIC", { key, body: { id: fir.id } });
    expect([late.status, late.json.error]).toEqual([428, 279]);
  });

  it("answers malformed JSON with 400 and the envelope, unknown paths with 404 and the envelope", async () => {
    const { key } = app.tenant();
    const bad = await app.call("POST", "/richiesta/FIR", { key, rawBody: "{not json" });
    expect([bad.status, bad.json.success, bad.json.error, bad.json.data]).toEqual([400, false, 400, null]);
    const huge = await app.call("PATCH", "/richiesta/5f7ef1e83a716836d3152662", { key, body: { documento: "A".repeat(26 * 1024 * 1024) } });
    expect([huge.status, huge.json.error]).toEqual([413, 413]);
    const unknown = await app.call("GET", "/nowhere", { key });
    expect([unknown.status, unknown.json.success, unknown.json.error]).toEqual([404, false, 404]);
    expect(await count(key)).toBe(0);
  });

  it("answers a body validation failure with the sandbox's code and stores nothing", async () => {
    const { key } = app.tenant();
    const res = await app.call("POST", "/richiesta/FIR", { key, body: { ...validOrderBody("firme"), spedizione: "teleport" } });
    expect([res.status, res.json.error]).toEqual([400, 263]);
    expect(await count(key)).toBe(0);
  });
});
