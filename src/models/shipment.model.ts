import { tenantWritesPlugin } from "./tenant-writes.plugin.js";
import { Schema, model, type InferSchemaType } from "mongoose";

export const SHIPPING_SPEEDS = ["STANDARD", "PRIORITY", "EXPRESS"] as const;
export type ShippingSpeed = (typeof SHIPPING_SPEEDS)[number];

/** Where and how a device travels; tracking fields fill in when upstream ships it. */
const shipmentSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true },
    requestId: { type: Schema.Types.ObjectId, required: true },
    speed: { type: String, required: true, enum: SHIPPING_SPEEDS, default: "STANDARD" },
    recipient: { type: String, default: null },
    email: { type: String, default: null },
    phone: { type: String, default: null },
    address: {
      address: { type: String, default: null },
      city: { type: String, default: null },
      province: { type: String, default: null },
      postalCode: { type: String, default: null },
    },
    trackingCode: { type: String, default: null },
    envelopeNumber: { type: String, default: null },
    shippedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
shipmentSchema.index({ requestId: 1 }, { unique: true });
shipmentSchema.index({ tenantId: 1 });

// Every write reports its tenants, so caches of what these collections hold are dropped (request-list cache).
shipmentSchema.plugin(tenantWritesPlugin);

export type ShipmentFields = InferSchemaType<typeof shipmentSchema>;
export const ShipmentModel = model("Shipment", shipmentSchema);
