import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { authenticateApiKey, hashApiKey, type TenantView } from "./services/tenants.service.js";
import { ForbiddenError, UnauthenticatedError } from "./errors/index.js";
import { createLoaders, type Loaders, type StoredCatalogue } from "./loaders.js";

/** Built once per GraphQL request: who is calling, and the per-request helpers. */
export interface Context {
  tenant: TenantView | null;
  /** SHA-256 of the caller's API key (rate limits are per key); null without a valid key. */
  apiKeyHash: string | null;
  isAdmin: boolean;
  /** Per-request DataLoaders, scoped to the tenant (null without one). */
  loaders: Loaders | null;
  logger: Logger;
}

export interface ContextDeps {
  adminToken: string | null;
  logger: Logger;
  /** The catalogue in memory, for the product loader (without it, the loader reads the collection). */
  catalogue?: StoredCatalogue;
}

/** Extracts the bearer token from an Authorization header value; null when absent or malformed. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Resolves the caller from the Authorization header. An unknown key is not an error here: fields that need a tenant raise UNAUTHENTICATED. */
export async function buildContext(authorization: string | undefined, deps: ContextDeps): Promise<Context> {
  const token = bearerToken(authorization);
  const isAdmin = token !== null && deps.adminToken !== null && sameSecret(token, deps.adminToken);
  const tenant = token !== null && !isAdmin ? await authenticateApiKey(token) : null;
  return {
    tenant,
    apiKeyHash: tenant !== null && token !== null ? hashApiKey(token) : null,
    isAdmin,
    loaders: tenant ? createLoaders(tenant.id, deps.catalogue) : null,
    logger: deps.logger.child(tenant ? { tenantId: tenant.id } : {}),
  };
}

/** The caller's tenant, or UNAUTHENTICATED. */
export function requireTenant(ctx: Context): TenantView {
  if (ctx.tenant === null) throw new UnauthenticatedError();
  return ctx.tenant;
}

/** The request's loaders; UNAUTHENTICATED without a tenant. */
export function requireLoaders(ctx: Context): Loaders {
  if (ctx.loaders === null) throw new UnauthenticatedError();
  return ctx.loaders;
}

/** Passes only with ADMIN_TOKEN as bearer; FORBIDDEN for a tenant key, UNAUTHENTICATED otherwise. */
export function requireAdmin(ctx: Context, adminEnabled: boolean): void {
  if (ctx.isAdmin) return;
  if (!adminEnabled) throw new ForbiddenError("admin operations are disabled: set ADMIN_TOKEN to enable them");
  if (ctx.tenant !== null) throw new ForbiddenError("this operation needs the admin token, not a tenant API key");
  throw new UnauthenticatedError("this operation needs `Authorization: Bearer <ADMIN_TOKEN>`");
}
