import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase, engineThreadFromEnv } from "../../../src/db/connect.js";
import { DbPathInUseError, startEngine, startEngineInWorker, type EngineLogger } from "../../../src/db/embedded/index.js";
import { rejectionOf } from "../../helpers/engine.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const base = { host: "127.0.0.1", port: 0, dbpath: null, ttlSweepMs: 60_000, compactAfterBytes: 0, logger: silent };
const clientOptions = { directConnection: true, serverSelectionTimeoutMS: 2_000 };
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), "engine-worker-"));
  dirs.push(d);
  return d;
}

/** The engine CLI in its own process group, holding `dbpath`; resolves once it is ready. */
function holdDir(dbpath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/db/embedded/cli.ts", "--port", "0", "--dbpath", dbpath], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (c: string) => stderr.push(c));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("ready ")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`engine exited before ready (${code}): ${stderr.join("")}`)));
  });
}

function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      resolve();
    }
  });
}

describe("embedded engine in a worker thread", () => {
  it("serves the wire protocol from another thread, forwards stats, and ends the thread on close", async () => {
    const engine = await startEngineInWorker(base);
    expect(engine.threadId).toBeGreaterThan(0);
    const client = await new MongoClient(engine.uri, clientOptions).connect();
    try {
      const coll = client.db("w").collection("items");
      await coll.insertMany([{ _id: 1 as never, sku: "a" }, { _id: 2 as never, sku: "b" }]);
      expect(await coll.findOne({ _id: 2 as never })).toEqual({ _id: 2, sku: "b" });
      const stats = await engine.stats();
      expect(stats.lastPlan).toMatchObject({ stage: "IXSCAN", indexName: "_id_" });
      expect(await engine.sweepTtl()).toBe(0);
    } finally {
      await client.close();
      await engine.close();
    }
    // The thread is gone: its requests fail and its port no longer accepts connections.
    await expect(engine.stats()).rejects.toThrow(/not running/);
    await expect(engine.close()).resolves.toBeUndefined();
    const late = new MongoClient(engine.uri, { ...clientOptions, serverSelectionTimeoutMS: 500 });
    await expect(late.connect()).rejects.toThrow();
    await late.close();
  });

  it("persists through a data directory and reaches the parent's logger", async () => {
    const dbpath = await tempDir();
    const lines: string[] = [];
    const logger: EngineLogger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    let engine = await startEngineInWorker({ ...base, dbpath, logger });
    let client = await new MongoClient(engine.uri, clientOptions).connect();
    await client.db("w").collection("c").insertOne({ _id: "k" as never, v: 1 });
    await client.close();
    await engine.close();
    expect(lines).toContain("data loaded");
    engine = await startEngineInWorker({ ...base, dbpath });
    client = await new MongoClient(engine.uri, clientOptions).connect();
    try {
      expect(await client.db("w").collection("c").findOne({})).toEqual({ _id: "k", v: 1 });
    } finally {
      await client.close();
      await engine.close();
    }
  });

  it("propagates DbPathInUseError (code 98) when another process holds the data directory", async () => {
    const dbpath = await tempDir();
    const holder = await holdDir(dbpath);
    try {
      const err = await rejectionOf(startEngineInWorker({ ...base, dbpath }));
      expect(err).toBeInstanceOf(DbPathInUseError);
      expect(err).toMatchObject({ name: "DbPathInUseError", code: 98, codeName: "DBPathInUse" });
    } finally {
      await killGroup(holder);
    }
  });

  it("refuses a second engine thread on a data directory already open in this process", async () => {
    const dbpath = await tempDir();
    const first = await startEngineInWorker({ ...base, dbpath });
    try {
      const err = await rejectionOf(startEngineInWorker({ ...base, dbpath }));
      expect(err).toBeInstanceOf(DbPathInUseError);
      expect(err).toMatchObject({ code: 98 });
    } finally {
      await first.close();
    }
    // Released on close: the directory opens again.
    const again = await startEngineInWorker({ ...base, dbpath });
    await again.close();
  });

  it("propagates a listen error with its code", async () => {
    const first = await startEngine({ port: 0, dbpath: null });
    try {
      const err = await rejectionOf(startEngineInWorker({ ...base, port: first.port }));
      expect(err.code).toBe("EADDRINUSE");
    } finally {
      await first.close();
    }
  });
});

describe("connectDatabase and the engine's thread", () => {
  it("runs the embedded engine in a worker by default, and in-process on request", async () => {
    for (const engineThread of [undefined, "inprocess"] as const) {
      const records: Array<Record<string, unknown>> = [];
      const logger = pino({ level: "info" }, { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) });
      const db = await connectDatabase({ mongodbUri: null, dataDir: null, logger, engineThread });
      try {
        expect(db.embedded).toBe(true);
        expect(await db.ping()).toBe(true);
        const started = records.find((r) => r["msg"] === "embedded database engine started");
        expect(started?.["thread"]).toBe(engineThread ?? "worker");
      } finally {
        await db.close();
      }
    }
  });

  it("reads EMBEDDED_ENGINE and refuses unknown values", () => {
    expect(engineThreadFromEnv({})).toBe("worker");
    expect(engineThreadFromEnv({ EMBEDDED_ENGINE: "inprocess" })).toBe("inprocess");
    expect(() => engineThreadFromEnv({ EMBEDDED_ENGINE: "fork" })).toThrow(/EMBEDDED_ENGINE/);
  });
});
