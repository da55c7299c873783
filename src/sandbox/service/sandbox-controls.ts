import { Types, type Model } from "mongoose";
import { addBusinessDays, addBusinessHours, nextBusinessDay } from "../../calendar/business-time.js";
import { applyDueStep, identifiedByVideo, isFinal, type LifecycleState, type MagicFlags } from "../lifecycle/index.js";
import { DEFAULT_BALANCE_CENTS, NO_FAULTS, type SandboxAccountDoc, type SandboxCallbackDoc, type SandboxRequestDoc } from "../models/index.js";
import type { CallbackDispatcher } from "../callbacks/index.js";
import type { InboxRecorder } from "../inbox/index.js";
import { HttpErrors } from "../http/envelope.js";
import type { SandboxError } from "../sandbox-error.js";
import { MAX_ADVANCE_SECONDS, type ClockView, type SandboxService } from "./sandbox.service.js";
import { isObjectIdHex } from "./sandbox.service.js";

/** Outcomes a partner can force on a request, the magic values' effects without re-ordering. */
export const FORCED_OUTCOMES = ["identification_refused", "video_failed", "parcel_lost", "callbacks_dropped", "normal"] as const;
export type ForcedOutcome = (typeof FORCED_OUTCOMES)[number];

/** Which magic flag each outcome sets. */
const FLAG_OF: Record<Exclude<ForcedOutcome, "normal">, keyof MagicFlags> = {
  identification_refused: "reject",
  video_failed: "videofail",
  parcel_lost: "lost",
  callbacks_dropped: "nocallback",
};

/** How far an advance goes: one of these. */
export type AdvanceBy = { seconds: number } | { business_days: number } | { business_hours: number } | { to: "next_transition" };

/** One scheduled automatic step, as GET /_clock lists it. */
export interface UpcomingTransition {
  request_id: string;
  codice_richiesta: string;
  codice_prodotto: string;
  stato: string;
  /** The state the step leads to (the same as `stato` for a lost parcel's replacement). */
  next_stato: string;
  due_at: string;
}

/** The most upcoming transitions GET /_clock lists. */
export const MAX_UPCOMING = 100;

export interface SandboxControlsDeps {
  service: SandboxService;
  requests: Model<SandboxRequestDoc>;
  accounts: Model<SandboxAccountDoc>;
  callbacks: Model<SandboxCallbackDoc>;
  dispatcher: CallbackDispatcher;
  inbox: InboxRecorder;
}

/**
 * The sandbox's control surface beyond clock, wallet and faults: the schedule, advances by business
 * time or to the next transition, forced outcomes, callback resends and the tenant reset. Every
 * method runs under the service's tenant lock.
 */
export class SandboxControls {
  constructor(private readonly deps: SandboxControlsDeps) {}

  /** GET /_clock: now, the next business day, and the upcoming scheduled transitions in due order. */
  async clock(tenantId: string): Promise<ClockView & { next_business_day: string; upcoming: UpcomingTransition[] }> {
    return this.deps.service.withTenant(tenantId, async (acc, now) => ({
      now: now.toISOString(),
      offset_seconds: Math.round(acc.clockOffsetMs / 1000),
      next_business_day: nextBusinessDay(now).toISOString(),
      upcoming: await this.upcoming(tenantId),
    }));
  }

  /** POST /_clock/advance with any AdvanceBy: converts to seconds at the tenant's now, then advances. */
  async advance(tenantId: string, by: AdvanceBy): Promise<(ClockView & { transitions: number }) | SandboxError> {
    const seconds = await this.deps.service.withTenant(tenantId, async (_acc, now): Promise<number | SandboxError> => {
      if ("seconds" in by) return by.seconds;
      if ("business_days" in by) return secondsUntil(now, addBusinessDays(now, by.business_days));
      if ("business_hours" in by) return secondsUntil(now, addBusinessHours(now, by.business_hours));
      const next = await this.deps.requests.find({ tenantId, nextAt: { $ne: null } }).sort({ nextAt: 1 }).limit(1).lean();
      const due = next[0]?.nextAt;
      if (due === undefined || due === null) return HttpErrors.conflict("to: no request has a scheduled transition");
      return secondsUntil(now, due);
    });
    if (typeof seconds !== "number") return seconds;
    if (seconds > MAX_ADVANCE_SECONDS) return HttpErrors.badControl(`advance: at most ${MAX_ADVANCE_SECONDS} seconds at once`);
    return this.deps.service.advance(tenantId, seconds);
  }

  /** POST /_requests/{id}/force: sets (or with `normal` clears) the magic flag of an outcome. */
  async force(tenantId: string, id: string, outcome: ForcedOutcome): Promise<Record<string, unknown> | SandboxError> {
    if (!isObjectIdHex(id)) return HttpErrors.badControl(`id: expected a 24-hex request id, got ${JSON.stringify(id)}`);
    return this.deps.service.withTenant(tenantId, async () => {
      const doc = await this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
      if (doc === null) return HttpErrors.missing(`id: no sandbox request ${id}`);
      if (outcome !== "normal") {
        const problem = inapplicable(doc, outcome);
        if (problem !== null) return HttpErrors.conflict(`outcome: ${problem}`);
      }
      const magic: MagicFlags =
        outcome === "normal" ? { reject: false, videofail: false, lost: false, nocallback: false } : { ...doc.magic, [FLAG_OF[outcome]]: true };
      await this.deps.requests.updateOne({ _id: doc._id, tenantId }, { $set: { magic }, $inc: { version: 1 } });
      return forcedView({ ...doc, magic });
    });
  }

