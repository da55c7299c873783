import { Schema, model, type InferSchemaType } from "mongoose";

/** Where a tenant wants its status events POSTed. */
const webhookEndpointSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true, ref: "Tenant" },
    url: { type: String, required: true },
    description: { type: String, default: "" },
    /** `whsec_...` encrypted with the field cipher: it must be readable again to sign deliveries. */
    secretEncrypted: { type: String, required: true },
    deletedAt: { type: Date, default: null },
    /** The secret before the last rotation: deliveries carry its signature too until previousSecretExpiresAt. */
    previousSecretEncrypted: { type: String, default: null },
    previousSecretExpiresAt: { type: Date, default: null },
  },
  { timestamps: true },
);
webhookEndpointSchema.index({ tenantId: 1, createdAt: 1 });

export type WebhookEndpointFields = InferSchemaType<typeof webhookEndpointSchema>;
export const WebhookEndpointModel = model("WebhookEndpoint", webhookEndpointSchema);
