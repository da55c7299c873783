/**
 * Entry point: `npm start`. Configuration from the environment, then the database (MONGODB_URI or the
 * embedded engine under DATA_DIR), then the HTTP server.
 *
 * Stopping (SIGTERM or SIGINT), whatever the load, within STOP_DEADLINE_MS: stop accepting, give
 * requests in flight SHUTDOWN_GRACE_MS, then abort upstream calls and cut the remaining sockets,
 * WebSockets closed with 1001; stop the background loops; close the database (the embedded engine
 * flushes its journal and releases the data directory); exit 0. A second signal exits at once.
 */
import type { Logger } from "pino";
import type { Database } from "./db/connect.js";
import type { RunningServer } from "./server.js";

/** What requests in flight get before upstream calls are aborted and sockets cut. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Past this, the process exits whatever is still pending (within the 10 s operators allow). */
const STOP_DEADLINE_MS = 9_000;
/**
 * A repeat of the same signal within this window is not "a second signal": npm forwards the SIGINT
 * of a Ctrl-C that its child already got from the terminal, and `timeout` signals both npm and its group.
 */
const DUPLICATE_SIGNAL_MS = 1_000;

let server: RunningServer | null = null;
let db: Database | null = null;
let logger: Logger | null = null;
let startup: Promise<void> = Promise.resolve();
let firstSignal: { signal: NodeJS.Signals; at: number } | null = null;

function onSignal(signal: NodeJS.Signals): void {
  if (firstSignal !== null) {
    if (signal === firstSignal.signal && Date.now() - firstSignal.at < DUPLICATE_SIGNAL_MS) return;
    console.error(`${signal} again: exiting now`);
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  }
  firstSignal = { signal, at: Date.now() };
  setTimeout(() => {
    console.error(`shutdown did not finish within ${STOP_DEADLINE_MS} ms: exiting`);
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  void stop(signal);
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  logger?.info({ signal }, "shutting down");
  const started = Date.now();
  try {
    // A signal during start-up: let it finish (or fail) first, then close what it opened.
    await startup.catch(() => undefined);
    await server?.close({ graceMs: SHUTDOWN_GRACE_MS });
    await db?.close();
  } catch (err) {
    console.error(`error during ${signal} shutdown:`, err);
    process.exit(1);
  }
  logger?.info({ signal, ms: Date.now() - started }, "stopped");
  process.exit(0);
}

async function start(): Promise<void> {
  // Before anything big is loaded: start-up must not leave V8's young generation at its maximum.
  const { startupHeap } = await import("./observability/startup-heap.js");
  const heap = startupHeap();
  // Loaded only now, after the signal handlers are in place: loading takes seconds on a busy machine,
  // and a signal meanwhile must stop the process the same orderly way.
  await import("reflect-metadata");
  const { loadConfig, ConfigError } = await import("./config.js");
  const { createLogger } = await import("./logger.js");
  const { connectDatabase } = await import("./db/connect.js");
  const { startServer } = await import("./server.js");
  const { ensureDefaultTenant } = await import("./services/tenants.service.js");
  const { loadEncryptionKeys } = await import("./security/index.js");
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  logger = createLogger(config.logLevel);
  db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, logger });
  const cipher = await loadEncryptionKeys({ env: process.env, dataDir: config.dataDir, embedded: db.embedded });
  server = await startServer({ config, db, logger, cipher, timings: config.timings });

  if (db.embedded) {
    const created = await ensureDefaultTenant();
    if (created !== null) {
      // Printed once, on purpose to stdout and not to the log: the key is not stored anywhere.
      console.log(
        [
          "",
          `  firma-gateway is ready on ${server.url}`,
          `  A test tenant "default" was created. Its API key (shown only now):`,
          "",
          `    ${created.apiKey}`,
          "",
          `  Try it:`,
          `    curl -s ${server.url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${created.apiKey}' -d '{"query":"{ viewer { tenant { id name mode } } }"}'`,
          "",
        ].join("\n"),
      );
    }
  }

  // Serving from now on: V8 sizes the young generation for the traffic again.
  heap.end();
}

process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
startup = start();
startup.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
