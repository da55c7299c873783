import { randomBytes, randomInt } from "node:crypto";
import { addBusinessDays, addBusinessHours } from "../../calendar/business-time.js";
import { assertNever, type MagicFlags, type RequestFamily, type RequestStatus, type Shipping } from "./request-status.js";

/**
 * Durations of the sandbox's lifecycle, from the upstream's product page. `urgenza` buys a faster
 * identification (the certification authority's queue), never a faster courier.
 */
export const Durations = {
  /** Identification by public officer (documents checked, registered mail), business hours. */
  officerHours: 24,
  /** The same with `urgenza: true`. */
  officerHoursUrgent: 8,
  /** Identification by video call, business hours. */
  videoHours: 2,
  /** The same with `urgenza: true`. */
  videoHoursUrgent: 1,
  /** Courier, business days counted from the documents' receipt. */
  shippingDays: { prioritaria: 1, veloce: 3, ordinaria: 6 } satisfies Record<Shipping, number>,
  /** Certificates are valid three years. */
  validityYears: 3,
} as const;

/** The `firma` block once the device ships; activation codes go to the applicant by e-mail, never here. */
export interface FirmaBlock {
  codice_spedizione: string;
  pin: string;
  puk: string;
  numero_dispositivo: string;
  codice_carta: string;
  numero_busta: string;
  codice_utente: string;
  iut: string;
  alias: string;
  codice_emergenza: string;
}

/** The part of a stored request the lifecycle reads and writes. */
export interface LifecycleState {
  family: RequestFamily;
  codice_prodotto: string;
  stato: RequestStatus;
  urgenza: boolean;
  spedizione: Shipping | null;
  videoriconoscimento: boolean;
  modulo: boolean;
  documento: boolean;
  magic: MagicFlags;
  acquistoAt: Date;
  /** When the documents (form and ID) were complete; also `timestamp.registrazione`. */
  registrazioneAt: Date | null;
  /** When a video identification was booked (order with video, or VIDEORIC). */
  videoBookedAt: Date | null;
  identifiedAt: Date | null;
  /** Where the courier's count starts (documents' receipt, or the loss of a parcel). */
  shipFrom: Date | null;
  lostParcels: number;
  emissioneAt: Date | null;
  evasioneAt: Date | null;
  scadenzaAt: Date | null;
  firma: FirmaBlock | null;
  credenziali: Record<string, string> | null;
  /** When the next automatic step is due; null while waiting for the caller (or final). */
  nextAt: Date | null;
}

/** One applied step: the state after it and whether `stato` changed (a change means a callback). */
export interface Step {
  at: Date;
  from: RequestStatus;
  to: RequestStatus;
}

/** An empty `firma` block, as the upstream shows it before shipping. */
export function emptyFirma(): FirmaBlock {
  return {
    codice_spedizione: "",
    pin: "",
    puk: "",
    numero_dispositivo: "",
    codice_carta: "",
    numero_busta: "",
    codice_utente: "",
    iut: "",
    alias: "",
    codice_emergenza: "",
  };
}

/** True when identity is checked by video rather than by a public officer. */
export function identifiedByVideo(s: Pick<LifecycleState, "family" | "videoriconoscimento">): boolean {
  return s.family === "video" || s.videoriconoscimento;
}

/** The state of a new order at `at`, before `nextAt` is computed. */
export function initialState(
  base: Omit<
    LifecycleState,
    | "stato"
    | "registrazioneAt"
    | "videoBookedAt"
    | "identifiedAt"
    | "shipFrom"
    | "lostParcels"
    | "emissioneAt"
    | "evasioneAt"
    | "scadenzaAt"
    | "firma"
    | "credenziali"
    | "nextAt"
    | "acquistoAt"
  >,
  at: Date,
  username: string | null,
): LifecycleState {
  const s: LifecycleState = {
    ...base,
    stato: "in_registrazione",
    acquistoAt: at,
    registrazioneAt: null,
    videoBookedAt: null,
    identifiedAt: null,
    shipFrom: null,
    lostParcels: 0,
    emissioneAt: null,
    evasioneAt: null,
    scadenzaAt: null,
    firma: null,
    credenziali: null,
    nextAt: null,
  };
  switch (s.family) {
    case "firme":
    case "aruba":
      s.firma = emptyFirma();
      if (s.videoriconoscimento) s.videoBookedAt = at;
      else if (s.modulo && s.documento) {
        s.stato = "in_riconoscimento";
        s.registrazioneAt = at;
      }
      break;
    case "video":
      s.stato = "in_lavorazione";
      s.videoBookedAt = at;
      s.credenziali = { username: username ?? "" };
      break;
    case "lettore":
      s.stato = "in_lavorazione";
      s.firma = emptyFirma();
      s.shipFrom = at;
      break;
    case "rinnovo":
      s.stato = "evasa";
      s.credenziali = s.codice_prodotto === "FIREST" ? { codice: randomToken(12) } : { token: randomToken(16) };
      issue(s, at);
      break;
    default:
      return assertNever(s.family);
  }
  s.nextAt = dueAt(s);
  return s;
}

