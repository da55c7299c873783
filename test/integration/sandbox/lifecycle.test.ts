import { describe, expect, it } from "vitest";
import {
  applyDueStep,
  applyUpload,
  initialState,
  magicFlagsOf,
  type LifecycleState,
  type RequestFamily,
  type Shipping,
} from "../../../src/sandbox/lifecycle/index.js";

// Wednesday 10 June 2026, 10:00 Rome (CEST).
const WED = new Date("2026-06-10T08:00:00Z");

function fresh(family: RequestFamily, o: { urgenza?: boolean; spedizione?: Shipping; email?: string; video?: boolean } = {}): LifecycleState {
  return initialState(
    {
      family,
      codice_prodotto: family === "rinnovo" ? "RINFIR" : "FIR",
      urgenza: o.urgenza ?? false,
      spedizione: o.spedizione ?? "ordinaria",
      videoriconoscimento: o.video ?? false,
      modulo: false,
      documento: family === "aruba",
      magic: magicFlagsOf(o.email ?? "a@example.it"),
    },
    WED,
    "a@example.it",
  );
}

function run(s: LifecycleState): { to: string; at: string }[] {
  const out: { to: string; at: string }[] = [];
  for (let i = 0; i < 10 && s.nextAt !== null; i++) {
    const step = applyDueStep(s);
    if (step !== null) out.push({ to: step.to, at: step.at.toISOString() });
  }
  return out;
}

describe("sandbox lifecycle", () => {
  it("identifies by public officer in 24 business hours, 8 with urgenza", () => {
    const normal = fresh("firme", { spedizione: "ordinaria" });
    applyUpload(normal, { modulo: true, documento: true }, WED);
    // Wed 10-18 (8), Thu 9-18 (9), Fri 9-16 (7).
    expect(normal.nextAt?.toISOString()).toBe("2026-06-12T14:00:00.000Z");
    const urgent = fresh("firme", { urgenza: true });
    applyUpload(urgent, { modulo: true, documento: true }, WED);
    expect(urgent.nextAt?.toISOString()).toBe("2026-06-10T16:00:00.000Z");
  });

  it("never ships before identification ends: prioritaria waits for the officer", () => {
    const s = fresh("firme", { spedizione: "prioritaria" });
    applyUpload(s, { modulo: true, documento: true }, WED);
    expect(run(s)).toEqual([
      { to: "in_lavorazione", at: "2026-06-12T14:00:00.000Z" },
      { to: "evasa", at: "2026-06-12T14:00:00.000Z" },
    ]);
  });

  it("counts ordinaria's six business days from the documents' receipt", () => {
    const s = fresh("firme", { spedizione: "ordinaria" });
    applyUpload(s, { modulo: true, documento: true }, WED);
    // Thu 11, Fri 12, Mon 15, Tue 16, Wed 17, Thu 18 June, 10:00 Rome.
    expect(run(s).at(-1)).toEqual({ to: "evasa", at: "2026-06-18T08:00:00.000Z" });
  });

  it("waits in registration until both documents are there", () => {
    const s = fresh("firme");
    expect(s.nextAt).toBeNull();
    expect(applyUpload(s, { modulo: true, documento: false }, WED)).toBeNull();
    expect(applyUpload(s, { modulo: false, documento: true }, WED)).toEqual({ at: WED, from: "in_registrazione", to: "in_riconoscimento" });
  });

  it("issues renewals at once, valid three years, with nothing left to do", () => {
    const s = fresh("rinnovo");
    expect(s).toMatchObject({ stato: "evasa", nextAt: null, evasioneAt: WED });
    expect(s.scadenzaAt?.toISOString()).toBe("2029-06-10T08:00:00.000Z");
    expect(Object.keys(s.credenziali ?? {})).toEqual(["token"]);
  });

  it("reads magic tags from the e-mail's local part only, in any order", () => {
    expect(magicFlagsOf("m+lost+nocallback@x.it")).toEqual({ reject: false, videofail: false, lost: true, nocallback: true });
    expect(magicFlagsOf("M+REJECT@x.it").reject).toBe(true);
    expect(magicFlagsOf("mario@reject.it").reject).toBe(false);
    expect(magicFlagsOf(null)).toEqual({ reject: false, videofail: false, lost: false, nocallback: false });
  });
});
