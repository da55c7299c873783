import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { jpegBuffer, p7mBuffer, validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { startCallbackListener, startSandboxApp, type CallbackListener, type SandboxApp } from "../../helpers/sandbox-app.js";

type Req = Record<string, unknown> & {
  id: string;
  stato: string;
  codice_richiesta: string;
  timestamp: Record<string, number>;
  firma?: Record<string, string>;
  credenziali?: Record<string, string>;
};

// Friday 26 March 2027, 10:00 in Rome (CET). Monday 29 is Easter Monday (a national holiday) and
// Sunday 28 is the switch to summer time: the lifecycle must skip both correctly.
const FRIDAY = new Date("2027-03-26T09:00:00Z");
const STANDARD_FONTS = `${path.join(path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;
const secs = (d: Date): number => Math.floor(d.getTime() / 1000);

let app: SandboxApp;
let hooks: CallbackListener;

beforeAll(async () => {
  // A fixed real clock: tenant clocks move only when a test advances them, so times are exact.
  app = await startSandboxApp({ now: () => FRIDAY });
  hooks = await startCallbackListener();
});
afterAll(async () => {
  await app.close();
  await hooks.close();
});

async function advanceTo(key: string, target: Date): Promise<void> {
  const clock = await app.call<{ now: string }>("GET", "/_clock", { key });
  const seconds = Math.round((target.getTime() - Date.parse(clock.json.data.now)) / 1000);
  const res = await app.call("POST", "/_clock/advance", { key, body: { seconds } });
  expect(res.status).toBe(200);
}

async function get(key: string, id: string): Promise<Req> {
  const res = await app.call<Req>("GET", `/richiesta/${id}`, { key });
  expect(res.status).toBe(200);
  return res.json.data;
}

function callbacksOf(codice: string): Req[] {
  return hooks.received.filter((c) => c.request.codice_richiesta === codice).map((c) => c.request as Req);
}

describe("sandbox lifecycle over HTTP", () => {
  it("walks a signature ordered on the Friday before Easter Monday to evasa, with JSON callbacks", async () => {
    const t = app.tenant();
    const body = { ...validOrderBody("firme"), spedizione: "veloce", callback: { ...validCallback(hooks.url), method: "JSON" } };
    const order = await app.call<Req>("POST", "/richiesta/FIR", { key: t.key, body });
    expect(order.status).toBe(200);
    const req = order.json.data;
    expect(req.stato).toBe("in_registrazione");
    expect(req.timestamp.acquisto).toBe(secs(FRIDAY));

    const modulo = await app.call("GET", `/richiesta/${req.id}/modulo`, { key: t.key });
    expect(modulo.status).toBe(200);
    expect(modulo.contentType).toMatch(/^application\/pdf/);
    const pdf = await getDocument({ data: modulo.bytes, standardFontDataUrl: STANDARD_FONTS }).promise;
    let text = "";
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent();
      text += content.items.map((i) => ("str" in i ? i.str : "")).join(" ");
    }
    expect(text).toContain("Rossi");
    expect(text).toContain("Mario");
    expect(text).toContain(req.codice_richiesta);

    const patched = await app.call<Req>("PATCH", `/richiesta/${req.id}`, {
      key: t.key,
      body: {
        modulo: (await p7mBuffer()).toString("base64"),
        nome_modulo: "modulo.pdf.p7m",
        documento: jpegBuffer().toString("base64"),
        nome_documento: "documento.jpg",
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.data).toMatchObject({ stato: "in_riconoscimento", modulo: true, documento: true });
    expect(patched.json.data.timestamp.registrazione).toBe(secs(FRIDAY));

    // 24 business hours: Fri 10-18 (8), Easter Monday skipped, Tue 9-18 (9), Wed 9-16 (7), CEST.
    const identified = new Date("2027-03-31T14:00:00Z");
    await advanceTo(t.key, new Date(identified.getTime() - 1000));
    expect((await get(t.key, req.id)).stato).toBe("in_riconoscimento");
    await advanceTo(t.key, identified);
    expect((await get(t.key, req.id)).stato).toBe("in_lavorazione");

    // `veloce`: 3 business days from the documents' receipt (Tue, Wed, Thu), same local time 10:00.
    const shipped = new Date("2027-04-01T08:00:00Z");
    await advanceTo(t.key, shipped);
    const done = await get(t.key, req.id);
    expect(done.stato).toBe("evasa");
    expect(done.timestamp.evasione).toBe(secs(shipped));
    expect(done.timestamp.scadenza).toBe(secs(new Date("2030-04-01T08:00:00Z")));
    expect(done.firma?.codice_spedizione).toMatch(/^SBX\d{10}IT$/);
    expect(done.firma?.numero_busta).toMatch(/^\d{8}$/);
    expect(done.firma?.numero_dispositivo).toMatch(/^\d{16}$/);
    expect(done.firma).toMatchObject({ pin: "", puk: "", codice_emergenza: "" });

    const calls = callbacksOf(req.codice_richiesta);
    expect(calls.map((c) => c.stato)).toEqual(["in_registrazione", "in_riconoscimento", "in_lavorazione", "evasa"]);
    const evasa = hooks.received.find((c) => c.request.codice_richiesta === req.codice_richiesta && c.request.stato === "evasa");
    expect(evasa?.contentType).toMatch(/^application\/json/);
    expect(evasa?.field).toBe("data");
    expect(evasa?.request).toEqual(done);
    expect((evasa?.request.callback as Record<string, unknown>).data).toEqual({ ref: "order-42" });
  });

  it("walks an Aruba device to evasa with form-encoded (POST) callbacks under a custom field", async () => {
    const t = app.tenant();
    const body = { ...validOrderBody("aruba"), callback: { url: hooks.url, method: "POST", field: "payload", data: { k: 1 } } };
    const order = await app.call<Req>("POST", "/richiesta/SCARUBACNS", { key: t.key, body });
    expect(order.status).toBe(200);
    expect(order.json.data).toMatchObject({ stato: "in_registrazione", documento: true, modulo: false });
    const patched = await app.call<Req>("PATCH", `/richiesta/${order.json.data.id}`, {
      key: t.key,
      body: { modulo: (await p7mBuffer()).toString("base64"), nome_modulo: "modulo.p7m" },
    });
    expect(patched.json.data.stato).toBe("in_riconoscimento");
    await advanceTo(t.key, new Date("2027-04-30T12:00:00Z"));
    const done = await get(t.key, order.json.data.id);
    expect(done.stato).toBe("evasa");
    const calls = hooks.received.filter((c) => c.request.codice_richiesta === done.codice_richiesta);
    expect(calls.map((c) => c.request.stato)).toEqual(["in_registrazione", "in_riconoscimento", "in_lavorazione", "evasa"]);
    expect(calls.every((c) => c.contentType.startsWith("application/x-www-form-urlencoded") && c.field === "payload")).toBe(true);
    expect(calls[3]?.request).toEqual(done);
  });

  it("finishes a video product after the video call, with credenziali.username", async () => {
    const t = app.tenant();
    const body = { ...validOrderBody("video"), urgenza: false, callback: validCallback(hooks.url) };
    const order = await app.call<Req>("POST", "/richiesta/FIRREM_VIDEO", { key: t.key, body });
    expect(order.json.data).toMatchObject({ stato: "in_lavorazione", credenziali: { username: "mario.rossi@example.it" } });
    // 2 business hours from Friday 10:00 → Friday 12:00 Rome.
    await advanceTo(t.key, new Date("2027-03-26T10:59:59Z"));
    expect((await get(t.key, order.json.data.id)).stato).toBe("in_lavorazione");
    await advanceTo(t.key, new Date("2027-03-26T11:00:00Z"));
    const done = await get(t.key, order.json.data.id);
    expect(done.stato).toBe("evasa");
    expect(done.timestamp.evasione).toBe(secs(new Date("2027-03-26T11:00:00Z")));
    expect(callbacksOf(done.codice_richiesta).map((c) => c.stato)).toEqual(["in_lavorazione", "evasa"]);
  });

  it("ships a blank device: in_lavorazione until the shipping days have passed", async () => {
    const t = app.tenant();
    const body = { ...validOrderBody("lettore"), spedizione: "prioritaria", callback: validCallback(hooks.url) };
    const order = await app.call<Req>("POST", "/richiesta/LETTORE", { key: t.key, body });
    expect(order.json.data).toMatchObject({ stato: "in_lavorazione", quantita: 2 });
    // 1 business day after Friday, skipping the weekend and Easter Monday: Tuesday 10:00 CEST.
    await advanceTo(t.key, new Date("2027-03-30T07:59:59Z"));
    expect((await get(t.key, order.json.data.id)).stato).toBe("in_lavorazione");
    await advanceTo(t.key, new Date("2027-03-30T08:00:00Z"));
    const done = await get(t.key, order.json.data.id);
    expect(done.stato).toBe("evasa");
    expect(done.firma?.codice_spedizione).toMatch(/^SBX/);
    expect(callbacksOf(done.codice_richiesta).map((c) => c.stato)).toEqual(["in_lavorazione", "evasa"]);
  });

  it("issues renewals and FIREST at once with their credentials", async () => {
    const t = app.tenant();
    for (const [code, credential] of [["RINFIR", "token"], ["RINCNS", "token"], ["RINFIRREM", "token"], ["FIREST", "codice"]] as const) {
      const res = await app.call<Req>("POST", `/richiesta/${code}`, { key: t.key, body: { assistenza: true, callback: validCallback(hooks.url) } });
      expect(res.status).toBe(200);
      expect(res.json.data.stato).toBe("evasa");
      expect(typeof res.json.data.credenziali?.[credential]).toBe("string");
      expect(res.json.data.timestamp).toMatchObject({ emissione: secs(FRIDAY), evasione: secs(FRIDAY), scadenza: secs(new Date("2030-03-26T09:00:00Z")) });
      expect(callbacksOf(res.json.data.codice_richiesta).map((c) => c.stato)).toEqual(["evasa"]);
    }
  });

  it("upgrades a signature with VIDEORIC: identified by video, no documents, then shipped", async () => {
    const t = app.tenant();
    const order = await app.call<Req>("POST", "/richiesta/KIT", { key: t.key, body: { ...validOrderBody("firme"), spedizione: "prioritaria", callback: validCallback(hooks.url) } });
    const id = order.json.data.id;
    const before = await app.call<{ balance: number }>("GET", "/_wallet", { key: t.key });
    const up = await app.call<Req>("POST", "/richiesta/VIDEORIC", { key: t.key, body: { id, codice_richiesta: order.json.data.codice_richiesta } });
    expect(up.status).toBe(200);
    expect(up.json.data).toMatchObject({ id, videoriconoscimento: true, stato: "in_registrazione" });
    const after = await app.call<{ balance: number }>("GET", "/_wallet", { key: t.key });
    expect(Math.round((before.json.data.balance - after.json.data.balance) * 100)).toBe(1500);
    // The documents are not needed any more: PATCH answers 406/290, the form is not required.
    const patch = await app.call("PATCH", `/richiesta/${id}`, { key: t.key, body: { documento: jpegBuffer().toString("base64") } });
    expect([patch.status, patch.json.error]).toEqual([406, 290]);
    // Video call 2 business hours later (Friday 12:00 Rome), then 1 business day: Tuesday 12:00 CEST.
    await advanceTo(t.key, new Date("2027-03-26T11:00:00Z"));
    expect((await get(t.key, id)).stato).toBe("in_lavorazione");
    await advanceTo(t.key, new Date("2027-03-30T10:00:00Z"));
    expect((await get(t.key, id)).stato).toBe("evasa");
  });
});
