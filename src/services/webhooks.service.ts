import { createHmac, randomBytes } from "node:crypto";
import type { lookup as dnsLookup } from "node:dns/promises";
import { Types } from "mongoose";
import type { Logger } from "pino";
import { WebhookDeliveryModel, WebhookEndpointModel, type DeliveryStatus } from "../models/index.js";
import { BadUserInputError, NotFoundError } from "../errors/index.js";
import { assertPublicHttpUrl, resolvePublicTarget, type PinnedTarget } from "../security/url-guard.js";
import { postPinned } from "./webhook-http.js";
import type { FieldCipherLike } from "./field-cipher.js";
import type { StatusEventView } from "./events.service.js";
import type { TenantView } from "./tenants.service.js";

/** Standard Webhooks' retry schedule: the delay before each attempt (the first is immediate). */
export const DEFAULT_RETRY_SCHEDULE_MS = [0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000];

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  createdAt: Date;
  /** While set and in the future, deliveries are signed with the previous secret too. */
  previousSecretExpiresAt: Date | null;
}

export interface WebhookAttemptView {
  at: Date;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastResponseCode: number | null;
  lastError: string | null;
  createdAt: Date;
  /** The exact body signed and sent. */
  body: string;
  example: boolean;
  attemptLog: WebhookAttemptView[];
}

/** A new secret in Standard Webhooks' format: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed by the secret's bytes. */
export function signWebhook(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${messageId}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/**
 * The `webhook-signature` header: one `v1,<sig>` per secret, space-separated (Standard Webhooks),
 * so during a rotation's overlap receivers holding either secret can verify.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  return secrets.map((s) => signWebhook(s, messageId, timestampSeconds, body)).join(" ");
}

/** DNS resolution of every address of a host (tests replace it). */
export type LookupAll = (hostname: string) => Promise<{ address: string }[]>;

/**
 * Throws BAD_USER_INPUT unless `url` is http(s), without credentials, and (unless `allowPrivate`,
 * for development) every address it resolves to is public, so a tenant cannot point the gateway at
 * its own network (SSRF).
 */
export async function assertWebhookUrl(url: string, options: { allowPrivate: boolean; lookup?: LookupAll }): Promise<URL> {
  const lookup = options.lookup;
  const parsed = await assertPublicHttpUrl(url, {
    allowPrivate: options.allowPrivate,
    path: "url",
    ...(lookup ? { lookup: ((host: string) => lookup(host)) as unknown as typeof dnsLookup } : {}),
  });
  if (parsed.username || parsed.password) {
    throw new BadUserInputError("invalid webhook URL", [{ path: "url", message: "expected no credentials in the URL" }]);
  }
  return parsed;
}

/** assertWebhookUrl, returning the checked addresses to connect to (see postPinned). */
export async function resolveWebhookTarget(url: string, options: { allowPrivate: boolean; lookup?: LookupAll }): Promise<PinnedTarget> {
  const lookup = options.lookup;
  // One resolution, checked and then connected to.
  const target = await resolvePublicTarget(url, {
    allowPrivate: options.allowPrivate,
    path: "url",
    ...(lookup ? { lookup: ((host: string) => lookup(host)) as unknown as typeof dnsLookup } : {}),
  });
  if (target.url.username || target.url.password) {
    throw new BadUserInputError("invalid webhook URL", [{ path: "url", message: "expected no credentials in the URL" }]);
  }
  return target;
}

export interface WebhookServiceOptions {
  cipher: FieldCipherLike;
  logger: Logger;
  /** Lets endpoints point at private addresses (development and tests only). */
  allowPrivateTargets: boolean;
  retryScheduleMs?: number[];
  /** How often the worker looks for due deliveries (it is also woken on every new event). */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  lookup?: LookupAll;
}

interface EndpointRow {
  _id: Types.ObjectId;
  url: string;
  description?: string | null;
  secretEncrypted: string;
  createdAt: Date;
  previousSecretEncrypted?: string | null;
  previousSecretExpiresAt?: Date | null;
}

export interface DeliveryRow {
  _id: Types.ObjectId;
  endpointId: Types.ObjectId;
  eventId: Types.ObjectId;
  messageId: string;
  body: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastResponseCode: number | null;
  lastError: string | null;
  createdAt: Date;
  example?: boolean;
  attemptLog?: { at: Date; responseCode?: number | null; error?: string | null; durationMs?: number }[];
}

function endpointView(row: EndpointRow): WebhookEndpointView {
  const overlap = row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date() ? row.previousSecretExpiresAt : null;
  return { id: row._id.toHexString(), url: row.url, description: row.description ?? "", createdAt: row.createdAt, previousSecretExpiresAt: overlap };
}

export function deliveryView(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row._id.toHexString(),
    endpointId: row.endpointId.toHexString(),
    eventId: row.eventId.toHexString(),
    messageId: row.messageId,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt ?? null,
    lastAttemptAt: row.lastAttemptAt ?? null,
    lastResponseCode: row.lastResponseCode ?? null,
    lastError: row.lastError ?? null,
    createdAt: row.createdAt,
    body: row.body,
    example: row.example === true,
    attemptLog: (row.attemptLog ?? []).map((a) => ({ at: a.at, responseCode: a.responseCode ?? null, error: a.error ?? null, durationMs: a.durationMs ?? 0 })),
  };
}

