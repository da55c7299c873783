import { EngineServer, type EngineLogger } from "./server.js";
import type { EngineStats } from "./storage/collection.js";

export type { EngineLogger } from "./server.js";
export type { EngineStats, PlanInfo } from "./storage/collection.js";
export { DbPathInUseError } from "./storage/persistence.js";
export { startEngineInWorker, type WorkerEngine, type WorkerEngineOptions } from "./worker-engine.js";

export interface EngineOptions {
  host?: string /* default 127.0.0.1 */;
  port?: number /* default 0 = ephemeral */;
  dbpath?: string | null /* null/undefined = in memory */;
  logger?: EngineLogger /* default: silent except errors to stderr */;
  /** Interval of the TTL-index sweep in ms; MongoDB's default is 60 s. */
  ttlSweepMs?: number;
  /** Journal size that triggers a snapshot + journal truncation (default 64 MiB). */
  compactAfterBytes?: number;
}

export interface EmbeddedEngine {
  readonly host: string;
  readonly port: number;
  readonly uri: string /* mongodb://127.0.0.1:PORT */;
  /** Stops accepting, closes sockets, flushes/compacts. */
  close(): Promise<void>;
  /** Query-planner counters (documents examined, index vs collection scans, last plan). */
  stats(): EngineStats;
  /** Runs one TTL sweep now; resolves with the number of documents deleted. */
  sweepTtl(): Promise<number>;
}

const defaultLogger: EngineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: (msg, meta) => console.error(`[embedded-mongo] ${msg}`, meta ?? ""),
};

/** Starts the embedded MongoDB wire-protocol engine and resolves once it accepts connections. */
export async function startEngine(options: EngineOptions = {}): Promise<EmbeddedEngine> {
  const host = options.host ?? "127.0.0.1";
  const server = new EngineServer({
    host,
    port: options.port ?? 0,
    dbpath: options.dbpath ?? null,
    logger: options.logger ?? defaultLogger,
    ttlSweepMs: options.ttlSweepMs ?? 60_000,
    compactAfterBytes: options.compactAfterBytes ?? 0,
  });
  await server.start();
  const port = server.port;
  return {
    host,
    port,
    uri: `mongodb://${host}:${port}`,
    close: () => server.close(),
    stats: () => ({ ...server.counters, lastPlan: server.counters.lastPlan ? { ...server.counters.lastPlan } : null }),
    sweepTtl: () => server.sweepTtl(),
  };
}
