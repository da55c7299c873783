import { Schema, model, type InferSchemaType, type HydratedDocument } from "mongoose";

export const TENANT_MODES = ["TEST", "LIVE"] as const;
export type TenantMode = (typeof TENANT_MODES)[number];

const tenantSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    mode: { type: String, required: true, enum: TENANT_MODES },
    /** The tenant's Openapi token for live calls, encrypted at rest (never stored in clear). */
    upstreamTokenEnc: { type: String, default: null },
    /** Browser origins (`https://shop.example`) whose pages may call /graphql with this tenant's session tokens (CORS). */
    allowedOrigins: { type: [String], default: [] },
    /** Session tokens carry the version they were minted under; bumping it revokes every one issued before. */
    sessionVersion: { type: Number, default: 0 },
  },
  { timestamps: true },
);
tenantSchema.index({ name: 1 });
tenantSchema.index({ allowedOrigins: 1 });

export type TenantFields = InferSchemaType<typeof tenantSchema>;
export type TenantDocument = HydratedDocument<TenantFields>;
export const TenantModel = model("Tenant", tenantSchema);
