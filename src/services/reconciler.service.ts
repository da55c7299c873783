import type { Logger } from "pino";
import type { Types } from "mongoose";
import { SignatureRequestModel, TenantModel, type SignatureRequestDocument, type TenantMode } from "../models/index.js";
import { fromUpstreamRequest, UpstreamRejectedError } from "../provider/index.js";
import { nextCheckDelayMs, versionFilter, type StatusTracker } from "./status-tracker.service.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

/** Sends again an accepted order whose attempt's deadline passed with no trace upstream (OrderService). */
export interface OrderResender {
  resendAbandoned(
    tenant: Pick<TenantView, "id" | "mode">,
    request: SignatureRequestDocument,
    fromInput: null,
    via: string,
  ): Promise<SignatureRequestDocument | null>;
}

export interface ReconcilerOptions {
  clients: UpstreamClients;
  tracker: StatusTracker;
  logger: Logger;
  /** How often to look for due requests. */
  intervalMs: number;
  /** How long a claimed request is left alone by other replicas while one works on it. */
  leaseMs: number;
  /** An order whose POST got no answer and is still not upstream after this long has failed (when it cannot be resent). */
  giveUpAfterMs: number;
  /** Resends accepted orders kept sealed; without it such orders are only looked for. */
  resender?: OrderResender;
  /** An order kept sealed that still has not reached upstream after this long has failed (default 24 h). */
  resendGiveUpAfterMs?: number;
  /** How long after its last attempt an order sent more than once is listed upstream on each poll, to catch a duplicate (default 1 h). */
  duplicateWatchMs?: number;
  baseDelayMs: number;
  maxDelayMs: number;
  batchSize?: number;
}

