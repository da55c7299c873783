import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * The gateway's keys for signing session tokens (Ed25519), shared by every replica through the
 * database. The newest one signs; older ones still verify the tokens they signed until those expire.
 */
const signingKeySchema = new Schema(
  {
    /** The key id, sent as the token's `kid` header. */
    _id: { type: String, required: true },
    /** PKCS#8 PEM of the private key, encrypted at rest with the field cipher. */
    privateKeyEnc: { type: String, required: true },
    /** SPKI PEM of the public key. */
    publicKeyPem: { type: String, required: true },
  },
  { timestamps: true },
);
signingKeySchema.index({ createdAt: -1 });

export type SigningKeyFields = InferSchemaType<typeof signingKeySchema>;
export const SigningKeyModel = model("SigningKey", signingKeySchema);
