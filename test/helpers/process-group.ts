import { spawn } from "node:child_process";
import { REPO_ROOT, type Child } from "./child.js";

/** A child started in its own process group: kill() signals the whole group. */
export interface GroupChild extends Child {
  /** Signals every process of the group (no-op once the leader is gone and reaped). */
  killGroup(signal?: NodeJS.Signals): void;
}

/**
 * Spawns `node --import tsx <script>` from the repository root, detached into its own process
 * group, with extra environment. kill() signals the group and resolves once the leader has exited.
 */
export function spawnTsGroup(script: string, args: string[], env: Record<string, string>): GroupChild {
  const proc = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const killGroup = (signal: NodeJS.Signals = "SIGTERM") => {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    proc,
    stdout: () => out,
    killGroup,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; stdout:\n${out.slice(-4000)}\nstderr:\n${err.slice(-4000)}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) done(null, m);
        };
        const onExit = () => done(new Error(`process exited before printing ${pattern}; stdout:\n${out.slice(-4000)}\nstderr:\n${err.slice(-4000)}`));
        function done(e: Error | null, m?: RegExpMatchArray) {
          clearTimeout(timer);
          proc.stdout!.off("data", check);
          proc.off("exit", onExit);
          if (e) reject(e);
          else resolve(m!);
        }
        proc.stdout!.on("data", check);
        proc.once("exit", onExit);
        check();
      });
    },
    async kill(signal = "SIGTERM") {
      if (alive()) killGroup(signal);
      else killGroup("SIGKILL"); // anything the leader left behind
      await exited;
    },
  };
}