/** Records the upload of the form and/or ID document at `at`; both present starts identification. */
export function applyUpload(s: LifecycleState, upload: { modulo: boolean; documento: boolean }, at: Date): Step | null {
  if (upload.modulo) s.modulo = true;
  if (upload.documento) s.documento = true;
  if (s.stato !== "in_registrazione" || !s.modulo || !s.documento) return null;
  s.stato = "in_riconoscimento";
  s.registrazioneAt = at;
  s.nextAt = dueAt(s);
  return { at, from: "in_registrazione", to: "in_riconoscimento" };
}

/** Books a video identification on a request still in registration (POST /richiesta/VIDEORIC). */
export function applyVideoUpgrade(s: LifecycleState, at: Date): void {
  s.videoriconoscimento = true;
  s.videoBookedAt = at;
  s.nextAt = dueAt(s);
}

/** When the next automatic step is due, or null when the request waits for its caller or is final. */
export function dueAt(s: LifecycleState): Date | null {
  switch (s.stato) {
    case "in_registrazione":
      return s.videoBookedAt === null ? null : addBusinessHours(s.videoBookedAt, videoHours(s));
    case "in_riconoscimento":
      return s.registrazioneAt === null
        ? null
        : addBusinessHours(s.registrazioneAt, s.urgenza ? Durations.officerHoursUrgent : Durations.officerHours);
    case "in_lavorazione": {
      if (s.family === "video") return addBusinessHours(s.videoBookedAt ?? s.acquistoAt, videoHours(s));
      const from = s.shipFrom ?? s.acquistoAt;
      const shipped = addBusinessDays(from, Durations.shippingDays[s.spedizione ?? "ordinaria"]);
      // The courier cannot deliver before the identification that releases the device.
      return s.identifiedAt !== null && s.identifiedAt > shipped ? s.identifiedAt : shipped;
    }
    case "evasa":
    case "rifiutata":
      return null;
    default:
      return assertNever(s.stato);
  }
}

/**
 * Applies the step due at `s.nextAt` (the caller checked it is due). Returns the status change, or
 * null when the step changed fields only (a lost parcel). Timestamps are the step's due time, not
 * the moment the clock was advanced, so results do not depend on how the clock got there.
 */
export function applyDueStep(s: LifecycleState): Step | null {
  const at = s.nextAt;
  if (at === null) return null;
  const from = s.stato;
  switch (s.stato) {
    case "in_registrazione":
      // Only video identifications are scheduled in registration.
      if (s.magic.videofail) s.stato = "rifiutata";
      else {
        s.stato = "in_lavorazione";
        s.identifiedAt = at;
        // A video call is the documents' receipt: the courier's count starts there.
        s.registrazioneAt ??= at;
        s.shipFrom = at;
      }
      break;
    case "in_riconoscimento":
      if (s.magic.reject) {
        // The authority refuses the documents: the caller must upload both again.
        s.stato = "in_registrazione";
        s.modulo = false;
        s.documento = false;
        s.registrazioneAt = null;
      } else {
        s.stato = "in_lavorazione";
        s.identifiedAt = at;
        s.shipFrom = s.registrazioneAt ?? at;
      }
      break;
    case "in_lavorazione":
      if (s.family === "video") {
        if (s.magic.videofail) s.stato = "rifiutata";
        else {
          s.identifiedAt = at;
          s.stato = "evasa";
          issue(s, at);
        }
      } else if (s.magic.lost && s.lostParcels === 0) {
        // The first parcel leaves and never arrives; a replacement ships one period later.
        s.lostParcels = 1;
        s.firma = { ...(s.firma ?? emptyFirma()), codice_spedizione: trackingCode() };
        s.shipFrom = at;
      } else {
        s.stato = "evasa";
        s.firma = {
          ...(s.firma ?? emptyFirma()),
          codice_spedizione: trackingCode(),
          numero_busta: digits(8),
          numero_dispositivo: digits(16),
        };
        issue(s, at);
      }
      break;
    case "evasa":
    case "rifiutata":
      s.nextAt = null;
      return null;
    default:
      return assertNever(s.stato);
  }
  s.nextAt = dueAt(s);
  return from === s.stato ? null : { at, from, to: s.stato };
}

function issue(s: LifecycleState, at: Date): void {
  s.emissioneAt = at;
  s.evasioneAt = at;
  const end = new Date(at);
  end.setUTCFullYear(end.getUTCFullYear() + Durations.validityYears);
  s.scadenzaAt = end;
}

function videoHours(s: LifecycleState): number {
  return s.urgenza ? Durations.videoHoursUrgent : Durations.videoHours;
}

function trackingCode(): string {
  return `SBX${digits(10)}IT`;
}

function digits(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

function randomToken(n: number): string {
  return randomBytes(n).toString("base64url").slice(0, n);
}
