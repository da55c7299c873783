import type { Types } from "mongoose";
import type { Logger } from "pino";
import type { ProviderSignatureRequest } from "../provider/index.js";
import {
  ShipmentModel,
  SignatureRequestModel,
  type RequestStatus,
  type SignatureRequestDocument,
} from "../models/index.js";

/** Alert code of a request for which upstream holds two orders carrying its gateway id. */
export const DUPLICATE_UPSTREAM_ORDER = "DUPLICATE_UPSTREAM_ORDER";

/** Compare-and-set rounds before a write gives up under concurrent changes. */
const CAS_ATTEMPTS = 10;

/** Matches a request still at `version` (documents written before versions existed count as 0). */
export function versionFilter(version: number | null | undefined): number | { $in: (number | null)[] } {
  return version ? version : { $in: [0, null] };
}

export type ChangeSource = "CALLBACK" | "POLL" | "MUTATION";

/** One status change, as stored and as pushed to feeds. */
export interface StatusChangeNotice {
  requestId: string;
  tenantId: string;
  from: RequestStatus;
  to: RequestStatus;
  at: Date;
  source: ChangeSource;
  /** The request's session subject; absent or null when it was placed with the secret key. */
  subject?: string | null;
}

/** Told of every status change after it is stored (the event log and the feeds listen here). */
export type StatusListener = (change: StatusChangeNotice) => Promise<void>;

const RANK: Record<RequestStatus, number> = {
  SUBMITTING: 0,
  IN_REGISTRAZIONE: 1,
  IN_RICONOSCIMENTO: 2,
  IN_LAVORAZIONE: 3,
  EVASA: 4,
  FAILED: 4,
};

/** Final states: nothing upstream says moves a request out of them. */
export function isFinal(status: RequestStatus): boolean {
  return status === "EVASA" || status === "FAILED";
}

/**
 * Whether `to` may follow `from`. Forward only, so a stale poll racing a fresher callback never
 * moves a request back; the one step back upstream takes is a failed identification, which returns
 * the request to registration for new documents.
 */
export function canMove(from: RequestStatus, to: RequestStatus): boolean {
  if (from === to || isFinal(from)) return false;
  if (from === "IN_RICONOSCIMENTO" && to === "IN_REGISTRAZIONE") return true;
  return RANK[to] > RANK[from];
}

// Written by every apply, whatever the view says: not a change of what upstream holds.
const BOOKKEEPING = new Set(["nextCheckAt", "unchangedChecks"]);

/** True when every field of `set` but the bookkeeping already holds its value in `current`. */
export function storesNothingNew(current: SignatureRequestDocument, set: Record<string, unknown>): boolean {
  let plain: Record<string, unknown> | undefined;
  return Object.entries(set).every(([path, value]) => {
    if (BOOKKEEPING.has(path)) return true;
    if (value === null || typeof value !== "object" || value instanceof Date) return sameValue(current.get(path), value);
    // A whole object is replaced by $set: compare it whole, from a plain copy of the stored one.
    plain ??= current.toObject() as Record<string, unknown>;
    return sameValue(path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | null | undefined)?.[k], plain), value);
  });
}

/** Equal as stored: dates by time, objects key by key (a missing key counts as null). */
function sameValue(stored: unknown, given: unknown): boolean {
  if (stored instanceof Date || given instanceof Date) {
    return stored instanceof Date && given instanceof Date && stored.getTime() === given.getTime();
  }
  if (given !== null && typeof given === "object") {
    if (stored === null || typeof stored !== "object") return false;
    const a = stored as Record<string, unknown>;
    const b = given as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => sameValue(a[k], b[k]));
  }
  return (stored ?? null) === (given ?? null);
}

/** How long until the reconciler looks again, growing with each unchanged poll, with jitter. */
export function nextCheckDelayMs(unchangedPolls: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(unchangedPolls, 20));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export interface StatusTrackerOptions {
  /** First reconciler delay after a change (later ones back off up to maxCheckDelayMs). */
  checkDelayMs: number;
  maxCheckDelayMs: number;
  logger?: Pick<Logger, "warn">;
}

/**
 * Applies what upstream says about a request (from a callback, a poll or our own mutation's
 * answer) to the gateway's copy. Every write is compare-and-set on the request's version (and
 * status), so a callback and a poll carrying the same change store it once and notify once, and a
 * write computed from an older read (a stale poll) is computed again instead of overwriting a newer
 * change.
 */
export class StatusTracker {
  private readonly listeners: StatusListener[] = [];

  constructor(private readonly options: StatusTrackerOptions) {}

  /** Registers a listener told of every stored change. */
  onChange(listener: StatusListener): void {
    this.listeners.push(listener);
  }

