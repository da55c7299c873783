import { pino, type Logger } from "pino";
import { loadConfig, type Config } from "../../src/config.js";
import { connectDatabase, type Database, type EngineThread } from "../../src/db/connect.js";
import { startServer, type RunningServer, type Timings } from "../../src/server.js";
import { loadEncryptionKeys } from "../../src/security/index.js";
import { createTenant } from "../../src/services/tenants.service.js";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestGateway {
  url: string;
  config: Config;
  db: Database;
  server: RunningServer;
  /** A fresh tenant and its key. */
  tenant(mode?: "TEST" | "LIVE", name?: string): Promise<{ id: string; apiKey: string }>;
  /** Runs `fn` and returns the database commands it sent (name and collection), in order. */
  countCommands(fn: () => Promise<unknown>): Promise<{ name: string; collection: unknown }[]>;
  /** POST /graphql with an optional bearer. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    bearer?: string | null,
  ): Promise<{ status: number; body: { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** The logger every part of the gateway (database, server, sandbox) writes to; silent by default. */
  logger?: Logger;
  /** Where the embedded engine runs (default: EMBEDDED_ENGINE, else a worker thread). */
  engineThread?: EngineThread;
}

/** Starts a whole gateway on 127.0.0.1 port 0 with an in-memory embedded engine (one per test file). */
export async function startTestGateway(env: Record<string, string> = {}, timings: Partial<Timings> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: "silent", NODE_ENV: "test", RATE_LIMIT_PER_MINUTE: "1000000000", ORDER_RATE_LIMIT_PER_MINUTE: "1000000", ...env });
  const logger = options.logger ?? pino({ level: "silent" });
  const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: null, logger, monitorCommands: true, engineThread: options.engineThread });
  const cipher = await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });
  const server = await startServer({ config, db, logger, cipher, timings: { sandboxTickMs: 0, reconcileIntervalMs: 60_000, ...timings } });
  return {
    url: server.url,
    config,
    db,
    server,
    async tenant(mode = "TEST", name = "tenant") {
      const created = await createTenant({ name, mode });
      return { id: created.tenant.id, apiKey: created.apiKey };
    },
    async countCommands(fn) {
      const seen: { name: string; collection: unknown }[] = [];
      const client = db.connection.getClient();
      const listener = (e: { commandName: string; command: Record<string, unknown> }) => {
        seen.push({ name: e.commandName, collection: e.command[e.commandName] });
      };
      client.on("commandStarted", listener);
      try {
        await fn();
      } finally {
        client.off("commandStarted", listener);
      }
      return seen;
    },
    async graphql(query, variables, bearer) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const res = await fetch(`${server.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      return { status: res.status, body: (await res.json()) as never };
    },
    async close() {
      await server.close();
      await db.close();
    },
  };
}
