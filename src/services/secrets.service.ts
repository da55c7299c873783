import { createHmac, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { SecretModel } from "../models/index.js";

/** Returns the named 32-byte secret, creating it atomically on first use (every replica gets the same one). */
export async function sharedSecret(name: string): Promise<Buffer> {
  const created = randomBytes(32).toString("base64");
  const doc = await SecretModel.findOneAndUpdate(
    { _id: name },
    { $setOnInsert: { value: created } },
    { upsert: true, returnDocument: "after", lean: true },
  );
  return Buffer.from(doc!.value, "base64");
}

/** SHA-256 of a high-entropy secret, hex: how API keys and callback secrets are stored and looked up. */
export function hashSecret(secret: string): string {
  // The one-shot form: no Hash object per call (it runs on every authenticated request).
  return hash("sha256", secret, "hex");
}

/** HMAC-SHA256 of `message` under `key`, base64url. */
export function sign(key: Buffer, message: string): string {
  return createHmac("sha256", key).update(message).digest("base64url");
}

/** Constant-time check of a signature made by `sign`. */
export function verify(key: Buffer, message: string, signature: string): boolean {
  const expected = Buffer.from(sign(key, message));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
