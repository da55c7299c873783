import type { ProductFamily } from "../catalogue/index.js";

/**
 * A sandbox request's `stato`. The first four are the values the upstream's examples use;
 * `rifiutata` is the sandbox's own terminal state for a failed video identification (magic value
 * `+videofail`), since a video identification cannot be redone through the API.
 */
export type RequestStatus = "in_registrazione" | "in_riconoscimento" | "in_lavorazione" | "evasa" | "rifiutata";

/** The families a stored request can have (VIDEORIC only upgrades an existing request). */
export type RequestFamily = Exclude<ProductFamily, "videoric">;

/** How the courier ships the device; null for products that ship nothing. */
export type Shipping = "ordinaria" | "veloce" | "prioritaria";

/** Outcomes forced by the applicant e-mail's local part (see docs/sandbox.md). */
export interface MagicFlags {
  /** `+reject`: identification by public officer fails, documents are reset. */
  reject: boolean;
  /** `+videofail`: the video call fails, the request ends `rifiutata`. */
  videofail: boolean;
  /** `+lost`: the first parcel is lost, a replacement ships one shipping period later. */
  lost: boolean;
  /** `+nocallback`: no callback is ever sent for the request (attempts are logged as dropped). */
  nocallback: boolean;
}

/** True once nothing can change the request any more. */
export function isFinal(status: RequestStatus): boolean {
  switch (status) {
    case "evasa":
    case "rifiutata":
      return true;
    case "in_registrazione":
    case "in_riconoscimento":
    case "in_lavorazione":
      return false;
    default:
      return assertNever(status);
  }
}

/** Compile-time exhaustiveness check for switches over union types. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

const MAGIC_SUFFIXES = ["reject", "videofail", "lost", "nocallback"] as const;

/**
 * Reads the magic suffixes from an e-mail's local part: `mario+reject@example.com`. Several can be
 * chained (`mario+lost+nocallback@...`); the order does not matter.
 */
export function magicFlagsOf(email: string | null | undefined): MagicFlags {
  const flags: MagicFlags = { reject: false, videofail: false, lost: false, nocallback: false };
  if (typeof email !== "string") return flags;
  const local = email.slice(0, Math.max(0, email.lastIndexOf("@"))).toLowerCase();
  const tags = new Set(local.split("+").slice(1));
  for (const suffix of MAGIC_SUFFIXES) flags[suffix] = tags.has(suffix);
  return flags;
}
