/**
 * What authenticating a request costs: the caller's context built from a tenant's secret API key
 * (SHA-256 and a cached lookup) against one built from a session token (EdDSA signature check with
 * jose, then the tenant's cached session version). In-process, so the figure is the credential's
 * own cost, not HTTP's; the anonymous context is the floor.
 */
import "reflect-metadata";
import { pino } from "pino";
import { connectDatabase } from "../src/db/connect.js";
import { loadEncryptionKeys } from "../src/security/index.js";
import { buildContext } from "../src/context.js";
import { createTenant } from "../src/services/tenants.service.js";
import { SessionTokenService } from "../src/services/session-tokens.service.js";
import { formatNumber, printTable, runConcurrent, summarise } from "./lib.js";

const OPS = 10_000;
const ROUNDS = 5;

export async function run(): Promise<void> {
  const logger = pino({ level: "silent" });
  const db = await connectDatabase({ mongodbUri: null, dataDir: null, logger });
  try {
    const cipher = await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });
    const sessions = new SessionTokenService({ cipher, logger });
    const created = await createTenant({ name: "bench", mode: "TEST" });
    const { token } = await sessions.mint(created.tenant, { subject: "customer-1", scopes: ["CATALOGUE_READ"], ttlSeconds: 3600 });
    const deps = { adminToken: null, logger, sessions };
    // The same keys, but every request checks the signature: a token's first request.
    const uncached = { ...deps, sessions: new SessionTokenService({ cipher, logger, cacheVerified: false }) };
    const cases: [string, string | undefined, typeof deps][] = [
      ["no credential (floor)", undefined, deps],
      ["secret API key", `Bearer ${created.apiKey}`, deps],
      ["session token, repeated (verified cache)", `Bearer ${token}`, deps],
      ["session token, first request (EdDSA verify)", `Bearer ${token}`, uncached],
    ];
    // Warm the caches and the JIT once per case.
    for (const [, header, d] of cases) for (let i = 0; i < 500; i++) await buildContext(header, d);
    const results = new Map<string, ReturnType<typeof summarise>>();
    const rounds = new Map<string, Awaited<ReturnType<typeof runConcurrent>>[]>(cases.map(([name]) => [name, []]));
    // Interleaved rounds: each case sees the same machine load.
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, header, d] of cases) {
        rounds.get(name)!.push(
          await runConcurrent({ ops: OPS, concurrency: 1 }, async () => {
            const ctx = await buildContext(header, d);
            if (header !== undefined && ctx.tenant === null) throw new Error(`${name}: not authenticated`);
          }),
        );
      }
    }
    for (const [name, list] of rounds) results.set(name, summarise(list));
    const key = results.get("secret API key")!;
    printTable(
      ["credential", "contexts/s (median)", "µs per request", "× API key cost"],
      cases.map(([name]) => {
        const s = results.get(name)!;
        return [name, formatNumber(s.medianOpsPerSec, 0), formatNumber(1e6 / s.medianOpsPerSec, 1), formatNumber(key.medianOpsPerSec / s.medianOpsPerSec, 2)];
      }),
    );
  } finally {
    await db.close();
  }
}