  /** POST /_callbacks/{id}/resend: the same body again, as a new delivery with its own attempts. */
  async resend(tenantId: string, id: string): Promise<SandboxCallbackDoc | SandboxError> {
    if (!isObjectIdHex(id)) return HttpErrors.badControl(`id: expected a 24-hex callback id, got ${JSON.stringify(id)}`);
    return this.deps.service.withTenant(tenantId, async () => {
      const resent = await this.deps.dispatcher.resend(tenantId, id);
      return resent ?? HttpErrors.missing(`id: no callback ${id}`);
    });
  }

  /** POST /_reset: forgets the tenant's requests, callbacks and inbox; wallet, clock and faults back to new. */
  async reset(tenantId: string): Promise<{ requests: number; callbacks: number; mails: number }> {
    return this.deps.service.withTenant(tenantId, async () => {
      await this.deps.dispatcher.cancel(tenantId);
      const [requests, callbacks, mails] = await Promise.all([
        this.deps.requests.deleteMany({ tenantId }),
        this.deps.callbacks.deleteMany({ tenantId }),
        this.deps.inbox.clear(tenantId),
      ]);
      await this.deps.accounts.updateOne(
        { _id: tenantId },
        { $set: { balanceCents: DEFAULT_BALANCE_CENTS, clockOffsetMs: 0, faults: { ...NO_FAULTS } } },
      );
      return { requests: requests.deletedCount ?? 0, callbacks: callbacks.deletedCount ?? 0, mails };
    });
  }

  /** GET /_requests/{id}: history on the tenant clock, the next due step, forced outcomes and the legal next moves. */
  async detail(tenantId: string, id: string): Promise<Record<string, unknown> | SandboxError> {
    if (!isObjectIdHex(id)) return HttpErrors.badControl(`id: expected a 24-hex request id, got ${JSON.stringify(id)}`);
    return this.deps.service.withTenant(tenantId, async () => {
      const doc = await this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
      if (doc === null) return HttpErrors.missing(`id: no sandbox request ${id}`);
      return {
        ...forcedView(doc),
        codice_prodotto: doc.codice_prodotto,
        history: doc.history.map((h) => ({ stato: h.stato, at: h.at.toISOString() })),
        next_at: doc.nextAt === null ? null : doc.nextAt.toISOString(),
        moves: movesOf(doc),
      };
    });
  }

  /** The sandbox request (for the inbox's envelope header), or null. */
  async request(tenantId: string, id: string): Promise<SandboxRequestDoc | null> {
    if (!isObjectIdHex(id)) return null;
    return this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
  }

  private async upcoming(tenantId: string): Promise<UpcomingTransition[]> {
    const docs = await this.deps.requests.find({ tenantId, nextAt: { $ne: null } }).sort({ nextAt: 1 }).limit(MAX_UPCOMING).lean();
    return docs.map((doc) => {
      // A dry run on a copy says where the step leads (the magic flags included).
      const copy: LifecycleState = { ...doc, magic: { ...doc.magic } };
      applyDueStep(copy);
      return {
        request_id: doc._id.toHexString(),
        codice_richiesta: doc.codice_richiesta,
        codice_prodotto: doc.codice_prodotto,
        stato: doc.stato,
        next_stato: copy.stato,
        due_at: (doc.nextAt as Date).toISOString(),
      };
    });
  }
}

/** Why an outcome cannot be forced on this request now, or null when it can. */
export function inapplicable(doc: SandboxRequestDoc, outcome: Exclude<ForcedOutcome, "normal">): string | null {
  if (isFinal(doc.stato)) return `the request is ${doc.stato}: nothing can change it any more`;
  switch (outcome) {
    case "identification_refused":
      if ((doc.family !== "firme" && doc.family !== "aruba") || doc.videoriconoscimento) return "only identifications by a public officer can be refused (use video_failed for video ones)";
      if (doc.stato !== "in_registrazione" && doc.stato !== "in_riconoscimento") return `identification is already done (the request is ${doc.stato})`;
      return null;
    case "video_failed":
      if (!identifiedByVideo(doc)) return "the request is not identified by video";
      if (doc.identifiedAt !== null) return "the video identification is already done";
      return null;
    case "parcel_lost":
      if (doc.family !== "firme" && doc.family !== "aruba" && doc.family !== "lettore") return "this product ships nothing";
      if (doc.lostParcels > 0) return "a parcel of this request was already lost";
      return null;
    case "callbacks_dropped":
      return null;
    default: {
      const never: never = outcome;
      throw new Error(`unexpected outcome ${String(never)}`);
    }
  }
}

/** What the caller may do next to this request: uploads, a video call, an advance, forced outcomes. */
export function movesOf(doc: SandboxRequestDoc): string[] {
  const moves: string[] = [];
  const officer = (doc.family === "firme" || doc.family === "aruba") && !doc.videoriconoscimento;
  if (officer && doc.stato === "in_registrazione") moves.push("upload_documents", "request_video_recognition");
  if (doc.nextAt !== null) moves.push("advance_clock");
  for (const outcome of FORCED_OUTCOMES) {
    if (outcome === "normal") continue;
    if (!doc.magic[FLAG_OF[outcome]] && inapplicable(doc, outcome) === null) moves.push(`force_${outcome}`);
  }
  return moves;
}

/** The request's forced outcomes, as POST /_requests/{id}/force answers them. */
function forcedView(doc: SandboxRequestDoc): Record<string, unknown> {
  return {
    id: doc._id.toHexString(),
    codice_richiesta: doc.codice_richiesta,
    stato: doc.stato,
    forced: {
      identification_refused: doc.magic.reject,
      video_failed: doc.magic.videofail,
      parcel_lost: doc.magic.lost,
      callbacks_dropped: doc.magic.nocallback,
    },
  };
}

function secondsUntil(now: Date, target: Date): number {
  return Math.max(1, Math.ceil((target.getTime() - now.getTime()) / 1000));
}
