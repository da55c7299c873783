import { parseArgs } from "node:util";
import { startEngine } from "./index.js";

// Runs the engine alone: `npm run db -- --port P --dbpath DIR` (compiled; `npx tsx src/db/embedded/cli.ts` in development)
// [--ttl-sweep-ms N] [--compact-after-bytes N] [--host H] [--verbose].
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "27017" },
    host: { type: "string", default: "127.0.0.1" },
    dbpath: { type: "string" },
    "ttl-sweep-ms": { type: "string" },
    "compact-after-bytes": { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port: expected an integer 0-65535, got ${values.port}`);
  process.exit(2);
}

/** Parses an optional positive integer option, exiting with a clear message on bad input. */
function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`invalid --${name}: expected a positive integer, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const log = (level: string) => (msg: string, meta?: Record<string, unknown>) =>
  console.error(`[embedded-mongo] ${level} ${msg}${meta ? ` ${JSON.stringify(meta)}` : ""}`);

const engine = await startEngine({
  host: values.host,
  port,
  dbpath: values.dbpath ?? null,
  ttlSweepMs: positiveInt("ttl-sweep-ms", values["ttl-sweep-ms"]),
  compactAfterBytes: positiveInt("compact-after-bytes", values["compact-after-bytes"]),
  logger: { info: values.verbose ? log("info") : () => undefined, warn: log("warn"), error: log("error") },
}).catch((err: unknown) => {
  console.error(`[embedded-mongo] cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
process.stdout.write(`ready ${engine.uri}\n`);

// One shutdown, bounded; a second, distinct signal exits at once (a repeat within a second is npm
// forwarding the Ctrl-C its child already got from the terminal).
let first: { signal: NodeJS.Signals; at: number } | null = null;
const stop = (signal: NodeJS.Signals): void => {
  if (first !== null) {
    if (signal === first.signal && Date.now() - first.at < 1_000) return;
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  }
  first = { signal, at: Date.now() };
  setTimeout(() => {
    console.error(`[embedded-mongo] ${signal} shutdown did not finish within 9 s: exiting`);
    process.exit(1);
  }, 9_000).unref();
  engine
    .close()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(`[embedded-mongo] error during ${signal} shutdown: ${String(err)}`);
      process.exit(1);
    });
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
