import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { authenticateApiKeyWithId, tenantSecurity, type TenantView } from "./services/tenants.service.js";
import { looksLikeJwt, type SessionScope, type SessionTokenService } from "./services/session-tokens.service.js";
import type { Principal } from "./security/principal.js";
import { ForbiddenError, UnauthenticatedError, type AppError } from "./errors/index.js";
import { createLoaders, type Loaders, type StoredCatalogue } from "./loaders.js";
import type { RequestListCache } from "./services/request-list-cache.service.js";

/** The end user a session token was minted for, and what it may do. */
export interface SessionPrincipal {
  subject: string;
  scopes: ReadonlySet<SessionScope>;
  expiresAt: Date;
}

/** Built once per GraphQL request: who is calling, and the per-request helpers. */
export interface Context {
  /** With a session token, carries the token's subject (services then see only its requests). */
  tenant: TenantView | null;
  /** Set when the caller is a session token rather than the tenant's secret API key. */
  session: SessionPrincipal | null;
  isAdmin: boolean;
  /** Why the credential given was refused (expired token, secret key from a browser, ...); null otherwise. */
  authError: AppError | null;
  /** Who spends the rate limit budgets: the API key, the admin, or a session's subject; null when anonymous. */
  principal: Principal | null;
  /** Per-request DataLoaders, scoped to the tenant (null without one). */
  loaders: Loaders | null;
  logger: Logger;
}

export interface ContextDeps {
  adminToken: string | null;
  logger: Logger;
  /** Verifies session tokens; without it only API keys are accepted. */
  sessions?: SessionTokenService;
  /** The catalogue in memory, for the product loader (without it, the loader reads the collection). */
  catalogue?: StoredCatalogue;
  /** Applicants and shipments kept with the request-list cache, for their loaders. */
  listCache?: RequestListCache;
}

