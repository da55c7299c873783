import type { Logger } from "pino";
import { SignatureRequestModel, TenantModel, type TenantMode } from "../models/index.js";
import { fromUpstreamRequest } from "../provider/index.js";
import { nextCheckDelayMs, type StatusTracker } from "./status-tracker.service.js";
import type { UpstreamClients } from "./upstream-clients.service.js";

export interface ReconcilerOptions {
  clients: UpstreamClients;
  tracker: StatusTracker;
  logger: Logger;
  /** How often to look for due requests. */
  intervalMs: number;
  /** How long a claimed request is left alone by other replicas while one works on it. */
  leaseMs: number;
  /** An order whose POST got no answer and is still not upstream after this long has failed. */
  giveUpAfterMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  batchSize?: number;
}

/**
 * Brings every non-final request to its real state without relying on callbacks: it polls
 * upstream for due requests (with backoff and jitter), and settles orders whose POST had no clear
 * answer by finding them upstream through the gateway id echoed in `callback.data`. Requests are
 * claimed with an atomic lease, so several replicas can run it at once.
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
        const delay = nextCheckDelayMs((claimed.unchangedChecks ?? 0) + 1, this.options.baseDelayMs, this.options.maxDelayMs);
        await SignatureRequestModel.updateOne(
          { _id: claimed._id, nextCheckAt: { $ne: null } },
          { $set: { nextCheckAt: new Date(Date.now() + delay) }, $inc: { unchangedChecks: 1 } },
        );
        this.options.logger.warn({ requestId: claimed.id, err: (err as Error).message }, "reconciler could not settle a request; will retry");
      }
    }
    return handled;
  }

  private async settle(request: InstanceType<typeof SignatureRequestModel>): Promise<void> {
    const tenant = await TenantModel.findById(request.tenantId, { mode: 1 }).lean();
    if (!tenant) return;
    const client = await this.options.clients.forTenant({ id: String(request.tenantId), mode: tenant.mode as TenantMode });
    if (request.upstreamId) {
      await this.options.tracker.apply(request._id, fromUpstreamRequest(await client.getRequest(request.upstreamId)), "POLL");
      return;
    }
    // The POST's outcome is unknown: look for our id among upstream's requests of that product.
    const found = (await client.listRequests(request.productCode))
      .map(fromUpstreamRequest)
      .find((r) => r.gatewayRequestId === (request.id as string));
    if (found) {
      await this.options.tracker.apply(request._id, found, "POLL");
      return;
    }
    if (Date.now() - request.createdAt.getTime() > this.options.giveUpAfterMs) {
      await this.options.tracker.fail(request._id, "UPSTREAM_UNAVAILABLE", "the order never reached ws.firmadigitale.com; place it again", "POLL");
      return;
    }
    const delay = nextCheckDelayMs((request.unchangedChecks ?? 0) + 1, this.options.baseDelayMs, this.options.maxDelayMs);
    await SignatureRequestModel.updateOne({ _id: request._id }, { $set: { nextCheckAt: new Date(Date.now() + delay) }, $inc: { unchangedChecks: 1 } });
  }
}
