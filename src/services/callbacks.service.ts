import { timingSafeEqual } from "node:crypto";
import { SignatureRequestModel } from "../models/index.js";
import { fromUpstreamRequest, type UpstreamRequest } from "../provider/index.js";
import { hashSecret } from "./secrets.service.js";
import type { StatusTracker } from "./status-tracker.service.js";

export type CallbackOutcome = "applied" | "unknown_request" | "malformed";

/** Reads the request object out of a callback body: JSON `{data: {...}}` or a form field holding JSON text. */
export function requestFromCallbackBody(body: unknown, field = "data"): UpstreamRequest | null {
  if (body === null || typeof body !== "object") return null;
  let value = (body as Record<string, unknown>)[field];
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value === null || typeof value !== "object") return null;
  const r = value as Record<string, unknown>;
  const id = typeof r.id === "string" ? r.id : typeof r._id === "string" ? r._id : null;
  if (id === null || typeof r.stato !== "string" || typeof r.codice_prodotto !== "string") return null;
  return { ...(r as unknown as UpstreamRequest), id };
}

/**
 * Upstream's status callbacks. The URL carries our request id and a per-request secret stored only
 * as a hash; the same callback twice is one change (the tracker moves status compare-and-set).
 */
export class CallbackReceiver {
  constructor(private readonly tracker: StatusTracker) {}

  /** Verifies the secret, then applies the callback's request object. */
  async receive(requestId: string, secret: string, body: unknown): Promise<CallbackOutcome> {
    if (!/^[0-9a-f]{24}$/.test(requestId)) return "unknown_request";
    // Read whole: the tracker starts from this copy instead of reading the request again.
    const request = await SignatureRequestModel.findById(requestId);
    const expected = Buffer.from(request?.callbackSecretHash ?? "");
    const given = Buffer.from(hashSecret(secret));
    if (!request || expected.length !== given.length || !timingSafeEqual(expected, given)) return "unknown_request";
    const upstream = requestFromCallbackBody(body);
    if (upstream === null) return "malformed";
    const view = fromUpstreamRequest(upstream);
    // A callback for another request than the one its URL names is not ours to apply. One for
    // another upstream order that echoes this request's id is a duplicate order: the tracker records it.
    if ((view.gatewayRequestId !== null && view.gatewayRequestId !== requestId) || (request.upstreamId && request.upstreamId !== view.upstreamId && view.gatewayRequestId === null)) {
      return "malformed";
    }
    await this.tracker.apply(requestId, view, "CALLBACK", request);
    return "applied";
  }
}
