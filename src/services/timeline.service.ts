import { familyOfCode, type ProductFamily } from "../provider/index.js";
import type { RequestStatus } from "../models/index.js";
import { NotFoundError } from "../errors/index.js";
import type { RequestQueryService, RequestView } from "./requests.service.js";
import type { SandboxAdmin, SandboxCallbackView, SandboxMailView } from "./sandbox-admin.service.js";
import type { WebhookTools } from "./webhook-tools.service.js";
import type { WebhookDeliveryView } from "./webhooks.service.js";
import type { TenantView } from "./tenants.service.js";

/** What the caller (or, in the sandbox, the dashboard) may do next to a request. */
export type RequestMove =
  | "UPLOAD_DOCUMENTS"
  | "REQUEST_VIDEO_RECOGNITION"
  | "ADVANCE_CLOCK"
  | "FORCE_IDENTIFICATION_REFUSED"
  | "FORCE_VIDEO_FAILED"
  | "FORCE_PARCEL_LOST"
  | "FORCE_CALLBACKS_DROPPED";

export interface LifecycleStageView {
  status: RequestStatus;
  reached: boolean;
  current: boolean;
  /** An end that is not success (FAILED). */
  failure: boolean;
}

export interface TimelineView {
  request: RequestView;
  statusChanges: { status: RequestStatus; at: Date; sandboxAt: Date | null }[];
  callbacks: SandboxCallbackView[];
  webhookDeliveries: WebhookDeliveryView[];
  inbox: SandboxMailView[];
  lifecycle: LifecycleStageView[];
  nextMoves: RequestMove[];
  nextTransitionAt: Date | null;
}

/** The statuses of a family's normal path, in order, after the gateway's own SUBMITTING. */
export function lifecycleOf(family: ProductFamily | null, videoRecognition: boolean): RequestStatus[] {
  switch (family) {
    case "SIGNATURE":
    case "ARUBA":
      return videoRecognition
        ? ["SUBMITTING", "IN_REGISTRAZIONE", "IN_LAVORAZIONE", "EVASA"]
        : ["SUBMITTING", "IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA"];
    case "VIDEO":
    case "DEVICE_ONLY":
      return ["SUBMITTING", "IN_LAVORAZIONE", "EVASA"];
    case "RENEWAL":
      return ["SUBMITTING", "EVASA"];
    case "VIDEO_UPGRADE":
    case null:
      return ["SUBMITTING", "IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA"];
    default: {
      const never: never = family;
      throw new Error(`unexpected family ${String(never)}`);
    }
  }
}

/**
 * One request's whole story for the dashboard: status changes (with the sandbox clock's time for
 * test tenants), the sandbox's callbacks, the webhook deliveries, the applicant's inbox, the
 * family's lifecycle with the request's place in it, and the legal next moves.
 */
export class TimelineService {
  constructor(
    private readonly queries: RequestQueryService,
    private readonly sandbox: SandboxAdmin,
    private readonly webhookTools: WebhookTools,
  ) {}

  async timeline(tenant: TenantView, id: string): Promise<TimelineView> {
    const request = await this.queries.get(tenant, id);
    if (request === null) throw new NotFoundError("signature request", id);
    const test = tenant.mode === "TEST";
    const [detail, callbacks, inbox, webhookDeliveries] = await Promise.all([
      test ? this.sandbox.requestDetail(tenant, id) : null,
      test ? this.sandbox.callbacks(tenant, id) : [],
      test ? this.sandbox.inbox(tenant, id) : [],
      this.webhookTools.deliveriesForRequest(tenant, id),
    ]);
    // The n-th time the gateway saw a status is the n-th time the sandbox reached it.
    const seen = new Map<string, number>();
    const statusChanges = request.statusHistory.map((h) => {
      const n = seen.get(h.status) ?? 0;
      seen.set(h.status, n + 1);
      const match = detail?.history.filter((s) => s.status === h.status)[n];
      return { status: h.status, at: h.at, sandboxAt: match?.at ?? null };
    });
    const family = familyOfCode(request.productCode);
    const path = lifecycleOf(family, request.options.videoRecognition);
    const reached = new Set(request.statusHistory.map((h) => h.status));
    const lifecycle: LifecycleStageView[] = [...path, "FAILED" as const].map((status) => ({
      status,
      reached: reached.has(status) || status === request.status,
      current: status === request.status,
      failure: status === "FAILED",
    }));
    let nextMoves: RequestMove[];
    if (detail !== null) nextMoves = detail.moves.filter(isMove);
    else {
      const officer = (family === "SIGNATURE" || family === "ARUBA") && !request.options.videoRecognition;
      nextMoves = officer && request.status === "IN_REGISTRAZIONE" ? ["UPLOAD_DOCUMENTS", "REQUEST_VIDEO_RECOGNITION"] : [];
    }
    return { request, statusChanges, callbacks, webhookDeliveries, inbox, lifecycle, nextMoves, nextTransitionAt: detail?.nextAt ?? null };
  }
}

const MOVES: readonly RequestMove[] = [
  "UPLOAD_DOCUMENTS",
  "REQUEST_VIDEO_RECOGNITION",
  "ADVANCE_CLOCK",
  "FORCE_IDENTIFICATION_REFUSED",
  "FORCE_VIDEO_FAILED",
  "FORCE_PARCEL_LOST",
  "FORCE_CALLBACKS_DROPPED",
];

function isMove(m: string): m is RequestMove {
  return (MOVES as readonly string[]).includes(m);
}
