import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { jpegBuffer, pdfBuffer, validAnagrafica, validCallback, validOrderBody } from "../../helpers/fixtures.js";
import { startCallbackListener, startSandboxApp, type CallbackListener, type SandboxApp } from "../../helpers/sandbox-app.js";

type Req = { id: string; stato: string; codice_richiesta: string };
type Clock = { now: string; next_business_day: string; upcoming: { request_id: string; stato: string; next_stato: string; due_at: string }[] };
type Mail = { id: string; kind: string; subject: string; body: string; at: string; to: string | null; attachment: string | null };

// Wednesday 10 June 2026, 10:00 Rome (CEST).
const NOW = new Date("2026-06-10T08:00:00Z");

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

async function order(key: string, email = "mario.rossi@example.it"): Promise<Req> {
  const body = { ...validOrderBody("firme"), anagrafica: validAnagrafica({ email }), callback: validCallback(hooks.url) };
  const res = await app.call<Req>("POST", "/richiesta/FIR", { key, body });
  expect(res.status).toBe(200);
  return res.json.data;
}

async function upload(key: string, id: string): Promise<void> {
  const body = { modulo: (await pdfBuffer()).toString("base64"), documento: jpegBuffer().toString("base64") };
  expect((await app.call("PATCH", `/richiesta/${id}`, { key, body })).status).toBe(200);
}

