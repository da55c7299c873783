import { Schema, model, type InferSchemaType } from "mongoose";

export const SPID_VOUCHER_STATUSES = ["PENDING", "ISSUED", "REJECTED", "OUTCOME_UNKNOWN"] as const;
export type SpidVoucherStatus = (typeof SPID_VOUCHER_STATUSES)[number];

/**
 * One purchase of a personal SPID voucher (GET /spid_personale), request-like: the intent is stored
 * before upstream is called, then its outcome. Upstream answers no id and has no list, so an
 * unclear outcome stays OUTCOME_UNKNOWN for a human to settle; it is never retried.
 */
const spidVoucherSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true, ref: "Tenant" },
    mode: { type: String, required: true, enum: ["TEST", "LIVE"] },
    idempotencyKey: { type: String, required: true },
    productCode: { type: String, required: true, default: "SPID_PER" },
    priceCents: { type: Number, required: true },
    currency: { type: String, required: true, default: "EUR" },
    status: { type: String, required: true, enum: SPID_VOUCHER_STATUSES },
    /** The registration URL (it carries the voucher), encrypted with the field cipher. */
    voucherUrlEncrypted: { type: String, default: null },
    /** When the voucher stops being valid: one year after issue. */
    expiresAt: { type: Date, default: null },
    failure: {
      code: { type: String, default: null },
      message: { type: String, default: null },
    },
  },
  { timestamps: true },
);
spidVoucherSchema.index({ tenantId: 1, idempotencyKey: 1 }, { unique: true });
spidVoucherSchema.index({ tenantId: 1, createdAt: -1 });

export type SpidVoucherFields = InferSchemaType<typeof spidVoucherSchema>;
export const SpidVoucherModel = model("SpidVoucher", spidVoucherSchema);
