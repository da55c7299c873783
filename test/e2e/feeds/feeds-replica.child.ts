/**
 * One gateway replica for the fan-out test: the environment's MONGODB_URI and REDIS_URL, a field
 * cipher keyed from FEEDS_CIPHER_KEY (hex) so every replica reads what another wrote. Prints
 * `ready <url>` once listening; exits on SIGTERM.
 */
import "reflect-metadata";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { pino } from "pino";
import { loadConfig } from "../../../src/config.js";
import { connectDatabase } from "../../../src/db/connect.js";
import { startServer } from "../../../src/server.js";

const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NODE_ENV: "test" });
const logger = pino({ level: "silent" });
const key = Buffer.from(process.env.FEEDS_CIPHER_KEY ?? "", "hex");
if (key.length !== 32) throw new Error(`FEEDS_CIPHER_KEY: expected 64 hex characters, got ${key.length * 2}`);
const cipher = {
  encrypt(plain: string) {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", key, iv);
    const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return [iv, c.getAuthTag(), ct].map((b) => b.toString("base64")).join(":");
  },
  decrypt(token: string) {
    const [iv, tag, ct] = token.split(":").map((p) => Buffer.from(p, "base64"));
    const d = createDecipheriv("aes-256-gcm", key, iv!);
    d.setAuthTag(tag!);
    return Buffer.concat([d.update(ct!), d.final()]).toString("utf8");
  },
};
const db = await connectDatabase({ mongodbUri: config.mongodbUri, dataDir: null, logger });
const server = await startServer({ config, db, logger, cipher, timings: { sandboxTickMs: 0, reconcileIntervalMs: 60_000 } });
console.log(`ready ${server.url}`);
process.on("SIGTERM", () => {
  void server
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0));
});
