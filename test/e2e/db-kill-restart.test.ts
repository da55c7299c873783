/**
 * `npm run db` as an operator runs it, SIGKILLed with its whole process group (as a container runtime
 * does) and started again at once on the same --dbpath, ten times, while a writer keeps writing:
 * every start serves (the killed holder never keeps the directory locked, reaped or not), and every
 * write that was acknowledged is there at the end.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_TIMEOUT_MS, ensureDist } from "../helpers/build-dist.js";
import { freePort, killAllGroups, spawnNpm, type NpmProcess } from "../helpers/npm-process.js";

const CYCLES = 10;

describe("npm run db after SIGKILL of its group", () => {
  let dbpath: string;
  let port: number;

  beforeAll(async () => {
    await ensureDist();
    dbpath = await mkdtemp(path.join(os.tmpdir(), "fgw-db-kill-"));
    port = await freePort();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    killAllGroups();
    await rm(dbpath, { recursive: true, force: true });
  });

  const startDb = async (): Promise<NpmProcess> => {
    const npm = spawnNpm(["run", "db", "--", "--port", String(port), "--dbpath", dbpath], {});
    await npm.waitFor(/^ready mongodb:\/\//m);
    return npm;
  };

  it(`restarts at once ${CYCLES} times with a writer running; every acknowledged write survives`, async () => {
    let db = await startDb();
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, {
      serverSelectionTimeoutMS: 30_000,
      retryWrites: false,
      heartbeatFrequencyMS: 500,
    });
    const coll = client.db("killtest").collection<{ _id: number; at: number }>("writes");
    const acknowledged = new Set<number>();
    let running = true;
    // Two writers, one id sequence: a write counts only once the engine has answered it.
    let next = 0;
    const writers = Array.from({ length: 2 }, async () => {
      while (running) {
        const id = next++;
        try {
          await coll.insertOne({ _id: id, at: Date.now() });
          acknowledged.add(id);
        } catch {
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    });
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const before = acknowledged.size;
        await expect.poll(() => acknowledged.size >= before + 25, { timeout: 60_000, interval: 5 }).toBe(true);
        process.kill(-db.pgid, "SIGKILL");
        // At once: not waiting for the killed processes to be reaped.
        db = await startDb();
        expect(db.output()).not.toMatch(/in use|cannot start/);
      }
      const before = acknowledged.size;
      await expect.poll(() => acknowledged.size >= before + 25, { timeout: 60_000, interval: 5 }).toBe(true);
    } finally {
      running = false;
      await Promise.all(writers);
    }
    const stored = new Set((await coll.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    await client.close();
    const missing = [...acknowledged].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(CYCLES * 25);
    process.kill(-db.pgid, "SIGTERM");
    expect(await db.exited).toEqual({ code: 0, signal: null });
  }, 300_000);
});
