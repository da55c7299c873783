import { Types } from "mongoose";
import { SignatureRequestModel, StatusEventModel, WebhookDeliveryModel, WebhookEndpointModel } from "../models/index.js";
import { BadUserInputError, NotFoundError } from "../errors/index.js";
import type { FieldCipherLike } from "./field-cipher.js";
import type { TenantView } from "./tenants.service.js";
import { deliveryView, generateWebhookSecret, type DeliveryRow, type WebhookDeliveryView, type WebhookEndpointView, type WebhookService } from "./webhooks.service.js";

/** A rotation's overlap: 24 hours by default, a week at most, 0 to drop the old secret at once. */
export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 7 * 24;
export const MAX_REQUEST_DELIVERIES = 200;

/**
 * The webhook tools partners expect from Svix-like services: redeliver a delivery, send an example
 * event, rotate a secret with an overlap, and list a request's deliveries. Deliveries still go out
 * through WebhookService's worker (signing, retries, the URL guard), which is woken here.
 */
export class WebhookTools {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly cipher: FieldCipherLike,
  ) {}

  /** Queues one more attempt of a delivery now (same `webhook-id` and body, fresh signature). */
  async redeliver(tenant: TenantView, deliveryId: string): Promise<WebhookDeliveryView> {
    if (!Types.ObjectId.isValid(deliveryId)) throw new NotFoundError("webhook delivery", deliveryId);
    const row = await WebhookDeliveryModel.findOne({ _id: deliveryId, tenantId: tenant.id }).lean<DeliveryRow | null>();
    if (row === null) throw new NotFoundError("webhook delivery", deliveryId);
    if ((await WebhookEndpointModel.exists({ _id: row.endpointId, deletedAt: null })) === null) {
      throw new NotFoundError("webhook endpoint", row.endpointId.toHexString());
    }
    const updated = await WebhookDeliveryModel.findOneAndUpdate(
      { _id: row._id, status: { $ne: "DELIVERING" } },
      { $set: { status: "PENDING", nextAttemptAt: new Date() } },
      { returnDocument: "after" },
    ).lean<DeliveryRow | null>();
    if (updated === null) {
      throw new BadUserInputError("delivery in flight", [{ path: "deliveryId", message: "expected a delivery not being attempted right now, received one in flight" }]);
    }
    this.webhooks.kick();
    return deliveryView(updated);
  }

  /** Queues a signed example event to one endpoint (type `example.status_changed`, `example: true`). */
  async sendExample(tenant: TenantView, endpointId: string): Promise<WebhookDeliveryView> {
    const endpoint = await this.endpoint(tenant, endpointId);
    const eventId = new Types.ObjectId();
    const now = new Date();
    const body = JSON.stringify({
      type: "example.status_changed",
      timestamp: now.toISOString(),
      example: true,
      data: {
        id: eventId.toHexString(),
        cursor: "example",
        sequence: 0,
        requestId: "000000000000000000000000",
        from: "IN_RICONOSCIMENTO",
        to: "IN_LAVORAZIONE",
        at: now.toISOString(),
        source: "CALLBACK",
      },
    });
    const created = await WebhookDeliveryModel.create({
      tenantId: tenant.id,
      endpointId: endpoint._id,
      eventId,
      messageId: `msg_example_${eventId.toHexString()}`,
      body,
      status: "PENDING",
      attempts: 0,
      nextAttemptAt: now,
      example: true,
    });
    this.webhooks.kick();
    return deliveryView(created.toObject() as unknown as DeliveryRow);
  }

  /** A new secret; the old one keeps signing (a second `v1,` entry) for `overlapHours`. */
  async rotateSecret(tenant: TenantView, endpointId: string, overlapHours: number): Promise<{ endpoint: WebhookEndpointView; secret: string; previousSecretExpiresAt: Date | null }> {
    if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) {
      throw new BadUserInputError("invalid overlap", [{ path: "overlapHours", message: `expected an integer from 0 to ${MAX_OVERLAP_HOURS}, received ${overlapHours}` }]);
    }
    const endpoint = await this.endpoint(tenant, endpointId);
    const secret = generateWebhookSecret();
    const previousSecretExpiresAt = overlapHours === 0 ? null : new Date(Date.now() + overlapHours * 3600_000);
    const updated = await WebhookEndpointModel.findOneAndUpdate(
      { _id: endpoint._id, tenantId: tenant.id, deletedAt: null, secretEncrypted: endpoint.secretEncrypted },
      {
        $set: {
          secretEncrypted: this.cipher.encrypt(secret),
          previousSecretEncrypted: overlapHours === 0 ? null : endpoint.secretEncrypted,
          previousSecretExpiresAt,
        },
      },
      { returnDocument: "after" },
    ).lean<{ _id: Types.ObjectId; url: string; description?: string | null; createdAt: Date; previousSecretExpiresAt?: Date | null } | null>();
    if (updated === null) {
      throw new BadUserInputError("concurrent rotation", [{ path: "endpointId", message: "expected one rotation at a time, received two at once: retry" }]);
    }
    return {
      endpoint: { id: updated._id.toHexString(), url: updated.url, description: updated.description ?? "", createdAt: updated.createdAt, previousSecretExpiresAt },
      secret,
      previousSecretExpiresAt,
    };
  }

  /** Every webhook delivery of one of the tenant's requests' status events, oldest first. */
  async deliveriesForRequest(tenant: TenantView, requestId: string): Promise<WebhookDeliveryView[]> {
    if (!Types.ObjectId.isValid(requestId) || (await SignatureRequestModel.exists({ _id: requestId, tenantId: tenant.id })) === null) {
      throw new NotFoundError("signature request", requestId);
    }
    const events = await StatusEventModel.find({ tenantId: tenant.id, requestId }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    if (events.length === 0) return [];
    const rows = await WebhookDeliveryModel.find({ tenantId: tenant.id, eventId: { $in: events.map((e) => e._id) } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_REQUEST_DELIVERIES)
      .lean<DeliveryRow[]>();
    return rows.map(deliveryView);
  }

  private async endpoint(tenant: TenantView, endpointId: string): Promise<{ _id: Types.ObjectId; secretEncrypted: string }> {
    if (!Types.ObjectId.isValid(endpointId)) throw new NotFoundError("webhook endpoint", endpointId);
    const row = await WebhookEndpointModel.findOne({ _id: endpointId, tenantId: tenant.id, deletedAt: null }, { secretEncrypted: 1 }).lean<{ _id: Types.ObjectId; secretEncrypted: string } | null>();
    if (row === null) throw new NotFoundError("webhook endpoint", endpointId);
    return row;
  }
}
