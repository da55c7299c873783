import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { MongoClient, type Db, type Document, type MongoClientOptions } from "mongodb";
import { startEngine } from "../../src/db/embedded/index.js";

/** Options accepted by the embedded engine, as `startEngine` declares them. */
export type EngineOptions = NonNullable<Parameters<typeof startEngine>[0]>;

/** A running embedded engine and a driver connected to it over TCP. */
export interface TestEngine {
  readonly uri: string;
  readonly port: number;
  readonly client: MongoClient;
  /** A database whose name is unique to this call, so tests sharing an engine never collide. */
  db(prefix?: string): Db;
  /** Another client on the same engine, closed together with the engine. */
  newClient(options?: MongoClientOptions): Promise<MongoClient>;
  close(): Promise<void>;
}

// Standalone semantics are what the engine offers: no retryable writes, one direct connection target.
const baseClientOptions: MongoClientOptions = {
  directConnection: true,
  retryWrites: false,
  serverSelectionTimeoutMS: 5_000,
};

/** Starts an in-memory engine on an ephemeral loopback port and connects a MongoClient to it. */
export async function startTestEngine(
  options: EngineOptions = {},
  clientOptions: MongoClientOptions = {},
): Promise<TestEngine> {
  const engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null, ...options });
  const clients: MongoClient[] = [];
  const connect = async (extra: MongoClientOptions): Promise<MongoClient> => {
    const c = new MongoClient(engine.uri, { ...baseClientOptions, ...clientOptions, ...extra });
    clients.push(c);
    await c.connect();
    return c;
  };
  let client: MongoClient;
  try {
    client = await connect({});
  } catch (err) {
    await engine.close();
    throw err;
  }
  return {
    uri: engine.uri,
    port: engine.port,
    client,
    db: (prefix = "t") => client.db(uniqueName(prefix)),
    newClient: (extra = {}) => connect(extra),
    close: async () => {
      await Promise.allSettled(clients.map((c) => c.close(true)));
      await engine.close();
    },
  };
}

/** A short random name (databases, collections) so parallel tests never share state. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** Every `stage` named in an explain plan tree (FETCH → IXSCAN, SORT → COLLSCAN, ...). */
export function planStages(plan: Document | undefined): string[] {
  if (plan === undefined || plan === null || typeof plan !== "object") return [];
  const out: string[] = [];
  if (typeof plan.stage === "string") out.push(plan.stage);
  // Classic plans nest through inputStage(s); SBE plans wrap the tree in queryPlan.
  for (const key of ["inputStage", "queryPlan"]) {
    if (plan[key] !== undefined) out.push(...planStages(plan[key] as Document));
  }
  if (Array.isArray(plan.inputStages)) {
    for (const child of plan.inputStages as Document[]) out.push(...planStages(child));
  }
  return out;
}

/** Resolves the promise's rejection so tests can assert on error codes and fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error("expected the operation to be rejected, but it succeeded");
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The engine CLI running as a child process. */
export interface RunningEngine {
  child: ChildProcess;
  uri: string;
  /** Everything the process wrote to stderr so far, for failure messages. */
  stderr: string[];
}

/**
 * Starts `src/db/embedded/cli.ts` (port 0) the way `npm run db` does and resolves once it prints
 * its ready line; rejects if it exits first. `dbpath` null runs in memory.
 */
export function startCli(dbpath: string | null, extraArgs: readonly string[] = []): Promise<RunningEngine> {
  const args = ["--import", "tsx", "src/db/embedded/cli.ts", "--port", "0"];
  if (dbpath !== null) args.push("--dbpath", dbpath);
  const child = spawn(process.execPath, [...args, ...extraArgs], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = /^ready (mongodb:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve({ child, uri: m[1], stderr });
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`engine exited before ready (code ${code}, signal ${signal}): ${stderr.join("")}`)),
    );
    child.once("error", reject);
  });
}

/** SIGKILLs the process and waits until it is really gone. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