  /**
   * Mirrors upstream's view onto request `id`; returns the stored request. `read`: the request as
   * the caller just read it whole, used for the first round instead of reading it again.
   */
  async apply(
    id: Types.ObjectId | string,
    view: ProviderSignatureRequest,
    source: ChangeSource,
    read?: SignatureRequestDocument,
  ): Promise<SignatureRequestDocument | null> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = attempt === 0 && read !== undefined ? read : await SignatureRequestModel.findById(id);
      if (current === null) return null;
      if (current.upstreamId && view.upstreamId !== current.upstreamId) {
        // A second upstream order echoing our id is a duplicate (a late POST of an earlier attempt):
        // recorded, never mirrored. Any other foreign view is not about this request.
        if (view.gatewayRequestId === current.id) return this.recordDuplicate(current._id, view.upstreamId, source);
        this.options.logger?.warn({ requestId: current.id as string, upstreamId: view.upstreamId }, "ignored an upstream view of another request");
        return current;
      }
      const from = current.status as RequestStatus;
      if (view.status === "RIFIUTATA") {
        return this.fail(current._id, "IDENTIFICATION_REFUSED", "upstream refused the applicant's identification (rifiutata)", source);
      }
      const to = view.status === "UNKNOWN" ? from : (view.status as RequestStatus);
      const move = canMove(from, to);
      const now = new Date();
      const final = isFinal(move ? to : from);

      const set: Record<string, unknown> = {
        upstreamId: view.upstreamId,
        requestCode: view.requestCode ?? current.requestCode,
        formUploaded: view.formUploaded,
        documentUploaded: view.documentUploaded,
        "options.assistance": view.assistance,
        "options.urgent": view.urgent,
        "options.videoRecognition": view.videoRecognition,
        nextCheckAt: final
          ? null
          : new Date(now.getTime() + nextCheckDelayMs(move ? 0 : (current.unchangedChecks ?? 0) + 1, this.options.checkDelayMs, this.options.maxCheckDelayMs)),
        unchangedChecks: move ? 0 : (current.unchangedChecks ?? 0) + 1,
        // Upstream has the order: what was kept to resend it is erased.
        pendingOrder: null,
      };
      if (view.quantity !== null) set["options.quantity"] = view.quantity;
      if (view.device) {
        set.device = {
          deviceNumber: view.device.deviceNumber,
          cardCode: view.device.cardCode,
          userCode: view.device.userCode,
          alias: view.device.alias,
          iut: view.device.iut,
        };
      }
      if (view.credentials) set.credentials = view.credentials;
      if (view.timestamps.fulfilledAt) set.issuedAt = view.timestamps.fulfilledAt;
      if (view.timestamps.expiresAt) set.expiresAt = view.timestamps.expiresAt;