/**
 * Brings every non-final request to its real state without relying on callbacks: it polls
 * upstream for due requests (with backoff and jitter), and settles orders whose POST had no clear
 * answer by finding them upstream through the gateway id echoed in `callback.data`, or, once the
 * attempt's deadline has passed and upstream has no trace of them, by sending them again (the
 * resender claims each attempt with a compare-and-set). Requests are claimed with an atomic lease,
 * so several replicas can run it at once. Orders sent more than once are also listed upstream on
 * every poll, to catch a late POST that created a second order (recorded as a duplicate).
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.options.logger.error({ err }, "reconciler pass failed"))
        .finally(() => {
          busy = false;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: claims and settles every request due now; returns how many it looked at. */
  async runOnce(now = new Date()): Promise<number> {
    // Changes whose events were not recorded (a listener failed, or the process died between the
    // two writes) are retried first; the lag keeps this off changes still being delivered.
    await this.options.tracker.drainOutbox(Math.max(5_000, this.options.intervalMs * 2));
    let handled = 0;
    const limit = this.options.batchSize ?? 100;
    while (handled < limit) {
      const claimed = await SignatureRequestModel.findOneAndUpdate(
        { nextCheckAt: { $lte: now } },
        { $set: { nextCheckAt: new Date(Date.now() + this.options.leaseMs) } },
        { sort: { nextCheckAt: 1 }, returnDocument: "after" },
      );
      if (claimed === null) break;
      handled++;
      try {
        await this.settle(claimed);
      } catch (err) {
        // Only if nobody wrote the request meanwhile (a fresher change keeps its own schedule).
        const delay = nextCheckDelayMs((claimed.unchangedChecks ?? 0) + 1, this.options.baseDelayMs, this.options.maxDelayMs);
        await SignatureRequestModel.updateOne(
          { _id: claimed._id, nextCheckAt: { $ne: null }, version: versionFilter(claimed.version) },
          { $set: { nextCheckAt: new Date(Date.now() + delay) }, $inc: { unchangedChecks: 1, version: 1 } },
        );
        this.options.logger.warn({ requestId: claimed.id, err: (err as Error).message }, "reconciler could not settle a request; will retry");
      }
    }
    return handled;
  }

  private async settle(request: SignatureRequestDocument): Promise<void> {
    const tenantDoc = await TenantModel.findById(request.tenantId, { mode: 1 }).lean();
    if (!tenantDoc) return;
    const tenant = { id: String(request.tenantId), mode: tenantDoc.mode as TenantMode };
    const client = await this.options.clients.forTenant(tenant);
    const echoesUs = (r: { gatewayRequestId: string | null }) => r.gatewayRequestId === (request.id as string);
    if (request.upstreamId) {
      const watchUntil = (request.submitLeaseUntil?.getTime() ?? 0) + (this.options.duplicateWatchMs ?? 60 * 60_000);
      if ((request.submitAttempts ?? 0) > 1 && Date.now() < watchUntil) {
        // Sent more than once, recently: a late POST may yet create a second order; list to catch it
        // (later ones are still caught by their callbacks).
        const found = (await client.listRequests(request.productCode)).map(fromUpstreamRequest).filter(echoesUs);
        if (!found.some((r) => r.upstreamId === request.upstreamId)) found.unshift(fromUpstreamRequest(await client.getRequest(request.upstreamId)));
        await this.options.tracker.applyEchoed(request._id, found, "POLL");
        return;
      }
      await this.options.tracker.apply(request._id, fromUpstreamRequest(await client.getRequest(request.upstreamId)), "POLL");
      return;
    }
    const age = Date.now() - request.createdAt.getTime();
    const deadline = request.submitLeaseUntil?.getTime() ?? request.createdAt.getTime();
    const resender = this.options.resender;
    if (resender && request.pendingOrder) {
      if (age > (this.options.resendGiveUpAfterMs ?? 24 * 60 * 60_000)) {
        await this.options.tracker.fail(request._id, "UPSTREAM_UNAVAILABLE", "the order could not reach ws.firmadigitale.com in time; place it again", "POLL");
        return;
      }
      if (deadline < Date.now()) {
        // The last attempt's deadline has passed: claim the next one, look upstream, send if absent.
        try {
          const after = await resender.resendAbandoned(tenant, request, null, "reconciler");
          if (after !== null && after.status !== "SUBMITTING") return;
        } catch (err) {
          if (err instanceof UpstreamRejectedError) return; // stored as FAILED with upstream's reason
          throw err;
        }
        await this.reschedule(request._id);
        return;
      }
    }
    // The POST's outcome is unknown and its attempt may still be running: look for our id upstream.
    const found = (await client.listRequests(request.productCode)).map(fromUpstreamRequest).filter(echoesUs);
    if (found.length > 0) {
      await this.options.tracker.applyEchoed(request._id, found, "POLL");
      return;
    }
    if (!(resender && request.pendingOrder) && age > this.options.giveUpAfterMs) {
      await this.options.tracker.fail(request._id, "UPSTREAM_UNAVAILABLE", "the order never reached ws.firmadigitale.com; place it again", "POLL");
      return;
    }
    await this.reschedule(request._id, request);
  }

  /**
   * Backs off the next look at a request still SUBMITTING, never before its attempt's deadline;
   * compare-and-set on the version read, so it never overwrites a newer change.
   */
  private async reschedule(id: Types.ObjectId, read?: SignatureRequestDocument): Promise<void> {
    const current = read ?? (await SignatureRequestModel.findById(id));
    if (!current?.nextCheckAt) return;
    const delay = nextCheckDelayMs((current.unchangedChecks ?? 0) + 1, this.options.baseDelayMs, this.options.maxDelayMs);
    const at = Math.max(Date.now() + delay, (current.submitLeaseUntil?.getTime() ?? 0) + 1);
    await SignatureRequestModel.updateOne(
      { _id: id, nextCheckAt: { $ne: null }, version: versionFilter(current.version) },
      { $set: { nextCheckAt: new Date(at) }, $inc: { unchangedChecks: 1, version: 1 } },
    );
  }
}
