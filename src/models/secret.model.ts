import { Schema, model } from "mongoose";

/**
 * Server-side secrets shared by every gateway replica (kept in the database so replicas agree):
 * e.g. the key that signs download URLs and the gateway's own sandbox tokens.
 */
const secretSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
  },
  { timestamps: true },
);

export const SecretModel = model("Secret", secretSchema);
