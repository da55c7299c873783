import { Types } from "mongoose";
import {
  ApplicantModel,
  ShipmentModel,
  SignatureRequestModel,
  StatusEventModel,
  WebhookDeliveryModel,
} from "../models/index.js";
import { BadUserInputError, ForbiddenError, NotFoundError, type FieldProblem } from "../errors/index.js";
import { UpstreamUnavailableError, errorFromUpstream } from "../provider/index.js";
import { SpidVoucherModel } from "../models/index.js";
import { boundedText } from "./input-bounds.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

/** The sandbox's states, in English as the gateway speaks (RIFIUTATA: a failed video identification). */
export type SandboxStatus = "IN_REGISTRAZIONE" | "IN_RICONOSCIMENTO" | "IN_LAVORAZIONE" | "EVASA" | "RIFIUTATA";

export interface ScheduledTransitionView {
  /** The gateway's id of the request; null for a request ordered over REST without the gateway. */
  requestId: string | null;
  upstreamId: string;
  requestCode: string;
  productCode: string;
  status: SandboxStatus;
  nextStatus: SandboxStatus;
  dueAt: Date;
}

export interface SandboxClockView {
  now: Date;
  offsetSeconds: number;
  nextBusinessDay: Date;
  upcoming: ScheduledTransitionView[];
}

export interface SandboxFaultsView {
  errorRate: number;
  timeoutRate: number;
  dropCallbacks: boolean;
  spidSoldOut: boolean;
}

export interface SandboxStateView {
  clock: SandboxClockView;
  wallet: { amountCents: number; currency: string };
  faults: SandboxFaultsView;
}

export interface SandboxCallbackAttemptView {
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface SandboxCallbackView {
  id: string;
  upstreamId: string;
  requestCode: string;
  status: SandboxStatus;
  changedAt: Date;
  url: string;
  method: string;
  contentType: string;
  body: string;
  state: "PENDING" | "DELIVERED" | "FAILED" | "DROPPED";
  reason: string | null;
  attempts: SandboxCallbackAttemptView[];
  nextAttemptAt: Date | null;
}

export interface SandboxMailView {
  id: string;
  kind: string;
  to: string | null;
  subject: string;
  body: string;
  at: Date;
  hasEnvelope: boolean;
}

export interface ForcedOutcomesView {
  requestId: string;
  identificationRefused: boolean;
  videoFailed: boolean;
  parcelLost: boolean;
  callbacksDropped: boolean;
}

export interface SandboxResetView {
  sandboxRequests: number;
  callbacks: number;
  mails: number;
  gatewayRequests: number;
  statusEvents: number;
  webhookDeliveries: number;
  spidVouchers: number;
}

export interface AdvanceInput {
  seconds?: number | null;
  businessDays?: number | null;
  businessHours?: number | null;
  toNextTransition?: boolean | null;
}

export type SandboxOutcome = "IDENTIFICATION_REFUSED" | "VIDEO_FAILED" | "PARCEL_LOST" | "CALLBACKS_DROPPED" | "NORMAL";

export interface FaultsInput {
  errorRate?: number | null;
  timeoutRate?: number | null;
  dropCallbacks?: boolean | null;
  spidSoldOut?: boolean | null;
}

/** The most the wallet can be set to: ten million euros. */
export const MAX_WALLET_CENTS = 1_000_000_000;
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

type Json = Record<string, unknown>;

/**
 * Every sandbox control for GraphQL (test keys only). It drives the sandbox over its own HTTP
 * control endpoints with the tenant's sandbox token, exactly as a partner's script would over REST,
 * so the gateway never reads the sandbox's collections. Inputs are checked here first, with field
 * paths, so a bad value changes nothing.
 */
export class SandboxAdmin {
  constructor(
    private readonly clients: UpstreamClients,
    private readonly sandboxBaseUrl: () => string,
  ) {}

  /** Clock (with the schedule), wallet and faults. */
  async state(tenant: TenantView): Promise<SandboxStateView> {
    requireTest(tenant, "sandbox");
    const [clock, wallet, faults] = await Promise.all([
      this.call(tenant, "GET", "/_clock"),
      this.call(tenant, "GET", "/_wallet"),
      this.call(tenant, "GET", "/_faults"),
    ]);
    return { clock: await this.clockView(tenant, clock as Json), wallet: walletView(wallet as Json), faults: faultsView(faults as Json) };
  }

