import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { killHard, startCli, type RunningEngine } from "../../helpers/engine.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
let dbpath: string;
let running: RunningEngine | undefined;

beforeEach(async () => {
  dbpath = await mkdtemp(path.join(tmpdir(), "engine-cli-"));
});

afterEach(async () => {
  if (running) await killHard(running.child);
  running = undefined;
  await rm(dbpath, { recursive: true, force: true });
});

/** Resolves with the exit code once the process has exited. */
const exitOf = (child: RunningEngine["child"]): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });

describe("embedded engine CLI", () => {
  it("prints its ready line with the real port, serves the driver, and shuts down cleanly on SIGTERM", async () => {
    running = await startCli(dbpath);
    expect(running.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const client = new MongoClient(running.uri, { directConnection: true });
    await client.db("cli").collection("c").insertOne({ kept: true });
    await client.close();

    const exited = exitOf(running.child);
    running.child.kill("SIGTERM");
    expect(await exited).toBe(0);

    // A clean shutdown leaves the data to the next start on the same dbpath.
    running = await startCli(dbpath);
    const again = new MongoClient(running.uri, { directConnection: true });
    try {
      expect(await again.db("cli").collection("c").countDocuments({ kept: true })).toBe(1);
    } finally {
      await again.close();
    }
  });

  it("refuses to start a second engine on a dbpath held by a live one", async () => {
    running = await startCli(dbpath);
    const err = await startCli(dbpath).then(
      (second) => killHard(second.child).then(() => null),
      (e: unknown) => e as Error,
    );
    // startCli rejects when the process exits before printing its ready line.
    expect(err).toBeInstanceOf(Error);
    // The first engine is unaffected.
    const client = new MongoClient(running.uri, { directConnection: true });
    try {
      await expect(client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });

  it("runs in memory without --dbpath", async () => {
    running = await startCli(null);
    const client = new MongoClient(running.uri, { directConnection: true });
    try {
      await expect(client.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });

  it("exits with a non-zero code and prints nothing on stdout for an invalid --port", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/db/embedded/cli.ts", "--port", "99999"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stdout).toBe("");
  });
});
