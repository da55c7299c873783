import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DbPathInUseError, isAlive, lockDir } from "../../../src/db/embedded/storage/dir-lock.js";
import { REPO_ROOT } from "../../helpers/child.js";
import { BUILD_TIMEOUT_MS, ensureDist } from "../../helpers/build-dist.js";

// The compiled module (built by ensureDist below): other processes and worker threads load it
// with plain node, as the compiled gateway does.
const DIST_LOCK = pathToFileURL(path.join(REPO_ROOT, "dist/db/embedded/storage/dir-lock.js")).href;
const HOLDER = `import { lockDir } from ${JSON.stringify(DIST_LOCK)};
await lockDir(process.argv[1]);
console.log("locked " + process.pid);
setInterval(() => {}, 1 << 30);`;

let dir: string;
const groups: ChildProcess[] = [];

beforeAll(ensureDist, BUILD_TIMEOUT_MS);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "dir-lock-"));
});

afterEach(async () => {
  for (const g of groups.splice(0)) {
    try {
      process.kill(-g.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** Starts `command` in its own process group; resolves with the holder's pid once it holds `dir`. */
function startHolder(command: string, args: string[]): Promise<number> {
  const proc = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  groups.push(proc);
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`holder did not lock in time: ${out} ${err}`)), 20_000);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.match(/locked (\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once("exit", () => reject(new Error(`holder exited: ${out} ${err}`)));
  });
}

async function refusal(): Promise<DbPathInUseError> {
  const err = await lockDir(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DbPathInUseError);
  return err as DbPathInUseError;
}

async function procState(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

describe("data directory lock", () => {
  it("refuses a second holder in the same thread with code 98, and is free again once released", async () => {
    const lock = await lockDir(dir);
    expect((await refusal()).code).toBe(98);
    await lock.release();
    await (await lockDir(dir)).release();
  });

  it("refuses a holder in another thread of this process, and frees the directory when the thread releases", async () => {
    const worker = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
      import(workerData.url).then(async ({ lockDir }) => {
        const lock = await lockDir(workerData.dir);
        parentPort.postMessage("locked");
        parentPort.once("message", async () => { await lock.release(); parentPort.postMessage("released"); });
      });`,
      { eval: true, workerData: { url: DIST_LOCK, dir } },
    );
    try {
      const next = () => new Promise<unknown>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      expect(await next()).toBe("locked");
      if (process.platform === "linux") expect((await refusal()).code).toBe(98);
      worker.postMessage("release");
      expect(await next()).toBe("released");
      await (await lockDir(dir)).release();
    } finally {
      await worker.terminate();
    }
  });

  it("refuses a directory a live process holds, and takes it at once after that process is SIGKILLed", async () => {
    const pid = await startHolder(process.execPath, ["--input-type=module", "-e", HOLDER, dir]);
    const err = await refusal();
    expect(err.code).toBe(98);
    expect(err.message).toContain(String(pid));
    process.kill(pid, "SIGKILL");
    // Reaped or not by now: the lock is free either way.
    await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
    await (await lockDir(dir)).release();
  });

  it.runIf(process.platform === "linux")("is free after SIGKILL even while the holder is a zombie nobody reaps", async () => {
    // The holder's parent becomes `sleep` (sh execs it), which never waits for children: once
    // killed, the holder stays a zombie that still answers kill(pid, 0).
    const script = `${JSON.stringify(process.execPath)} --input-type=module -e "$0" "$1" & exec sleep 60`;
    const pid = await startHolder("sh", ["-c", script, HOLDER, dir]);
    expect((await refusal()).code).toBe(98);
    process.kill(pid, "SIGKILL");
    await expect.poll(() => procState(pid), { timeout: 10_000 }).toBe("Z");
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await isAlive(pid)).toBe(false);
    const lock = await lockDir(dir);
    await lock.release();
  });
});
