import type http from "node:http";
import type net from "node:net";

/** How long in-flight requests get to finish when the server stops, unless told otherwise. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

/** How often, while draining, connections that fell idle are closed. */
const SWEEP_MS = 100;

export interface ShutdownOptions {
  /** How long requests in flight (and WebSocket close handshakes) get before their sockets are destroyed. */
  graceMs?: number;
  /** Closes the WebSockets (with 1001 Going Away); started at once, bounded by the grace period. */
  closeWebSockets?: () => Promise<void>;
  /** Runs when the grace period ends with work still open, before sockets are destroyed (abort upstream calls there). */
  onGraceExpired?: () => void;
}

export interface ConnectionTracker {
  /** Requests being answered now. */
  readonly inFlight: number;
  /** Open sockets (HTTP, kept-alive and upgraded). */
  readonly open: number;
  /**
   * Stops accepting connections, closes idle kept-alive ones, answers requests in flight with
   * `Connection: close`, waits up to the grace period for them (and for the WebSockets to close),
   * then destroys every socket still open. Resolves once the server is closed; safe to call twice.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/**
 * Follows the sockets and requests of an HTTP server so that it can stop within a bound whatever its
 * load: Node's own `server.close()` waits for every kept-alive and upgraded socket, indefinitely.
 * Independent of the request handler (express or any other) and of the WebSocket library.
 */
export function trackConnections(server: http.Server): ConnectionTracker {
  const sockets = new Set<net.Socket>();
  const responses = new Set<http.ServerResponse>();
  let draining = false;
  let stopped: Promise<void> | null = null;

  server.on("connection", (socket: net.Socket) => {
    if (draining) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    responses.add(res);
    if (draining && !res.headersSent) res.setHeader("connection", "close");
    res.once("close", () => responses.delete(res));
  });

  async function shutdown(options: ShutdownOptions): Promise<void> {
    const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    draining = true;
    // Resolves once the listener is closed and every connection is gone (upgraded ones included).
    const closed = new Promise<void>((resolve) => {
      if (!server.listening && sockets.size === 0) resolve();
      else server.close(() => resolve());
    });
    for (const res of responses) if (!res.headersSent) res.setHeader("connection", "close");
    // Kept-alive sockets between requests close now, and so does any socket that falls idle later;
    // those with a request in flight close after answering it (Connection: close).
    server.closeIdleConnections();
    const sweeper = setInterval(() => server.closeIdleConnections(), SWEEP_MS);

    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), graceMs);
    });
    const wsClosed = options.closeWebSockets ? options.closeWebSockets().catch(() => undefined) : Promise.resolve();
    const outcome = await Promise.race([Promise.all([closed, wsClosed]).then(() => "done" as const), expired]);
    clearTimeout(timer);
    clearInterval(sweeper);
    if (outcome === "expired") {
      if (responses.size > 0) options.onGraceExpired?.();
      // Whatever is still open now (slow requests, WebSockets that did not finish their close
      // handshake, connections that never sent a request) is cut.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    }
    await closed;
  }

  return {
    get inFlight() {
      return responses.size;
    },
    get open() {
      let open = 0;
      for (const socket of sockets) if (!socket.destroyed) open++;
      return open;
    },
    shutdown(options = {}) {
      stopped ??= shutdown(options);
      return stopped;
    },
  };
}
