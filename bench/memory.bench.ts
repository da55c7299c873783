/**
 * Idle memory of the compiled gateway (`node dist/main.js`, what `npm start` runs) on its embedded
 * defaults: VmRSS of the gateway's node process a few seconds after /readyz answers, and again a few
 * seconds after one GraphQL query (`{ products { code } }` with the printed default key). The
 * baseline, in the same run: a bare `node -e` HTTP server after one request. Target (issue 10):
 * idle at most 150 MiB.
 *
 * It builds nothing: dist/ must exist (`npm run build`). Each process runs in its own process
 * group, with a fresh data directory, and its group is killed whatever happens.
 * MEMORY_ROUNDS (3) and MEMORY_IDLE_MS (5000) narrow or widen a run; EMBEDDED_ENGINE passes through.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median, printTable } from "./lib.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = path.join(ROOT, "dist/main.js");
const ROUNDS = Number(process.env.MEMORY_ROUNDS ?? 3);
const IDLE_MS = Number(process.env.MEMORY_IDLE_MS ?? 5_000);
const START_TIMEOUT_MS = 90_000;
const MIB = 1024 * 1024;

const BARE_SERVER = `
const server = require("node:http").createServer((req, res) => res.end("ok"));
server.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + server.address().port));
`;

/** VmRSS and VmHWM (peak) of a live process, in bytes, from /proc/<pid>/status. */
async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number => {
    const m = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    if (m === null) throw new Error(`/proc/${pid}/status has no ${field} line`);
    return Number(m[1]) * 1024;
  };
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A node process in its own process group; stop() signals the group and waits for the leader. */
class GroupProcess {
  private out = "";
  private err = "";
  private readonly exited: Promise<void>;

  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((resolve) => proc.once("exit", () => resolve()));
  }

  static start(args: string[], env: NodeJS.ProcessEnv): GroupProcess {
    return new GroupProcess(spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true }));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** The first match of `pattern` on stdout; rejects if the process exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.match(pattern);
      if (m !== null) return m;
      const ended = this.proc.exitCode !== null || this.proc.signalCode !== null;
      if (ended || Date.now() > deadline) {
        throw new Error(`${ended ? "exited" : "timed out"} before printing ${pattern}; stdout:\n${this.out.slice(-2000)}\nstderr:\n${this.err.slice(-2000)}`);
      }
      await sleep(50);
    }
  }

  /** SIGTERM to the group, SIGKILL to what is left after 10 s; resolves once the leader has exited. */
  async stop(): Promise<void> {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-this.pid, s);
      } catch {
        // The group is gone already.
      }
    };
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
    signal("SIGKILL"); // anything the leader left behind
  }
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/readyz`).catch(() => null);
    if (res?.status === 200) return;
    await sleep(100);
  }
  throw new Error(`${url}/readyz did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

interface Sample {
  idle: { rss: number; peak: number };
  afterQuery: { rss: number; peak: number };
}

async function measureBare(): Promise<Sample> {
  const child = GroupProcess.start(["-e", BARE_SERVER], { ...process.env });
  try {
    const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, START_TIMEOUT_MS);
    await sleep(IDLE_MS);
    const idle = await rssOf(child.pid);
    await (await fetch(url!)).text();
    await sleep(IDLE_MS);
    return { idle, afterQuery: await rssOf(child.pid) };
  } finally {
    await child.stop();
  }
}

async function measureGateway(): Promise<Sample> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "fgw-memory-"));
  // The embedded defaults: no external database or Redis even when the caller's environment has them.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  for (const name of ["MONGODB_URI", "REDIS_URL", "NODE_ENV", "DASHBOARD"]) delete env[name];
  const child = GroupProcess.start([MAIN], env);
  try {
    const [, url, key] = await child.waitFor(/ready on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*?(fgw_test_[A-Za-z0-9_-]{32})/, START_TIMEOUT_MS);
    await waitReady(url!);
    await sleep(IDLE_MS);
    const idle = await rssOf(child.pid);
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ products { code } }" }),
    });
    const body = (await res.json()) as { data?: { products?: unknown[] }; errors?: unknown[] };
    if (!res.ok || body.errors || !body.data?.products?.length) throw new Error(`products query failed: HTTP ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
    await sleep(IDLE_MS);
    return { idle, afterQuery: await rssOf(child.pid) };
  } finally {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and prints its table. */
export async function run(): Promise<void> {
  if (!existsSync(MAIN)) {
    throw new Error(`bench/memory.bench.ts measures the compiled gateway, and ${path.relative(ROOT, MAIN)} does not exist: run \`npm run build\` first`);
  }
  const bare: Sample[] = [];
  const gateway: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await measureBare());
    gateway.push(await measureGateway());
  }
  const mib = (values: number[]) => median(values) / MIB;
  // Each reading is compared with the bare server's reading at the same point (idle, after one request).
  const row = (name: string, samples: Sample[], at: keyof Sample) => {
    const rss = samples.map((s) => s[at].rss);
    const baseline = mib(bare.map((s) => s[at].rss));
    return [name, mib(rss), Math.min(...rss) / MIB, Math.max(...rss) / MIB, mib(samples.map((s) => s[at].peak)), mib(rss) / baseline];
  };
  console.log(`${ROUNDS} rounds, ${IDLE_MS} ms idle before each reading; EMBEDDED_ENGINE=${process.env.EMBEDDED_ENGINE ?? "(default: worker)"}`);
  printTable(
    ["process", "RSS MiB (median)", "min", "max", "peak MiB (VmHWM)", "× bare node"],
    [
      row("bare node http server, idle", bare, "idle"),
      row("bare node http server, after 1 request", bare, "afterQuery"),
      row("gateway (dist/main.js), idle after start", gateway, "idle"),
      row("gateway, idle after { products { code } }", gateway, "afterQuery"),
    ],
  );
}
