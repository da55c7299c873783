import { Schema, model, type InferSchemaType } from "mongoose";

export const DELIVERY_STATUSES = ["PENDING", "DELIVERING", "SUCCEEDED", "FAILED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event to one endpoint, with its retry state; persisted so retries survive restarts. */
const webhookDeliverySchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true, ref: "Tenant" },
    endpointId: { type: Schema.Types.ObjectId, required: true, ref: "WebhookEndpoint" },
    eventId: { type: Schema.Types.ObjectId, required: true, ref: "StatusEvent" },
    /** Standard Webhooks `webhook-id`: the same on every retry, so receivers can deduplicate. */
    messageId: { type: String, required: true },
    /** The exact body signed and sent. */
    body: { type: String, required: true },
    status: { type: String, required: true, enum: DELIVERY_STATUSES, default: "PENDING" },
    attempts: { type: Number, required: true, default: 0 },
    /** When a worker may claim it next (also the lease end while DELIVERING). */
    nextAttemptAt: { type: Date, default: null },
    lastAttemptAt: { type: Date, default: null },
    lastResponseCode: { type: Number, default: null },
    lastError: { type: String, default: null },
    /** Sent by sendExampleWebhook: not a real event (eventId names no StatusEvent). */
    example: { type: Boolean, default: false },
    /** Every attempt, oldest first (the last* fields repeat the newest). */
    attemptLog: {
      type: [{ _id: false, at: Date, responseCode: { type: Number, default: null }, error: { type: String, default: null }, durationMs: Number }],
      default: [],
    },
  },
  { timestamps: true },
);
webhookDeliverySchema.index({ endpointId: 1, eventId: 1 }, { unique: true });
webhookDeliverySchema.index({ nextAttemptAt: 1 });
webhookDeliverySchema.index({ endpointId: 1, createdAt: -1 });

export type WebhookDeliveryFields = InferSchemaType<typeof webhookDeliverySchema>;
export const WebhookDeliveryModel = model("WebhookDelivery", webhookDeliverySchema);
