/**
 * Runs the embedded engine in a worker thread, so its BSON and query work uses another core than the
 * gateway's event loop. The engine is a TCP server: the worker owns the listening socket entirely and
 * the parent only needs the URI. Durability is the worker's business as before (a reply still waits
 * for its fsync); the parent forwards stats and TTL-sweep calls, receives log lines, and closes it.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { EngineLogger } from "./server.js";
import type { EngineStats } from "./storage/collection.js";
// From the lock's own module: the storage modules stay in the worker thread.
import { DbPathInUseError } from "./storage/dir-lock.js";
import type { ToParent, ToWorker, WireError, WorkerStartOptions } from "./worker-protocol.js";

/** An engine running in a worker thread; like EmbeddedEngine, but stats() is asynchronous. */
export interface WorkerEngine {
  readonly host: string;
  readonly port: number;
  readonly uri: string;
  readonly threadId: number;
  /** Closes the engine cleanly (flush, compaction), then terminates the thread; bounded by closeTimeoutMs. */
  close(): Promise<void>;
  stats(): Promise<EngineStats>;
  sweepTtl(): Promise<number>;
}

export interface WorkerEngineOptions extends WorkerStartOptions {
  logger: EngineLogger;
  /** How long close() waits for a clean close before terminating the thread anyway (default 5 s). */
  closeTimeoutMs?: number;
}

// From the .ts sources (tsx, vitest) the worker needs tsx's loader to import TypeScript; compiled to
// dist/, it is plain JavaScript next to this file.
const fromSource = import.meta.url.endsWith(".ts");

function newWorker(workerData: WorkerStartOptions): Worker {
  const options = { workerData, stdout: false, stderr: false } as const;
  if (!fromSource) return new Worker(new URL("./engine.worker.js", import.meta.url), options);
  // On Node 20, `--import tsx` in a worker's execArgv registers nothing (tsx registers its hooks on
  // the main thread only there) and workers do not inherit the parent's hooks. A tiny eval'd
  // bootstrap registers tsx's ESM hooks in the worker itself, then imports the .ts entry.
  // require.resolve finds the CommonJS build of tsx/esm/api; its ES module build sits next to it.
  const api = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const entry = new URL("./engine.worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** Rebuilds an error from the worker with its class (DbPathInUseError), code, codeName and stack. */
export function rebuildError(wire: WireError): Error {
  const err: Error & { code?: unknown; codeName?: unknown } =
    wire.name === "DbPathInUseError" ? new DbPathInUseError(wire.message) : new Error(wire.message);
  if (!(err instanceof DbPathInUseError)) {
    if (wire.name !== "Error") Object.defineProperty(err, "name", { value: wire.name, configurable: true, writable: true });
    if (wire.code !== undefined) err.code = wire.code;
    if (wire.codeName !== undefined) err.codeName = wire.codeName;
  }
  if (wire.stack) err.stack = wire.stack;
  return err;
}

// Data directories held by engine threads started from here. Each thread has its own copy of the
// storage modules, so the lock's in-process bookkeeping cannot see a sibling thread; this can.
const heldByThreads = new Set<string>();

/** Starts the engine in a worker thread and resolves once it accepts connections. */
export async function startEngineInWorker(options: WorkerEngineOptions): Promise<WorkerEngine> {
  const key = options.dbpath === null ? null : resolve(options.dbpath);
  if (key !== null) {
    if (heldByThreads.has(key)) throw new DbPathInUseError(`data directory ${options.dbpath} is already open in this process`);
    heldByThreads.add(key);
  }
  try {
    const engine = await launch(options);
    if (key === null) return engine;
    const close = engine.close;
    return { ...engine, close: () => close().finally(() => heldByThreads.delete(key)) };
  } catch (err) {
    if (key !== null) heldByThreads.delete(key);
    throw err;
  }
}

function launch(options: WorkerEngineOptions): Promise<WorkerEngine> {
  const { logger, closeTimeoutMs = 5_000, ...start } = options;
  const worker = newWorker(start);
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  let closing: Promise<void> | null = null;
  let onClosed: ((err?: WireError) => void) | null = null;

  const exit = new Promise<number>((resolve) =>
    worker.once("exit", (code) => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`embedded engine worker exited (code ${code})`));
      pending.clear();
      resolve(code);
    }),
  );

  return new Promise<WorkerEngine>((resolveStart, rejectStart) => {
    let started = false;
    // A start failure is reported once the thread has released what it held (socket, lock) and ended.
    let startFailure: Error | null = null;
    worker.on("error", (err) => {
      if (!started) rejectStart(err);
      else logger.error("embedded engine worker crashed", { err: String(err) });
    });
    void exit.then((code) => {
      if (!started) rejectStart(startFailure ?? new Error(`embedded engine worker exited before it was ready (code ${code})`));
      else if (!closing) logger.error("embedded engine worker exited unexpectedly", { code });
      onClosed?.();
    });

    const request = <T>(type: "stats" | "sweepTtl"): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error("embedded engine worker is not running"));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: never) => void, reject });
        worker.postMessage({ type, id } satisfies ToWorker);
      });

    worker.on("message", (msg: ToParent) => {
      switch (msg.type) {
        case "log":
          logger[msg.level](msg.msg, msg.meta);
          break;
        case "reply": {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          if (msg.error) p?.reject(rebuildError(msg.error));
          else p?.resolve(msg.value as never);
          break;
        }
        case "closed":
          onClosed?.(msg.error);
          break;
        case "failed":
          startFailure = rebuildError(msg.error);
          break;
        case "ready": {
          started = true;
          const host = start.host;
          resolveStart({
            host,
            port: msg.port,
            uri: `mongodb://${host}:${msg.port}`,
            threadId: worker.threadId,
            stats: () => request<EngineStats>("stats"),
            sweepTtl: () => request<number>("sweepTtl"),
            close() {
              closing ??= (async () => {
                let failure: WireError | undefined;
                if (!exited) {
                  const closed = new Promise<void>((resolve) => {
                    onClosed = (err) => {
                      failure = err;
                      resolve();
                    };
                  });
                  let timer: NodeJS.Timeout | undefined;
                  const timeout = new Promise<void>((resolve) => {
                    timer = setTimeout(() => {
                      logger.warn("embedded engine did not close in time; terminating its thread", { closeTimeoutMs });
                      resolve();
                    }, closeTimeoutMs);
                  });
                  worker.postMessage({ type: "close" } satisfies ToWorker);
                  await Promise.race([closed, timeout]);
                  clearTimeout(timer);
                }
                await worker.terminate();
                if (failure) throw rebuildError(failure);
              })();
              return closing;
            },
          });
          break;
        }
      }
    });
  });
}