      if (!move) {
        // Within one status, uploads only ever become true: a poll answered before an upload landed
        // must not switch the flags back (a refused identification clears them with its status move).
        if (!view.formUploaded) delete set.formUploaded;
        if (!view.documentUploaded) delete set.documentUploaded;
        // A callback or our own call's answer that brings nothing new (the order's answer after its
        // callback, a callback sent twice) is not written: only polls move the next check on.
        if (source !== "POLL" && storesNothingNew(current, set)) return current;
        const updated = await SignatureRequestModel.findOneAndUpdate(
          { _id: current._id, status: from, version: versionFilter(current.version) },
          { $set: set, $inc: { version: 1 } },
          { returnDocument: "after" },
        );
        if (updated === null) continue; // written since we read it: compute again from the newer copy
        await this.updateShipment(updated, view);
        return updated;
      }
      set.status = to;
      const updated = await SignatureRequestModel.findOneAndUpdate(
        { _id: current._id, status: from, version: versionFilter(current.version) },
        { $set: set, $inc: { version: 1 }, $push: { statusHistory: { status: to, at: now }, outbox: { from, to, at: now, source } } },
        { returnDocument: "after" },
      );
      if (updated === null) continue; // someone else wrote first: look again
      await this.updateShipment(updated, view);
      await this.notify({ requestId: updated.id as string, tenantId: String(updated.tenantId), from, to, at: now, source, subject: updated.subject ?? null });
      return updated;
    }
    throw new Error(`request ${String(id)}: status kept changing under concurrent updates`);
  }

  /** Moves a request to a gateway-only state (FAILED), compare-and-set like upstream changes. */
  async fail(id: Types.ObjectId | string, code: string, message: string, source: ChangeSource): Promise<SignatureRequestDocument | null> {
    // Compare-and-set like apply: if another change lands first, look again and fail from there.
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await SignatureRequestModel.findById(id);
      if (current === null || isFinal(current.status as RequestStatus)) return current;
      const from = current.status as RequestStatus;
      const now = new Date();
      const updated = await SignatureRequestModel.findOneAndUpdate(
        { _id: current._id, status: from, version: versionFilter(current.version) },
        {
          $set: { status: "FAILED", failure: { code, message }, nextCheckAt: null, pendingOrder: null },
          $inc: { version: 1 },
          $push: { statusHistory: { status: "FAILED", at: now }, outbox: { from, to: "FAILED", at: now, source } },
        },
        { returnDocument: "after" },
      );
      if (updated !== null) {
        await this.notify({ requestId: updated.id as string, tenantId: String(updated.tenantId), from, to: "FAILED", at: now, source, subject: updated.subject ?? null });
        return updated;
      }
    }
    throw new Error(`request ${String(id)}: status kept changing under concurrent updates`);
  }

  /**
   * Mirrors the upstream orders found echoing request `id`'s gateway id: the oldest becomes the
   * request's (unless it already has one), every other is recorded as a duplicate.
   */
  async applyEchoed(id: Types.ObjectId | string, found: ProviderSignatureRequest[], source: ChangeSource): Promise<SignatureRequestDocument | null> {
    const ordered = [...found].sort(
      (a, b) => (a.timestamps.purchasedAt?.getTime() ?? 0) - (b.timestamps.purchasedAt?.getTime() ?? 0) || (a.upstreamId < b.upstreamId ? -1 : 1),
    );
    const current = await SignatureRequestModel.findById(id, { upstreamId: 1 }).lean();
    // The request's own upstream order first, so the others are the duplicates.
    const own = ordered.findIndex((v) => v.upstreamId === current?.upstreamId);
    if (own > 0) ordered.unshift(...ordered.splice(own, 1));
    let stored: SignatureRequestDocument | null = null;
    for (const view of ordered) stored = (await this.apply(id, view, source)) ?? stored;
    return stored;
  }

  /**
   * Records that upstream holds a second order echoing request `id`'s gateway id: an alert
   * DUPLICATE_UPSTREAM_ORDER on the request (once per upstream order) and a log line. The request
   * keeps mirroring its first upstream order; the duplicate is left for a human to cancel.
   */
  async recordDuplicate(id: Types.ObjectId | string, duplicateUpstreamId: string, source: ChangeSource): Promise<SignatureRequestDocument | null> {
    const updated = await SignatureRequestModel.findOneAndUpdate(
      { _id: id, "alerts.upstreamId": { $ne: duplicateUpstreamId } },
      {
        $push: {
          alerts: {
            code: DUPLICATE_UPSTREAM_ORDER,
            message: `upstream holds a second order (${duplicateUpstreamId}) carrying this request's id: one POST reached upstream after its deadline and the resend`,
            upstreamId: duplicateUpstreamId,
            at: new Date(),
          },
        },
        $inc: { version: 1 },
      },
      { returnDocument: "after" },
    );
    if (updated === null) return SignatureRequestModel.findById(id);
    this.options.logger?.warn(
      { requestId: updated.id as string, upstreamId: updated.upstreamId, duplicateUpstreamId, source, code: DUPLICATE_UPSTREAM_ORDER },
      "duplicate upstream order: two upstream orders carry this request's gateway id",
    );
    return updated;
  }

  private async updateShipment(request: SignatureRequestDocument, view: ProviderSignatureRequest): Promise<void> {
    if (!request.shipmentId || !view.device) return;
    const { trackingCode, envelopeNumber } = view.device;
    if (trackingCode === null && envelopeNumber === null) return;
    await ShipmentModel.updateOne(
      { _id: request.shipmentId },
      { $set: { trackingCode, envelopeNumber, shippedAt: view.timestamps.fulfilledAt ?? new Date() } },
    );
  }

  /**
   * Hands a stored change to every listener, then clears it from the request's outbox. A listener
   * that fails leaves it there for drainOutbox: listeners must be idempotent (the event log is).
   */
  private async notify(change: StatusChangeNotice): Promise<void> {
    try {
      for (const listener of this.listeners) await listener(change);
    } catch (err) {
      this.options.logger?.warn({ requestId: change.requestId, err: (err as Error).message }, "status change kept in the outbox for a retry");
      return;
    }
    await SignatureRequestModel.updateOne({ _id: change.requestId }, { $pull: { outbox: { to: change.to, at: change.at } } });
  }

  /** Retries changes whose listeners failed (or whose process died) more than `olderThanMs` ago; returns how many it delivered. */
  async drainOutbox(olderThanMs: number, limit = 100): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const stuck = await SignatureRequestModel.find({ "outbox.at": { $lte: cutoff } }, { tenantId: 1, subject: 1, outbox: 1 }).limit(limit).lean();
    let delivered = 0;
    for (const request of stuck) {
      for (const entry of request.outbox ?? []) {
        if (entry.at > cutoff) continue;
        await this.notify({
          requestId: request._id.toHexString(),
          tenantId: String(request.tenantId),
          from: entry.from as RequestStatus,
          to: entry.to as RequestStatus,
          at: entry.at,
          source: entry.source as ChangeSource,
          subject: request.subject ?? null,
        });
        delivered++;
      }
    }
    return delivered;
  }
}