  /** Changes the given fault settings; the others keep their value. */
  async setFaults(tenant: TenantView, input: FaultsInput): Promise<SandboxFaultsView> {
    requireTest(tenant, "setSandboxFaults");
    const problems: FieldProblem[] = [];
    const body: Json = {};
    for (const [field, key] of [["errorRate", "error_rate"], ["timeoutRate", "timeout_rate"]] as const) {
      const v = input[field];
      if (v === undefined || v === null) continue;
      if (!Number.isFinite(v) || v < 0 || v > 1) problems.push({ path: `input.${field}`, message: `expected a number from 0 to 1, received ${v}` });
      else body[key] = v;
    }
    if (typeof input.dropCallbacks === "boolean") body.drop_callbacks = input.dropCallbacks;
    if (typeof input.spidSoldOut === "boolean") body.spid_sold_out = input.spidSoldOut;
    if (problems.length === 0 && Object.keys(body).length === 0) problems.push({ path: "input", message: "expected at least one setting, received none" });
    if (problems.length === 0) {
      const current = faultsView((await this.call(tenant, "GET", "/_faults")) as Json);
      const error = (body.error_rate as number | undefined) ?? current.errorRate;
      const timeout = (body.timeout_rate as number | undefined) ?? current.timeoutRate;
      if (error + timeout > 1) problems.push({ path: "input.timeoutRate", message: `expected errorRate + timeoutRate at most 1, received ${error + timeout}` });
    }
    if (problems.length > 0) throw new BadUserInputError("invalid fault settings", problems);
    return faultsView((await this.call(tenant, "PUT", "/_faults", body)) as Json);
  }

  /** Sets the wallet's balance (cents). */
  async setWallet(tenant: TenantView, balanceCents: number): Promise<{ amountCents: number; currency: string }> {
    requireTest(tenant, "setSandboxWallet");
    if (!Number.isInteger(balanceCents) || balanceCents < 0 || balanceCents > MAX_WALLET_CENTS) {
      throw new BadUserInputError("invalid balance", [{ path: "balanceCents", message: `expected an integer from 0 to ${MAX_WALLET_CENTS}, received ${balanceCents}` }]);
    }
    return walletView((await this.call(tenant, "PUT", "/_wallet", { balance: balanceCents / 100 })) as Json);
  }

  /** Advances by seconds, business days, business hours, or to the next scheduled transition (exactly one). */
  async advance(tenant: TenantView, input: AdvanceInput): Promise<{ now: Date; transitions: number }> {
    requireTest(tenant, "advanceSandboxClockBy");
    const given = (["seconds", "businessDays", "businessHours", "toNextTransition"] as const).filter((k) => input[k] !== undefined && input[k] !== null && input[k] !== false);
    if (given.length !== 1) {
      throw new BadUserInputError("invalid clock advance", [{ path: "input", message: `expected exactly one of seconds, businessDays, businessHours, toNextTransition; received ${given.length}` }]);
    }
    const key = given[0]!;
    const problem = (max: number, integer: boolean): void => {
      const v = input[key] as number;
      if ((integer && !Number.isInteger(v)) || !Number.isFinite(v) || v <= 0 || v > max) {
        throw new BadUserInputError("invalid clock advance", [{ path: `input.${key}`, message: `expected ${integer ? "an integer" : "a number"} above 0 and at most ${max}, received ${v}` }]);
      }
    };
    let body: Json;
    switch (key) {
      case "seconds":
        problem(MAX_ADVANCE_SECONDS, true);
        body = { seconds: input.seconds };
        break;
      case "businessDays":
        problem(2_000, true);
        body = { business_days: input.businessDays };
        break;
      case "businessHours":
        problem(20_000, false);
        body = { business_hours: input.businessHours };
        break;
      case "toNextTransition":
        body = { to: "next_transition" };
        break;
      default: {
        const never: never = key;
        throw new Error(`unexpected advance ${String(never)}`);
      }
    }
    const data = (await this.call(tenant, "POST", "/_clock/advance", body, `input.${key}`)) as Json;
    return { now: new Date(String(data.now)), transitions: Number(data.transitions ?? 0) };
  }

