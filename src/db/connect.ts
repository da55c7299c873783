import path from "node:path";
import { mkdir } from "node:fs/promises";
import mongoose from "mongoose";
import type { Logger } from "pino";
// The worker's launcher only: the engine itself (storage, commands, mingo, bson) loads in the worker
// thread, and in this thread only with EMBEDDED_ENGINE=inprocess.
import type { EngineLogger } from "./embedded/index.js";
import { startEngineInWorker } from "./embedded/worker-engine.js";

/** An open database: mongoose's default connection, plus the embedded engine when we started one. */
export interface Database {
  readonly uri: string;
  readonly connection: mongoose.Connection;
  readonly embedded: boolean;
  /** True when the server answers a ping (used by /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  mongodbUri: string | null;
  /** Where the embedded engine keeps its files; null keeps it in memory (tests). */
  dataDir: string | null;
  logger: Logger;
  /** Emit the driver's command events (tests count round trips with them). */
  monitorCommands?: boolean;
  /**
   * Where the embedded engine runs: "worker" (default) in a worker thread, off the gateway's event
   * loop; "inprocess" on the main thread. Unset: EMBEDDED_ENGINE from the environment, else "worker".
   */
  engineThread?: EngineThread;
}

export type EngineThread = "worker" | "inprocess";

/** EMBEDDED_ENGINE=worker|inprocess; anything else is a configuration error. */
export function engineThreadFromEnv(env: NodeJS.ProcessEnv = process.env): EngineThread {
  const v = env["EMBEDDED_ENGINE"];
  if (v === undefined || v === "" || v === "worker") return "worker";
  if (v === "inprocess") return "inprocess";
  throw new Error(`EMBEDDED_ENGINE must be "worker" or "inprocess", got "${v}"`);
}

/** Connects mongoose to MONGODB_URI, or starts the embedded engine on an ephemeral loopback port. */
export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  let engine: { uri: string; close(): Promise<void> } | null = null;
  let uri = options.mongodbUri;
  if (uri === null) {
    const dbpath = options.dataDir === null ? null : path.join(options.dataDir, "db");
    if (dbpath !== null) await mkdir(dbpath, { recursive: true });
    const log = options.logger.child({ component: "embedded-engine" });
    const logger: EngineLogger = {
      info: (msg, meta) => log.info(meta ?? {}, msg),
      warn: (msg, meta) => log.warn(meta ?? {}, msg),
      error: (msg, meta) => log.error(meta ?? {}, msg),
    };
    const thread = options.engineThread ?? engineThreadFromEnv();
    engine =
      thread === "worker"
        ? await startEngineInWorker({ host: "127.0.0.1", port: 0, dbpath, logger, ttlSweepMs: 60_000, compactAfterBytes: 0 })
        : await (await import("./embedded/index.js")).startEngine({ host: "127.0.0.1", port: 0, dbpath, logger });
    uri = `${engine.uri}/firma-gateway`;
    options.logger.info({ dbpath: dbpath ?? "(memory)", thread }, "embedded database engine started");
  }

  // Fail fast at start-up instead of buffering commands forever against an unreachable server, and
  // build indexes ourselves, once per connect, before serving: unique indexes are what make
  // idempotency keys and API key lookups correct, so they must exist before the first request.
  mongoose.set("bufferCommands", false);
  mongoose.set("autoIndex", false);
  mongoose.set("autoCreate", false);
  try {
    await mongoose.connect(uri, { serverSelectionTimeoutMS: 5_000, monitorCommands: options.monitorCommands ?? false });
  } catch (err) {
    // An engine we started must not outlive a failed connect (its worker would keep the process up).
    await engine?.close().catch(() => undefined);
    throw err;
  }
  const connection = mongoose.connection;
  for (const model of Object.values(connection.models)) await model.createIndexes();

  return {
    uri,
    connection,
    embedded: engine !== null,
    async ping() {
      try {
        await connection.db?.admin().ping();
        return connection.db !== undefined;
      } catch {
        return false;
      }
    },
    async close() {
      await mongoose.disconnect();
      await engine?.close();
    },
  };
}