describe("sandbox control endpoints", () => {
  it("GET /_clock lists the next business day and the upcoming transitions in due order", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    await upload(key, req.id);
    const clock = (await app.call<Clock>("GET", "/_clock", { key })).json.data;
    expect(clock.now).toBe(NOW.toISOString());
    // Thursday 11 June 2026, 09:00 Rome.
    expect(clock.next_business_day).toBe("2026-06-11T07:00:00.000Z");
    expect(clock.upcoming).toEqual([expect.objectContaining({ request_id: req.id, stato: "in_riconoscimento", next_stato: "in_lavorazione" })]);
  });

  it("advances to the next transition, by business hours and by business days", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    await upload(key, req.id);
    const due = (await app.call<Clock>("GET", "/_clock", { key })).json.data.upcoming[0]!.due_at;
    const next = await app.call<{ now: string; transitions: number }>("POST", "/_clock/advance", { key, body: { to: "next_transition" } });
    expect(next.json.data.transitions).toBe(1);
    expect(Date.parse(next.json.data.now)).toBeGreaterThanOrEqual(Date.parse(due));
    expect((await app.call<Req>("GET", `/richiesta/${req.id}`, { key })).json.data.stato).toBe("in_lavorazione");
    const before = Date.parse(next.json.data.now);
    const hours = await app.call<{ now: string }>("POST", "/_clock/advance", { key, body: { business_hours: 1 } });
    expect(Date.parse(hours.json.data.now)).toBeGreaterThan(before);
    const days = await app.call<{ now: string }>("POST", "/_clock/advance", { key, body: { business_days: 10 } });
    expect((await app.call<Req>("GET", `/richiesta/${req.id}`, { key })).json.data.stato).toBe("evasa");
    expect(Date.parse(days.json.data.now)).toBeGreaterThan(Date.parse(hours.json.data.now));
  });

  it("refuses bad advances and an advance with nothing scheduled, changing nothing", async () => {
    const { key } = app.tenant();
    for (const body of [{}, { seconds: 0 }, { business_days: 1.5 }, { business_hours: -1 }, { to: "tomorrow" }, { seconds: 1, business_days: 1 }, { weeks: 1 }]) {
      const res = await app.call("POST", "/_clock/advance", { key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await app.call("POST", "/_clock/advance", { key, body: { to: "next_transition" } })).status).toBe(409);
    expect((await app.call<Clock>("GET", "/_clock", { key })).json.data.now).toBe(NOW.toISOString());
  });

  it("forces a refused identification without re-ordering, and `normal` clears it", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    const forced = await app.call<{ forced: Record<string, boolean> }>("POST", `/_requests/${req.id}/force`, { key, body: { outcome: "identification_refused" } });
    expect(forced.status).toBe(200);
    expect(forced.json.data.forced).toEqual({ identification_refused: true, video_failed: false, parcel_lost: false, callbacks_dropped: false });
    await upload(key, req.id);
    await app.call("POST", "/_clock/advance", { key, body: { to: "next_transition" } });
    expect((await app.call<Req>("GET", `/richiesta/${req.id}`, { key })).json.data.stato).toBe("in_registrazione");
    const cleared = await app.call<{ forced: Record<string, boolean> }>("POST", `/_requests/${req.id}/force`, { key, body: { outcome: "normal" } });
    expect(cleared.json.data.forced.identification_refused).toBe(false);
  });

  it("refuses an outcome that does not apply, an unknown outcome and a foreign request", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    expect((await app.call("POST", `/_requests/${req.id}/force`, { key, body: { outcome: "video_failed" } })).status).toBe(409);
    expect((await app.call("POST", `/_requests/${req.id}/force`, { key, body: { outcome: "explode" } })).status).toBe(400);
    const other = app.tenant();
    expect((await app.call("POST", `/_requests/${req.id}/force`, { key: other.key, body: { outcome: "parcel_lost" } })).status).toBe(404);
  });

  it("resends a callback as a new delivery with the same body", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    const log = (await app.call<{ id: string; body: string }[]>("GET", `/_callbacks?id=${req.id}`, { key })).json.data;
    expect(log).toHaveLength(1);
    const resent = await app.call<{ id: string; body: string; state: string; attempts: unknown[] }>("POST", `/_callbacks/${log[0]!.id}/resend`, { key });
    expect(resent.status).toBe(200);
    expect(resent.json.data.id).not.toBe(log[0]!.id);
    expect(resent.json.data.body).toBe(log[0]!.body);
    expect(resent.json.data.state).toBe("delivered");
    expect((await app.call<unknown[]>("GET", `/_callbacks?id=${req.id}`, { key })).json.data).toHaveLength(2);
    expect((await app.call("POST", `/_callbacks/${"0".repeat(24)}/resend`, { key })).status).toBe(404);
  });

  it("records the applicant's inbox: instructions, then the virtual envelope with fake codes at evasa", async () => {
    const { key } = app.tenant();
    const req = await order(key, "anna.bianchi@example.it");
    await upload(key, req.id);
    await app.call("POST", "/_clock/advance", { key, body: { business_days: 20 } });
    const mails = (await app.call<Mail[]>("GET", `/_inbox?id=${req.id}`, { key })).json.data;
    expect(mails.map((m) => m.kind)).toEqual(["INSTRUCTIONS", "ENVELOPE"]);
    expect(mails[0]).toMatchObject({ to: "anna.bianchi@example.it", at: NOW.toISOString() });
    expect(mails[1]!.body).toContain("SANDBOX DATA");
    const pdf = await app.call("GET", mails[1]!.attachment!, { key });
    expect(pdf.status).toBe(200);
    expect(pdf.contentType).toContain("application/pdf");
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getTitle()).toContain("SANDBOX DATA");
    const other = app.tenant();
    expect((await app.call("GET", mails[1]!.attachment!, { key: other.key })).status).toBe(404);
  });

  it("sends a video invitation to video products", async () => {
    const { key } = app.tenant();
    const body = { ...validOrderBody("video"), email: "luca@example.it", callback: validCallback(hooks.url) };
    const req = (await app.call<Req>("POST", "/richiesta/SMARTCARDCNS_VIDEO", { key, body })).json.data;
    const kinds = (await app.call<Mail[]>("GET", `/_inbox?id=${req.id}`, { key })).json.data.map((m) => m.kind);
    expect(kinds).toEqual(["INSTRUCTIONS", "VIDEO_INVITATION"]);
  });

  it("resets requests, callbacks, inbox, wallet, clock and faults, keeping the key", async () => {
    const { key } = app.tenant();
    const req = await order(key);
    await app.call("PUT", "/_wallet", { key, body: { balance: 3 } });
    await app.call("PUT", "/_faults", { key, body: { drop_callbacks: true } });
    await app.call("POST", "/_clock/advance", { key, body: { seconds: 3600 } });
    const reset = await app.call<{ requests: number; callbacks: number; mails: number }>("POST", "/_reset", { key });
    expect(reset.json.data).toEqual({ requests: 1, callbacks: 1, mails: 1 });
    expect((await app.call("GET", `/richiesta/${req.id}`, { key })).status).toBe(404);
    expect((await app.call<unknown[]>("GET", "/_callbacks", { key })).json.data).toEqual([]);
    expect((await app.call<unknown[]>("GET", "/_inbox", { key })).json.data).toEqual([]);
    expect((await app.call<{ balance: number }>("GET", "/_wallet", { key })).json.data.balance).toBe(1000);
    expect((await app.call<{ drop_callbacks: boolean }>("GET", "/_faults", { key })).json.data.drop_callbacks).toBe(false);
    expect((await app.call<Clock>("GET", "/_clock", { key })).json.data.now).toBe(NOW.toISOString());
  });
});