  /** Forces the next outcome of one of the tenant's requests (or clears forced outcomes with NORMAL). */
  async force(tenant: TenantView, requestId: string, outcome: SandboxOutcome): Promise<ForcedOutcomesView> {
    requireTest(tenant, "forceSandboxOutcome");
    const upstreamId = await this.upstreamIdOf(tenant, requestId);
    const data = (await this.call(tenant, "POST", `/_requests/${upstreamId}/force`, { outcome: outcome.toLowerCase() }, "outcome")) as Json;
    const forced = data.forced as Record<string, boolean>;
    return {
      requestId,
      identificationRefused: forced.identification_refused === true,
      videoFailed: forced.video_failed === true,
      parcelLost: forced.parcel_lost === true,
      callbacksDropped: forced.callbacks_dropped === true,
    };
  }

  /** The sandbox's callback log of one of the tenant's requests, oldest first. */
  async callbacks(tenant: TenantView, requestId: string): Promise<SandboxCallbackView[]> {
    requireTest(tenant, "sandboxCallbacks");
    const upstreamId = await this.upstreamIdOf(tenant, requestId, true);
    if (upstreamId === null) return [];
    const data = (await this.call(tenant, "GET", `/_callbacks?id=${upstreamId}`)) as Json[];
    return data.map(callbackView);
  }

  /** Sends a callback's body again as a new delivery; NOT_FOUND for a foreign or unknown id. */
  async resend(tenant: TenantView, callbackId: string): Promise<SandboxCallbackView> {
    requireTest(tenant, "resendSandboxCallback");
    if (!/^[0-9a-f]{24}$/i.test(callbackId)) throw new NotFoundError("sandbox callback", callbackId);
    return callbackView((await this.call(tenant, "POST", `/_callbacks/${callbackId}/resend`, {}, "callbackId")) as Json);
  }

  /** The e-mails the applicant of one of the tenant's requests would have received. */
  async inbox(tenant: TenantView, requestId: string): Promise<SandboxMailView[]> {
    requireTest(tenant, "sandboxInbox");
    const upstreamId = await this.upstreamIdOf(tenant, requestId, true);
    if (upstreamId === null) return [];
    const data = (await this.call(tenant, "GET", `/_inbox?id=${upstreamId}`)) as Json[];
    return data.map((m) => ({
      id: String(m.id),
      kind: String(m.kind),
      to: typeof m.to === "string" ? m.to : null,
      subject: String(m.subject),
      body: String(m.body),
      at: new Date(String(m.at)),
      hasEnvelope: typeof m.attachment === "string",
    }));
  }

  /** The virtual envelope PDF of a mail, base64; NOT_FOUND when the mail has none. */
  async envelopePdf(tenant: TenantView, mailId: string): Promise<string> {
    requireTest(tenant, "envelopePdfBase64");
    if (!/^[0-9a-f]{24}$/i.test(mailId)) throw new NotFoundError("sandbox mail", mailId);
    const res = await this.fetch(tenant, "GET", `/_inbox/${mailId}/envelope.pdf`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status === 404) throw new NotFoundError("sandbox envelope", mailId);
    if (!res.ok) throw errorFromUpstream(res.status, bytes, res.headers.get("content-type") ?? undefined);
    return bytes.toString("base64");
  }

