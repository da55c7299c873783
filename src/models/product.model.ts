import { Schema, model, type InferSchemaType } from "mongoose";

export const PRODUCT_FAMILIES = ["SIGNATURE", "ARUBA", "VIDEO", "DEVICE_ONLY", "RENEWAL", "VIDEO_UPGRADE", "SPID"] as const;
export type ProductFamilyName = (typeof PRODUCT_FAMILIES)[number];

/** The catalogue as last read from upstream, cached per mode (test and live catalogues may differ). */
const productSchema = new Schema(
  {
    mode: { type: String, required: true, enum: ["TEST", "LIVE"] },
    code: { type: String, required: true },
    name: { type: String, required: true },
    authority: { type: String, required: true },
    family: { type: String, required: true, enum: PRODUCT_FAMILIES },
    priceCents: { type: Number, required: true, min: 0 },
    currency: { type: String, required: true, default: "EUR" },
    blank: { type: Boolean, required: true, default: false },
  },
  { timestamps: true },
);
productSchema.index({ mode: 1, code: 1 }, { unique: true });

export type ProductFields = InferSchemaType<typeof productSchema>;
export const ProductModel = model("Product", productSchema);
