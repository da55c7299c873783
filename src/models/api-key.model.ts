import { Schema, model, type InferSchemaType } from "mongoose";
import { TENANT_MODES } from "./tenant.model.js";

const apiKeySchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true, ref: "Tenant" },
    /** SHA-256 of the whole key, hex: the key itself is shown once and never stored. */
    hash: { type: String, required: true, unique: true },
    /** The key's first characters (`fgw_test_ab12`), so a user can tell their keys apart. */
    prefix: { type: String, required: true },
    mode: { type: String, required: true, enum: TENANT_MODES },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
apiKeySchema.index({ tenantId: 1 });

export type ApiKeyFields = InferSchemaType<typeof apiKeySchema>;
export const ApiKeyModel = model("ApiKey", apiKeySchema);
