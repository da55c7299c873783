/**
 * Entry point: `npm start`. Configuration from the environment, then the database (MONGODB_URI or the
 * embedded engine under DATA_DIR), then the HTTP server.
 */
import "reflect-metadata";
import { loadConfig, ConfigError } from "./config.js";
import { createLogger } from "./logger.js";
import { connectDatabase } from "./db/connect.js";
import { startServer } from "./server.js";
import { ensureDefaultTenant } from "./services/tenants.service.js";
import { loadEncryptionKeys } from "./security/index.js";

async function main(): Promise<void> {
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
  const logger = createLogger(config.logLevel);
  const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, logger });
  const cipher = await loadEncryptionKeys({ env: process.env, dataDir: config.dataDir, embedded: db.embedded });
  const server = await startServer({ config, db, logger, cipher, timings: config.timings });

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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
