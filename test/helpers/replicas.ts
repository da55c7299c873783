import { randomBytes, randomUUID } from "node:crypto";
import { spawnTs, type Child } from "./child.js";
import { TEST_ADMIN_TOKEN } from "./gateway.js";

/** Two or more gateway processes sharing one `npm run db` engine (a fresh database) and Redis. */
export interface Replicas {
  urls: string[];
  close(): Promise<void>;
}

/**
 * Starts the engine alone, then `count` gateway replicas on it with a shared field cipher (each
 * reads what another wrote) and the admin token; every process is stopped by `close`.
 */
export async function startReplicas(count: number, redisUrl: string, dbPrefix: string): Promise<Replicas> {
  const children: Child[] = [];
  const close = async () => {
    for (const child of children.reverse()) await child.kill();
  };
  try {
    const engine = spawnTs("src/db/embedded/cli.ts", ["--port", "0"], {});
    children.push(engine);
    const [, uri] = await engine.waitFor(/ready (mongodb:\/\/\S+)/);
    const env = {
      MONGODB_URI: `${uri}/${dbPrefix}_${randomUUID().slice(0, 8)}`,
      REDIS_URL: redisUrl,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      FEEDS_CIPHER_KEY: randomBytes(32).toString("hex"),
    };
    const replicas = Array.from({ length: count }, () => spawnTs("test/e2e/feeds/feeds-replica.child.ts", [], env));
    children.push(...replicas);
    const urls: string[] = [];
    for (const child of replicas) urls.push((await child.waitFor(/ready (http:\/\/\S+)/, 60_000))[1]!);
    return { urls, close };
  } catch (err) {
    await close();
    throw err;
  }
}
