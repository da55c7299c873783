import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

// Keep-alive sockets: a clock advance can send thousands of callbacks to the same partner host.
// node:http is used rather than fetch because it is several times faster for many small POSTs.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/** A callback attempt that got no answer within its deadline. */
export class CallbackTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "CallbackTimeoutError";
  }
}

/**
 * POSTs `body` to `url` and resolves with the answer's HTTP status once the answer is fully read;
 * rejects on a network error or when the whole exchange exceeds `timeoutMs`. Redirects are not
 * followed (the upstream does not either: a 3xx is a failed attempt).
 */
export function postCallback(url: string, body: string, contentType: string, timeoutMs: number): Promise<number> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        agent: target.protocol === "https:" ? httpsAgent : httpAgent,
        headers: {
          "content-type": contentType,
          "content-length": Buffer.byteLength(body),
          "user-agent": "firma-gateway-sandbox/1",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
        res.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new CallbackTimeoutError(timeoutMs)), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
