import { Types } from "mongoose";
import { describe, expect, it } from "vitest";
import { mailsFor } from "../../../src/sandbox/inbox/index.js";
import { inapplicable, movesOf } from "../../../src/sandbox/service/sandbox-controls.js";
import { initialState, type RequestFamily } from "../../../src/sandbox/lifecycle/index.js";
import type { SandboxRequestDoc } from "../../../src/sandbox/models/index.js";
import { parseAdvance } from "../../../src/sandbox/http/controls.routes.js";

const AT = new Date("2026-06-10T08:00:00Z");

function request(family: RequestFamily, overrides: Partial<SandboxRequestDoc> = {}): SandboxRequestDoc {
  const state = initialState(
    {
      family,
      codice_prodotto: "X",
      urgenza: false,
      spedizione: family === "video" || family === "rinnovo" ? null : "ordinaria",
      videoriconoscimento: false,
      modulo: false,
      documento: false,
      magic: { reject: false, videofail: false, lost: false, nocallback: false },
    },
    AT,
    null,
  );
  return { ...state, _id: new Types.ObjectId(), tenantId: "t", codice_richiesta: "abcde", prodotto: "P", tipo: "Infocert", paidCents: 0, assistenza: false, quantita: 1, owner: "t", anagrafica: null, anagrafica_spedizione: null, email: null, cellulare: null, callback: null, uploads: { modulo: null, documento: null }, history: [], version: 0, createdAt: AT, ...overrides };
}

describe("mailsFor", () => {
  it("writes instructions at order, plus the video invitation for video identification", () => {
    expect(mailsFor(request("firme"), { at: AT, from: "in_registrazione", to: "in_registrazione" }).map(([k]) => k)).toEqual(["INSTRUCTIONS"]);
    expect(mailsFor(request("video"), { at: AT, from: "in_lavorazione", to: "in_lavorazione" }).map(([k]) => k)).toEqual(["INSTRUCTIONS", "VIDEO_INVITATION"]);
  });

  it("writes the envelope at evasa for certificates only, and the refusals", () => {
    expect(mailsFor(request("firme"), { at: AT, from: "in_lavorazione", to: "evasa" }).map(([k]) => k)).toEqual(["ENVELOPE"]);
    expect(mailsFor(request("lettore"), { at: AT, from: "in_lavorazione", to: "evasa" })).toEqual([]);
    expect(mailsFor(request("firme"), { at: AT, from: "in_riconoscimento", to: "in_registrazione" }).map(([k]) => k)).toEqual(["DOCUMENTS_REFUSED"]);
    expect(mailsFor(request("video"), { at: AT, from: "in_lavorazione", to: "rifiutata" }).map(([k]) => k)).toEqual(["VIDEO_FAILED"]);
  });
});

describe("forced outcomes", () => {
  it("says which outcome applies to which request", () => {
    expect(inapplicable(request("firme"), "identification_refused")).toBeNull();
    expect(inapplicable(request("firme"), "video_failed")).not.toBeNull();
    expect(inapplicable(request("video"), "video_failed")).toBeNull();
    expect(inapplicable(request("video"), "parcel_lost")).not.toBeNull();
    expect(inapplicable(request("lettore"), "parcel_lost")).toBeNull();
    expect(inapplicable(request("rinnovo"), "callbacks_dropped")).not.toBeNull();
  });

  it("lists the legal moves of a request waiting for its documents", () => {
    expect(movesOf(request("firme"))).toEqual(["upload_documents", "request_video_recognition", "force_identification_refused", "force_parcel_lost", "force_callbacks_dropped"]);
    expect(movesOf(request("rinnovo"))).toEqual([]);
  });
});

describe("parseAdvance", () => {
  it("takes exactly one of seconds, business_days, business_hours, to", () => {
    expect(parseAdvance({ seconds: 60 })).toEqual({ seconds: 60 });
    expect(parseAdvance({ business_days: 2 })).toEqual({ business_days: 2 });
    expect(parseAdvance({ business_hours: 0.5 })).toEqual({ business_hours: 0.5 });
    expect(parseAdvance({ to: "next_transition" })).toEqual({ to: "next_transition" });
    for (const bad of [null, [], {}, { seconds: 1, to: "next_transition" }, { business_days: 0 }, { business_hours: Infinity }, { to: "later" }]) {
      expect(parseAdvance(bad)).toMatchObject({ status: 400 });
    }
  });
});
