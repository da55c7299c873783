import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { REPO_ROOT } from "./child.js";

/** `npm <args>` as a user runs it, from the repository root, in its own process group. */
export interface NpmProcess {
  readonly proc: ChildProcess;
  /** The process group (npm's pid): npm, its shell if any, and node. */
  readonly pgid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** npm's exit; npm exits with node's code (and re-raises node's signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in the output; rejects if npm exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const started: NpmProcess[] = [];

/**
 * Spawns `npm <args>` detached (its own process group), with the environment of this process minus
 * what the test runner adds (no NODE_ENV=test) and minus REDIS_URL, plus `env`.
 */
export function spawnNpm(args: string[], env: Record<string, string>): NpmProcess {
  const base = { ...process.env };
  for (const name of ["NODE_ENV", "REDIS_URL", "VITEST", "VITEST_MODE", "VITEST_POOL_ID", "VITEST_WORKER_ID", "TEST"]) delete base[name];
  const proc = spawn("npm", args, { cwd: REPO_ROOT, env: { ...base, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const npm: NpmProcess = {
    proc,
    pgid: proc.pid!,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) done(null, m);
        };
        const onExit = () => setImmediate(() => done(new Error(`npm exited before printing ${pattern}; output:\n${out}`)));
        function done(e: Error | null, m?: RegExpMatchArray) {
          clearTimeout(timer);
          proc.stdout!.off("data", check);
          proc.stderr!.off("data", check);
          proc.off("exit", onExit);
          if (e) reject(e);
          else resolve(m!);
        }
        proc.stdout!.on("data", check);
        proc.stderr!.on("data", check);
        proc.once("exit", onExit);
        check();
      });
    },
  };
  started.push(npm);
  return npm;
}

/** Processes of group `pgid` that are still alive (zombies count as gone: they have exited). */
export function liveGroupMembers(pgid: number): { pid: number; cmd: string }[] {
  const members: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // rest: state, ppid, pgrp, ...
      if (Number(rest[2]) !== pgid || rest[0] === "Z" || rest[0] === "X") continue;
      members.push({ pid: Number(entry), cmd: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim() });
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/** The pid of the group's process whose command line matches `pattern` (node running the compiled entry). */
export async function groupMember(pgid: number, pattern: RegExp, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = liveGroupMembers(pgid).find((m) => pattern.test(m.cmd));
    if (found) return found.pid;
    if (Date.now() > until) throw new Error(`no process matching ${pattern} in group ${pgid}: ${JSON.stringify(liveGroupMembers(pgid))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits (bounded) until no process of the group is alive; returns the survivors, empty when all are gone. */
export async function waitGroupGone(pgid: number, withinMs: number): Promise<{ pid: number; cmd: string }[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const live = liveGroupMembers(pgid);
    if (live.length === 0 || Date.now() > until) return live;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** SIGKILLs every group this module started (afterAll / finally: nothing is left behind). */
export function killAllGroups(): void {
  for (const npm of started.splice(0)) {
    try {
      process.kill(-npm.pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
