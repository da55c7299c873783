import http from "node:http";
import https from "node:https";
import { pinnedLookup, type PinnedTarget } from "../security/url-guard.js";

/**
 * POSTs `body` to a checked target, connecting only to the addresses the URL check saw (see
 * resolvePublicTarget): the name is not resolved again, so a DNS answer that changes after the
 * check (rebinding) cannot move the request to another address. Host header, SNI and certificate
 * name stay the URL's host. No connection pooling: a pooled socket could lead elsewhere. Redirects
 * are not followed. Resolves with the HTTP status once the answer's headers arrive (its body is discarded).
 */
export function postPinned(target: PinnedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      target.url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(target.addresses),
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
