import { createHmac } from "node:crypto";

/** Keyed hash of a personal value for exact search without storing it in clear. */
export function blindIndexOf(key: Buffer, value: string): string {
  return createHmac("sha256", key).update(value.trim().toUpperCase()).digest("hex");
}

/** Keeps the first two and last `visible` characters: `AY*****34`. */
export function maskTail(value: string, visible: number): string {
  const v = value.trim();
  if (v.length <= visible + 2) return "*".repeat(v.length);
  return `${v.slice(0, 2)}${"*".repeat(v.length - visible - 2)}${v.slice(-visible)}`;
}