  /**
   * A clean slate: the sandbox forgets the tenant's requests, callbacks and inbox (wallet, clock and
   * faults back to new), and the gateway forgets the tenant's requests, applicants, shipments,
   * status events, webhook deliveries and SPID vouchers, so the reconciler stops polling ids that no
   * longer exist. API keys and webhook endpoints stay. The feed's sequence continues (old cursors stay valid).
   */
  async reset(tenant: TenantView, confirm: boolean): Promise<SandboxResetView> {
    requireTest(tenant, "resetSandbox");
    if (confirm !== true) throw new BadUserInputError("reset not confirmed", [{ path: "confirm", message: "expected true, received false" }]);
    const tenantId = new Types.ObjectId(tenant.id);
    // The gateway first: a reconciler pass in between finds nothing to poll rather than missing ids.
    const [gatewayRequests, statusEvents, webhookDeliveries, spidVouchers] = await Promise.all([
      SignatureRequestModel.deleteMany({ tenantId }),
      StatusEventModel.deleteMany({ tenantId }),
      WebhookDeliveryModel.deleteMany({ tenantId }),
      SpidVoucherModel.deleteMany({ tenantId }),
      ApplicantModel.deleteMany({ tenantId }),
      ShipmentModel.deleteMany({ tenantId }),
    ]);
    const sandbox = (await this.call(tenant, "POST", "/_reset", {})) as Json;
    return {
      sandboxRequests: Number(sandbox.requests ?? 0),
      callbacks: Number(sandbox.callbacks ?? 0),
      mails: Number(sandbox.mails ?? 0),
      gatewayRequests: gatewayRequests.deletedCount ?? 0,
      statusEvents: statusEvents.deletedCount ?? 0,
      webhookDeliveries: webhookDeliveries.deletedCount ?? 0,
      spidVouchers: spidVouchers.deletedCount ?? 0,
    };
  }

  /** What the sandbox knows of one request for the timeline: its clock-time history, forced outcomes and moves. */
  async requestDetail(tenant: TenantView, requestId: string): Promise<SandboxRequestDetail | null> {
    requireTest(tenant, "signatureRequestTimeline");
    const upstreamId = await this.upstreamIdOf(tenant, requestId, true);
    if (upstreamId === null) return null;
    const res = await this.fetch(tenant, "GET", `/_requests/${upstreamId}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status === 404) return null;
    if (!res.ok) throw errorFromUpstream(res.status, bytes, res.headers.get("content-type") ?? undefined);
    const d = (JSON.parse(bytes.toString()) as { data: Json }).data;
    return {
      history: (d.history as { stato: string; at: string }[]).map((h) => ({ status: sandboxStatus(h.stato), at: new Date(h.at) })),
      nextAt: typeof d.next_at === "string" ? new Date(d.next_at) : null,
      moves: (d.moves as string[]).map((m) => m.toUpperCase()),
    };
  }

  private async clockView(tenant: TenantView, data: Json): Promise<SandboxClockView> {
    const upcoming = (data.upcoming as Json[] | undefined) ?? [];
    const ids = upcoming.map((u) => String(u.request_id));
    const known = ids.length === 0
      ? []
      : await SignatureRequestModel.find({ tenantId: tenant.id, upstreamId: { $in: ids } }, { upstreamId: 1 }).lean<{ _id: Types.ObjectId; upstreamId: string }[]>();
    const byUpstream = new Map(known.map((k) => [k.upstreamId, k._id.toHexString()]));
    return {
      now: new Date(String(data.now)),
      offsetSeconds: Number(data.offset_seconds ?? 0),
      nextBusinessDay: new Date(String(data.next_business_day)),
      upcoming: upcoming.map((u) => ({
        requestId: byUpstream.get(String(u.request_id)) ?? null,
        upstreamId: String(u.request_id),
        requestCode: String(u.codice_richiesta),
        productCode: String(u.codice_prodotto),
        status: sandboxStatus(String(u.stato)),
        nextStatus: sandboxStatus(String(u.next_stato)),
        dueAt: new Date(String(u.due_at)),
      })),
    };
  }

  /** The sandbox id of one of the tenant's requests; NOT_FOUND for a foreign or unknown id. */
  private async upstreamIdOf(tenant: TenantView, requestId: string, allowUnsent: true): Promise<string | null>;
  private async upstreamIdOf(tenant: TenantView, requestId: string): Promise<string>;
  private async upstreamIdOf(tenant: TenantView, requestId: string, allowUnsent = false): Promise<string | null> {
    boundedText(requestId, "requestId", "id");
    if (!Types.ObjectId.isValid(requestId)) throw new NotFoundError("signature request", requestId);
    const doc = await SignatureRequestModel.findOne({ _id: requestId, tenantId: tenant.id }, { upstreamId: 1 }).lean<{ upstreamId?: string | null } | null>();
    if (doc === null) throw new NotFoundError("signature request", requestId);
    if (!doc.upstreamId) {
      if (allowUnsent) return null;
      throw new BadUserInputError("request not yet at the sandbox", [{ path: "requestId", message: "expected a request the sandbox has accepted, received one still SUBMITTING" }]);
    }
    return doc.upstreamId;
  }

  private async fetch(tenant: TenantView, method: string, path: string, body?: Json): Promise<Response> {
    try {
      return await fetch(`${this.sandboxBaseUrl()}${path}`, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${this.clients.sandboxToken(tenant.id)}` },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new UpstreamUnavailableError({ reason: "network", message: `sandbox unreachable: ${(err as Error).message}` });
    }
  }

