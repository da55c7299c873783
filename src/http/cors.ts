import type { IncomingMessage, ServerResponse } from "node:http";
import { isOwnOrigin } from "../security/origins.js";

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;
const ALLOWED_METHODS = "GET, POST, OPTIONS";
const ALLOWED_HEADERS = "authorization, content-type, apollo-require-preflight, x-apollo-operation-name";
const EXPOSED_HEADERS = "retry-after";

export interface CorsOptions {
  /** PUBLIC_URL, or null: pages served by the gateway itself are same-origin, never CORS. */
  publicUrl: () => string | null;
  /** Whether any tenant lists the origin (the request's own tenant is checked once it is known). */
  isListed: (origin: string) => Promise<boolean>;
}

/**
 * The `Origin` of a cross-origin browser request, or null for servers (no Origin) and for the
 * gateway's own pages (dashboard, GraphiQL).
 */
export function crossOriginOf(req: IncomingMessage, publicUrl: string | null): string | null {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origin.length === 0) return null;
  return isOwnOrigin(origin, req.headers.host, publicUrl) ? null : origin;
}

/**
 * CORS for /graphql: answers preflights and marks responses readable by listed origins only. An
 * origin that no tenant lists gets no CORS headers at all, so the browser keeps the answer from the
 * page. Returns true when it answered the request itself (a preflight).
 */
export async function handleCors(req: IncomingMessage, res: ServerResponse, options: CorsOptions): Promise<boolean> {
  const origin = crossOriginOf(req, options.publicUrl());
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (origin === null) {
    if (!preflight) return false;
    res.writeHead(204, { allow: ALLOWED_METHODS }).end();
    return true;
  }
  res.setHeader("vary", "Origin");
  const listed = await options.isListed(origin);
  if (preflight) {
    const headers: Record<string, string> = { vary: "Origin" };
    if (listed) {
      headers["access-control-allow-origin"] = origin;
      headers["access-control-allow-methods"] = ALLOWED_METHODS;
      headers["access-control-allow-headers"] = ALLOWED_HEADERS;
      headers["access-control-max-age"] = String(CORS_MAX_AGE_SECONDS);
    }
    res.writeHead(204, headers).end();
    return true;
  }
  if (listed) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
  }
  return false;
}