/** Where a request comes from, as far as the browser told us. */
export interface RequestOrigin {
  /** The `Origin` of a cross-origin browser request; null for servers and same-origin pages. */
  crossOrigin: string | null;
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

const SECRET_FROM_BROWSER =
  "secret API keys are for servers and are refused on cross-origin browser requests: have your backend mint a session token (createSessionToken) for the page";

function anonymous(deps: ContextDeps, authError: AppError | null, isAdmin = false): Context {
  return { tenant: null, session: null, isAdmin, principal: isAdmin ? { kind: "admin" } : null, authError, loaders: null, logger: deps.logger };
}

async function sessionContext(token: string, deps: ContextDeps, origin: RequestOrigin): Promise<Context> {
  if (deps.sessions === undefined) return anonymous(deps, new UnauthenticatedError("session tokens are not accepted here", { reason: "TOKEN_INVALID" }));
  const verified = await deps.sessions.verify(token);
  if (!verified.ok) {
    const message = verified.reason === "TOKEN_EXPIRED" ? "the session token has expired: ask your backend for a new one" : "the session token is not valid";
    return anonymous(deps, new UnauthenticatedError(message, { reason: verified.reason }));
  }
  const { claims } = verified;
  const security = await tenantSecurity(claims.tenantId);
  if (security === null) return anonymous(deps, new UnauthenticatedError("the session token is not valid", { reason: "TOKEN_INVALID" }));
  if (security.sessionVersion !== claims.version) {
    return anonymous(deps, new UnauthenticatedError("the session token was revoked: ask your backend for a new one", { reason: "TOKEN_REVOKED" }));
  }
  if (origin.crossOrigin !== null && !security.allowedOrigins.includes(origin.crossOrigin)) {
    return anonymous(deps, new ForbiddenError(`origin ${origin.crossOrigin} is not in the tenant's allowed origins (setAllowedOrigins)`, { reason: "ORIGIN_NOT_ALLOWED" }));
  }
  const tenant: TenantView = { ...security.tenant, subject: claims.subject };
  return tenantContext(deps, tenant, {
    session: { subject: claims.subject, scopes: new Set(claims.scopes), expiresAt: claims.expiresAt },
    principal: { kind: "session", tenantId: tenant.id, subject: claims.subject, mode: tenant.mode },
    logBindings: { tenantId: tenant.id, session: true },
  });
}

/**
 * A tenant's context. Its loaders and its logger are made on first use: many operations (the
 * catalogue, for one) need neither, and a request should not pay for four DataLoaders and a
 * child logger it never touches.
 */
function tenantContext(
  deps: ContextDeps,
  tenant: TenantView,
  who: { session: SessionPrincipal | null; principal: Principal; logBindings: Record<string, unknown> },
): Context {
  let loaders: Loaders | undefined;
  let logger: Logger | undefined;
  return {
    tenant,
    session: who.session,
    isAdmin: false,
    principal: who.principal,
    authError: null,
    get loaders(): Loaders {
      return (loaders ??= createLoaders(tenant.id, deps.catalogue, deps.listCache));
    },
    get logger(): Logger {
      return (logger ??= deps.logger.child(who.logBindings));
    },
  };
}

/**
 * Resolves the caller from the Authorization header: the admin token, a tenant's secret API key, or
 * a session token. A refused credential is not an error here: fields that need a tenant raise it.
 */
export async function buildContext(authorization: string | undefined, deps: ContextDeps, origin: RequestOrigin = { crossOrigin: null }): Promise<Context> {
  const token = bearerToken(authorization);
  if (token === null) return anonymous(deps, null);
  const isAdmin = deps.adminToken !== null && sameSecret(token, deps.adminToken);
  if (!isAdmin && looksLikeJwt(token)) return sessionContext(token, deps, origin);
  if (origin.crossOrigin !== null) return anonymous(deps, new ForbiddenError(SECRET_FROM_BROWSER, { reason: "SECRET_KEY_CROSS_ORIGIN" }));
  if (isAdmin) return anonymous(deps, null, true);
  const key = await authenticateApiKeyWithId(token);
  if (key === null) return anonymous(deps, null);
  return tenantContext(deps, key.tenant, {
    session: null,
    principal: { kind: "apiKey", id: key.keyId, tenantId: key.tenant.id, mode: key.tenant.mode },
    logBindings: { tenantId: key.tenant.id },
  });
}

/** The caller's tenant, or UNAUTHENTICATED (or the reason its credential was refused). */
export function requireTenant(ctx: Context): TenantView {
  if (ctx.tenant === null) throw ctx.authError ?? new UnauthenticatedError();
  return ctx.tenant;
}

/** The caller's tenant when it holds the secret API key; FORBIDDEN for session tokens. */
export function requireSecretKey(ctx: Context): TenantView {
  const tenant = requireTenant(ctx);
  if (ctx.session !== null) throw new ForbiddenError("this operation needs the tenant's secret API key, not a session token", { reason: "SECRET_KEY_REQUIRED" });
  return tenant;
}

/** The request's loaders; UNAUTHENTICATED without a tenant. */
export function requireLoaders(ctx: Context): Loaders {
  if (ctx.loaders === null) throw ctx.authError ?? new UnauthenticatedError();
  return ctx.loaders;
}

/** Passes only with ADMIN_TOKEN as bearer; FORBIDDEN for a tenant key, UNAUTHENTICATED otherwise. */
export function requireAdmin(ctx: Context, adminEnabled: boolean): void {
  if (ctx.isAdmin) return;
  if (ctx.authError !== null) throw ctx.authError;
  if (!adminEnabled) throw new ForbiddenError("admin operations are disabled: set ADMIN_TOKEN to enable them");
  if (ctx.tenant !== null) throw new ForbiddenError("this operation needs the admin token, not a tenant API key");
  throw new UnauthenticatedError("this operation needs `Authorization: Bearer <ADMIN_TOKEN>`");
}
