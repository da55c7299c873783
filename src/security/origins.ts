import type { FieldProblem } from "../errors/index.js";

/** How many browser origins one tenant may list. */
export const MAX_ALLOWED_ORIGINS = 20;
const MAX_ORIGIN_LENGTH = 253;

/**
 * Checks a list of browser origins as a tenant gives them: `scheme://host[:port]` with http or
 * https, exactly as a browser sends it in `Origin` (no path, no trailing slash, lower case).
 */
export function validateOrigins(origins: readonly string[], path = "origins"): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (origins.length > MAX_ALLOWED_ORIGINS) problems.push({ path, message: `expected at most ${MAX_ALLOWED_ORIGINS} origins, received ${origins.length}` });
  origins.slice(0, MAX_ALLOWED_ORIGINS + 1).forEach((origin, i) => {
    const expected = "expected an origin such as https://shop.example or http://localhost:3000 (scheme, host and port only)";
    if (origin.length > MAX_ORIGIN_LENGTH) {
      problems.push({ path: `${path}.${i}`, message: `${expected}, received ${origin.length} characters` });
      return;
    }
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (parsed === null || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      problems.push({ path: `${path}.${i}`, message: `${expected}, received ${JSON.stringify(origin).slice(0, 80)}` });
    }
  });
  return problems;
}

/**
 * Whether a request's `Origin` is the gateway's own: the host it was sent to, or PUBLIC_URL. The
 * dashboard and GraphiQL are same-origin pages; any other origin is a third-party page.
 */
export function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string | null): boolean {
  if (publicUrl !== null) {
    try {
      if (new URL(publicUrl).origin === origin) return true;
    } catch {
      // an invalid PUBLIC_URL is refused by config; nothing to match here
    }
  }
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
