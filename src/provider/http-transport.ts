import http from "node:http";
import https from "node:https";

/** One HTTP exchange as the provider client sees it: a whole request in, a whole response out. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** A response with its body fully read; header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The only thing the provider client needs from HTTP, so tests and other runtimes can swap it.
 * Contract: resolve for every HTTP status (4xx/5xx included); reject with `HttpTimeoutError` when
 * `timeoutMs` elapses before the body is complete, and with any other error when the exchange
 * fails (DNS, refused, reset).
 */
export interface HttpTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Aborts the exchanges in flight and drops kept-alive sockets; later requests fail (shutdown). */
  close?(): void;
}

/** Raised for exchanges aborted, or refused, because the transport was closed. */
export class TransportClosedError extends Error {
  override readonly name = "TransportClosedError";
}

/** Raised by a transport when the deadline of one exchange passes; anything else is a network failure. */
export class HttpTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} ${url} did not complete within ${timeoutMs} ms`);
    this.name = "HttpTimeoutError";
  }
}

export interface NodeHttpTransportOptions {
  /** Idle sockets kept per host; the upstream is a single host, so a small pool suffices. */
  maxFreeSockets?: number;
  /** Concurrent sockets per host. */
  maxSockets?: number;
}

/** Builds a transport on node:http/https with its own keep-alive agents and a hard deadline per exchange. */
export function createNodeHttpTransport(options: NodeHttpTransportOptions = {}): HttpTransport {
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    maxFreeSockets: options.maxFreeSockets ?? 16,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const inFlight = new Set<AbortController>();
  let closed = false;

  return {
    close() {
      closed = true;
      for (const controller of inFlight) controller.abort(new TransportClosedError("the gateway is shutting down"));
      httpAgent.destroy();
      httpsAgent.destroy();
    },
    request(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        if (closed) {
          reject(new TransportClosedError("the gateway is shutting down"));
          return;
        }
        let url: URL;
        try {
          url = new URL(req.url);
        } catch {
          reject(new TypeError(`expected an absolute http(s) URL, received ${JSON.stringify(req.url)}`));
          return;
        }
        const isHttps = url.protocol === "https:";
        if (!isHttps && url.protocol !== "http:") {
          reject(new TypeError(`expected an http: or https: URL, received ${JSON.stringify(url.protocol)}`));
          return;
        }

        const headers: Record<string, string> = { ...req.headers };
        if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));

        const controller = new AbortController();
        inFlight.add(controller);
        let settled = false;
        const finish = (outcome: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          inFlight.delete(controller);
          outcome();
        };
        // The deadline covers connect, upload and the whole body: a server that trickles bytes
        // must not hold a caller longer than timeoutMs.
        const timer = setTimeout(() => {
          const timeout = new HttpTimeoutError(req.method, req.url, req.timeoutMs);
          finish(() => reject(timeout));
          controller.abort(timeout);
        }, req.timeoutMs);

        const request = (isHttps ? https : http).request(
          url,
          { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent, signal: controller.signal },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("error", (err) => finish(() => reject(err)));
            res.on("aborted", () => finish(() => reject(new Error("upstream closed the connection mid-response"))));
            res.on("end", () =>
              finish(() =>
                resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks) }),
              ),
            );
          },
        );
        // After a timeout the abort makes the request emit an AbortError; the promise is already settled.
        request.on("error", (err) => finish(() => reject(err)));
        request.end(req.body);
      });
    },
  };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The process-wide default transport: one keep-alive pool for ws.firmadigitale.com and the sandbox. */
export const nodeHttpTransport: HttpTransport = createNodeHttpTransport();
