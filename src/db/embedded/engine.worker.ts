/**
 * Worker-thread entry of the embedded engine (started by `startEngineInWorker`). The thread owns the
 * listening socket, the catalog and the data directory; the parent only learns the port, forwards
 * stats/TTL-sweep requests, receives log lines, and asks for a clean close.
 */
import { parentPort, workerData } from "node:worker_threads";
import { EngineServer, type EngineLogger } from "./server.js";
import type { ToParent, ToWorker, WorkerStartOptions } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("engine.worker.ts must run in a worker thread");

const post = (msg: ToParent): void => {
  try {
    port.postMessage(msg);
  } catch {
    // Log metadata that cannot be cloned goes over as text rather than not at all.
    if (msg.type === "log") port.postMessage({ ...msg, meta: { meta: String(JSON.stringify(msg.meta)) } });
  }
};

const logger: EngineLogger = {
  info: (msg, meta) => post({ type: "log", level: "info", msg, meta }),
  warn: (msg, meta) => post({ type: "log", level: "warn", msg, meta }),
  error: (msg, meta) => post({ type: "log", level: "error", msg, meta }),
};

const options = workerData as WorkerStartOptions;
const server = new EngineServer({ ...options, logger });

function describe(err: unknown): { name: string; message: string; stack?: string; code?: unknown; codeName?: unknown } {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; codeName?: unknown };
    return { name: e.name, message: e.message, stack: e.stack, code: e.code, codeName: e.codeName };
  }
  return { name: "Error", message: String(err) };
}

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "stats":
      post({ type: "reply", id: msg.id, value: { ...server.counters, lastPlan: server.counters.lastPlan ? { ...server.counters.lastPlan } : null } });
      break;
    case "sweepTtl":
      server.sweepTtl().then(
        (n) => post({ type: "reply", id: msg.id, value: n }),
        (err: unknown) => post({ type: "reply", id: msg.id, error: describe(err) }),
      );
      break;
    case "close":
      server.close().then(
        () => {
          post({ type: "closed" });
          port.close();
        },
        (err: unknown) => {
          post({ type: "closed", error: describe(err) });
          port.close();
        },
      );
      break;
  }
});

try {
  await server.start();
  post({ type: "ready", port: server.port });
} catch (err) {
  post({ type: "failed", error: describe(err) });
  // Whatever start() left half-open (a bound socket, a lock) is released before the thread ends.
  await server.close().catch(() => undefined);
  port.close();
}
