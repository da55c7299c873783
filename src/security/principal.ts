import { createHash } from "node:crypto";
/**
 * Who is spending a budget. Rate limits key every bucket by a principal, never by a credential:
 * a tenant's API key, the admin token, or an end user's session token (its subject within its tenant).
 */
export type PrincipalMode = "TEST" | "LIVE";

export type Principal =
  /** A tenant's API key; `id` is the id of its stored record (never the key or its hash). */
  | { kind: "apiKey"; id: string; tenantId: string; mode: PrincipalMode }
  /** The operator holding ADMIN_TOKEN: no tenant, so no tenant ceiling. */
  | { kind: "admin" }
  /** An end user of a tenant, through a session token: `subject` is the tenant's own reference. */
  | { kind: "session"; tenantId: string; subject: string; mode: PrincipalMode };

/** The bucket key of a principal, e.g. `key:6650c0ffee...`; stable across replicas. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case "apiKey":
      return `key:${principal.id}`;
    case "admin":
      return "admin";
    case "session":
      // Hashed: a subject may be an e-mail address, and keys show up in Redis and logs.
      return `session:${principal.tenantId}:${createHash("sha256").update(principal.subject).digest("base64url").slice(0, 22)}`;
    default:
      return unreachable(principal);
  }
}

/** The tenant whose ceiling the principal also spends from; null for none. */
export function principalTenantId(principal: Principal): string | null {
  switch (principal.kind) {
    case "apiKey":
    case "session":
      return principal.tenantId;
    case "admin":
      return null;
    default:
      return unreachable(principal);
  }
}

/** TEST or LIVE (orders are limited per mode); admin counts as LIVE, the stricter. */
export function principalMode(principal: Principal): PrincipalMode {
  switch (principal.kind) {
    case "apiKey":
    case "session":
      return principal.mode;
    case "admin":
      return "LIVE";
    default:
      return unreachable(principal);
  }
}

function unreachable(value: never): never {
  throw new TypeError(`unknown principal ${JSON.stringify(value)}`);
}
