import { createHash } from "node:crypto";
import { readFile, realpath, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";

/** Refusal to open a data directory another engine holds (mongod's code 98 DBPathInUse). */
export class DbPathInUseError extends Error {
  override readonly name = "DbPathInUseError";
  readonly code = 98;
  readonly codeName = "DBPathInUse";
}

/** Who holds the directory, for messages and for the PID fallback; never trusted alone on Linux. */
const PID_FILE = "engine.lock";

// Directories open in this thread: refused before touching the OS (the socket refuses the rest,
// other threads of this process included).
const openHere = new Set<string>();

/** A held data directory; `release` frees it (idempotent). A killed holder frees it by dying. */
export interface DirLock {
  release(): Promise<void>;
}

/** How long a start waits for a dead holder's last threads to let go of the claim. */
const DYING_HOLDER_MS = 2_000;

/**
 * Claims `dir` for one engine. On Linux the claim is an abstract Unix socket named from the hash of
 * the directory's real path: the kernel frees it the moment its holder dies (before the zombie is
 * reaped, even if it never is), and a second bind from any live process or thread fails. Elsewhere,
 * or where abstract sockets are unavailable, the PID written in `engine.lock` is checked instead, a
 * zombie (state Z in /proc/PID/stat) counting as dead.
 */
export async function lockDir(dir: string): Promise<DirLock> {
  const key = await realpath(dir);
  if (openHere.has(key)) throw new DbPathInUseError(`data directory ${dir} is already open in this process`);
  openHere.add(key);
  try {
    const socket = process.platform === "linux" ? await bindAbstract(key, dir) : null;
    if (socket === null) await checkPidFile(dir);
    await writeFile(join(dir, PID_FILE), String(process.pid));
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        await rm(join(dir, PID_FILE), { force: true });
        openHere.delete(key);
        if (socket !== null) await new Promise<void>((resolve) => socket.close(() => resolve()));
      },
    };
  } catch (err) {
    openHere.delete(key);
    throw err;
  }
}

/** Binds the directory's abstract socket; null when the platform refuses abstract names. */
async function bindAbstract(key: string, dir: string): Promise<net.Server | null> {
  const name = `\0firma-gateway-db-${createHash("sha256").update(key).digest("hex")}`;
  const server = net.createServer((conn) => conn.destroy());
  const giveUpAt = Date.now() + DYING_HOLDER_MS;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen({ path: name, exclusive: true }, () => {
          server.off("error", reject);
          resolve();
        });
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") return null;
      const holder = await holderPid(dir);
      // A killed holder's main thread turns zombie before its other threads have closed the
      // process's files: the name is freed a moment later. Only a live holder is refused at once.
      if (holder !== null && holder !== process.pid && !(await isAlive(holder)) && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      throw new DbPathInUseError(`data directory ${dir} is in use${holder === null ? "" : ` by process ${holder}`}`);
    }
  }
  // The lock must not keep the process alive.
  server.unref();
  return server;
}

async function holderPid(dir: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(join(dir, PID_FILE), "utf8"), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** The fallback: refuses a directory whose engine.lock names a live process other than this one. */
async function checkPidFile(dir: string): Promise<void> {
  const pid = await holderPid(dir);
  // A lock left by a killed process (kill -9) is stale and taken over.
  if (pid !== null && pid !== process.pid && (await isAlive(pid))) {
    throw new DbPathInUseError(`data directory ${dir} is in use by process ${pid}`);
  }
}

/** True for a running process; a zombie (killed, not yet reaped) answers kill(pid, 0) but is dead. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}