export const MAX_WEBHOOK_ENDPOINTS = 20;
export const MAX_DELIVERIES_PAGE = 100;

/** Webhook endpoints per tenant, and signed, retried, persisted delivery of every status event to them. */
export class WebhookService {
  private readonly schedule: number[];
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly options: WebhookServiceOptions) {
    this.schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
    if (this.schedule.length === 0) throw new RangeError("retryScheduleMs: expected at least one attempt, received an empty schedule");
    this.leaseMs = Math.max(30_000, (options.requestTimeoutMs ?? 10_000) * 3);
  }

  /** Registers an endpoint; the secret is returned here only. */
  async createEndpoint(tenant: TenantView, url: string, description: string | null | undefined): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const parsed = await assertWebhookUrl(url, { allowPrivate: this.options.allowPrivateTargets, lookup: this.options.lookup });
    if ((description ?? "").length > 500) {
      throw new BadUserInputError("invalid description", [{ path: "description", message: `expected at most 500 characters, received ${description!.length}` }]);
    }
    const count = await WebhookEndpointModel.countDocuments({ tenantId: tenant.id, deletedAt: null });
    if (count >= MAX_WEBHOOK_ENDPOINTS) {
      throw new BadUserInputError("too many webhook endpoints", [{ path: "url", message: `expected at most ${MAX_WEBHOOK_ENDPOINTS} endpoints, the tenant has ${count}` }]);
    }
    const secret = generateWebhookSecret();
    const doc = await WebhookEndpointModel.create({
      tenantId: tenant.id,
      url: parsed.toString(),
      description: description ?? "",
      secretEncrypted: this.options.cipher.encrypt(secret),
    });
    return { endpoint: endpointView(doc.toObject() as unknown as EndpointRow), secret };
  }

  /** The tenant's active endpoints, oldest first. */
  async listEndpoints(tenant: TenantView): Promise<WebhookEndpointView[]> {
    const rows = await WebhookEndpointModel.find({ tenantId: tenant.id, deletedAt: null }).sort({ createdAt: 1, _id: 1 }).lean<EndpointRow[]>();
    return rows.map(endpointView);
  }

  /** Deletes an endpoint; its pending deliveries are abandoned. NOT_FOUND for a foreign or unknown id. */
  async deleteEndpoint(tenant: TenantView, id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError("webhook endpoint", id);
    const res = await WebhookEndpointModel.updateOne({ _id: id, tenantId: tenant.id, deletedAt: null }, { $set: { deletedAt: new Date() } });
    if (res.modifiedCount !== 1) throw new NotFoundError("webhook endpoint", id);
    await WebhookDeliveryModel.updateMany(
      { endpointId: id, status: { $in: ["PENDING", "DELIVERING"] } },
      { $set: { status: "FAILED", nextAttemptAt: null, lastError: "endpoint deleted" } },
    );
    return true;
  }

  /** The endpoint's latest deliveries, newest first. */
  async listDeliveries(tenant: TenantView, endpointId: string, first: number): Promise<WebhookDeliveryView[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES_PAGE) {
      throw new BadUserInputError("invalid page size", [{ path: "first", message: `expected 1 to ${MAX_DELIVERIES_PAGE}, received ${first}` }]);
    }
    if (!Types.ObjectId.isValid(endpointId) || (await WebhookEndpointModel.exists({ _id: endpointId, tenantId: tenant.id })) === null) {
      throw new NotFoundError("webhook endpoint", endpointId);
    }
    const rows = await WebhookDeliveryModel.find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(first).lean<DeliveryRow[]>();
    return rows.map(deliveryView);
  }

  /** Queues the event for each of its tenant's endpoints and wakes the worker. */
  async enqueue(event: StatusEventView): Promise<void> {
    const endpoints = await WebhookEndpointModel.find({ tenantId: event.tenantId, deletedAt: null }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    if (endpoints.length === 0) return;
    const body = JSON.stringify({
      type: "signature_request.status_changed",
      timestamp: event.at.toISOString(),
      data: { id: event.id, cursor: event.cursor, sequence: event.sequence, requestId: event.requestId, from: event.from, to: event.to, at: event.at.toISOString(), source: event.source },
    });
    const now = new Date();
    const rows = endpoints.map((e) => ({
      tenantId: event.tenantId,
      endpointId: e._id,
      eventId: event.id,
      messageId: `msg_${event.id}`,
      body,
      status: "PENDING",
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() + this.schedule[0]!),
    }));
    try {
      await WebhookDeliveryModel.insertMany(rows, { ordered: false });
    } catch (err) {
      // Already queued (the same event recorded twice): the unique (endpoint, event) index keeps one.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    this.kick();
  }

  /** Starts the background worker. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Stops the worker and waits for the attempt in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.options.logger.error({ err }, "webhook worker pass failed"))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Claims and attempts due deliveries until none is due. */
  private async drain(): Promise<void> {
    while (!this.stopped) {
      const now = new Date();
      // Atomic claim: a DELIVERING row's nextAttemptAt is its lease, so a worker that died mid-attempt is retried.
      const claimed = await WebhookDeliveryModel.findOneAndUpdate(
        { status: { $in: ["PENDING", "DELIVERING"] }, nextAttemptAt: { $lte: now } },
        { $set: { status: "DELIVERING", nextAttemptAt: new Date(now.getTime() + this.leaseMs) } },
        { sort: { nextAttemptAt: 1 }, returnDocument: "after" },
      ).lean<DeliveryRow | null>();
      if (claimed === null) return;
      await this.attempt(claimed);
    }
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const endpoint = await WebhookEndpointModel.findOne({ _id: delivery.endpointId, deletedAt: null }).lean<EndpointRow | null>();
    if (endpoint === null) {
      await WebhookDeliveryModel.updateOne({ _id: delivery._id }, { $set: { status: "FAILED", nextAttemptAt: null, lastError: "endpoint deleted" } });
      return;
    }
    const attempts = delivery.attempts + 1;
    let code: number | null = null;
    let error: string | null = null;
    const started = Date.now();
    try {
      // Checked again at delivery (the name may resolve elsewhere now than at registration), and the
      // connection pinned to the addresses this check saw: no second DNS answer is ever used.
      const target = await resolveWebhookTarget(endpoint.url, { allowPrivate: this.options.allowPrivateTargets, lookup: this.options.lookup });
      const secrets = [this.options.cipher.decrypt(endpoint.secretEncrypted)];
      if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()) {
        secrets.push(this.options.cipher.decrypt(endpoint.previousSecretEncrypted));
      }
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        "content-type": "application/json",
        "user-agent": "firma-gateway-webhooks/1",
        "webhook-id": delivery.messageId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(secrets, delivery.messageId, timestamp, delivery.body),
      };
      code = await postPinned(target, headers, delivery.body, this.options.requestTimeoutMs ?? 10_000);
      if (code < 200 || code >= 300) error = `endpoint answered HTTP ${code}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : "request failed";
    }
    const now = new Date();
    const logged = { $push: { attemptLog: { at: new Date(started), responseCode: code, error, durationMs: now.getTime() - started } } };
    if (error === null) {
      await WebhookDeliveryModel.updateOne(
        { _id: delivery._id },
        { $set: { status: "SUCCEEDED", attempts, lastAttemptAt: now, lastResponseCode: code, lastError: null, nextAttemptAt: null }, ...logged },
      );
      return;
    }
    const delay = this.schedule[attempts];
    const final = delay === undefined;
    await WebhookDeliveryModel.updateOne(
      { _id: delivery._id },
      {
        $set: {
          status: final ? "FAILED" : "PENDING",
          attempts,
          lastAttemptAt: now,
          lastResponseCode: code,
          lastError: error,
          nextAttemptAt: final ? null : new Date(now.getTime() + delay),
        },
        ...logged,
      },
    );
    if (!final && delay <= (this.options.pollIntervalMs ?? 1_000)) {
      // Short retry delays (tests, the immediate first retry) should not wait for the next poll.
      setTimeout(() => this.kick(), delay).unref();
    }
  }
}