  /**
   * One control call; the envelope's data, or the sandbox's refusal as our codes: 400/409 become
   * BAD_USER_INPUT (the sandbox names the field first: `field: why`), 404 NOT_FOUND.
   */
  private async call(tenant: TenantView, method: string, path: string, body?: Json, fieldPrefix?: string): Promise<unknown> {
    const res = await this.fetch(tenant, method, path, body);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.ok) return (JSON.parse(bytes.toString()) as { data: unknown }).data;
    let message = "";
    try {
      message = String((JSON.parse(bytes.toString()) as { message?: unknown }).message ?? "");
    } catch {
      // Not the envelope: the factory below reports it.
    }
    if (res.status === 400 || res.status === 409) {
      const m = /^(\w+): (.*)$/s.exec(message);
      const field = fieldPrefix ?? m?.[1] ?? "input";
      throw new BadUserInputError(m?.[2] ?? message, [{ path: field, message: m?.[2] ?? message }]);
    }
    if (res.status === 404) throw new AppNotFound(message);
    throw errorFromUpstream(res.status, bytes, res.headers.get("content-type") ?? undefined);
  }
}

/** What the sandbox tells the timeline about one request. */
export interface SandboxRequestDetail {
  history: { status: SandboxStatus; at: Date }[];
  nextAt: Date | null;
  moves: string[];
}

class AppNotFound extends NotFoundError {
  constructor(message: string) {
    super("sandbox object", message.replace(/^\w+: /, ""));
  }
}

/** FORBIDDEN for live keys: the sandbox is for test keys only. */
export function requireTest(tenant: TenantView, what: string): void {
  if (tenant.mode !== "TEST") throw new ForbiddenError(`${what} is for test keys: live requests are real and have no sandbox`);
}

function sandboxStatus(stato: string): SandboxStatus {
  return stato.toUpperCase() as SandboxStatus;
}

function walletView(d: Json): { amountCents: number; currency: string } {
  return { amountCents: Math.round(Number(d.balance) * 100), currency: String(d.currency ?? "EUR") };
}

function faultsView(d: Json): SandboxFaultsView {
  return {
    errorRate: Number(d.error_rate ?? 0),
    timeoutRate: Number(d.timeout_rate ?? 0),
    dropCallbacks: d.drop_callbacks === true,
    spidSoldOut: d.spid_sold_out === true,
  };
}

function callbackView(d: Json): SandboxCallbackView {
  return {
    id: String(d.id),
    upstreamId: String(d.request_id),
    requestCode: String(d.codice_richiesta),
    status: sandboxStatus(String(d.stato)),
    changedAt: new Date(String(d.changed_at)),
    url: String(d.url),
    method: String(d.method),
    contentType: String(d.content_type),
    body: String(d.body),
    state: String(d.state).toUpperCase() as SandboxCallbackView["state"],
    reason: typeof d.reason === "string" ? d.reason : null,
    attempts: ((d.attempts as Json[] | undefined) ?? []).map((a) => ({
      at: new Date(String(a.at)),
      status: typeof a.status === "number" ? a.status : null,
      error: typeof a.error === "string" ? a.error : null,
      durationMs: Number(a.duration_ms ?? 0),
    })),
    nextAttemptAt: typeof d.next_attempt_at === "string" ? new Date(d.next_attempt_at) : null,
  };
}
