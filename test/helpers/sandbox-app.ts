/**
 * A sandbox served over real HTTP on 127.0.0.1 port 0, on an in-memory embedded engine, with
 * tenants of its own (the gateway's tenant service is not involved), a callback listener, and a
 * `call` that checks every answer of an upstream path against the spec's contract.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import mongoose from "mongoose";
import { pino } from "pino";
import { loadEncryptionKeys } from "../../src/security/index.js";
import { startEngine, type EmbeddedEngine } from "../../src/db/embedded/index.js";
import { createSandbox, type Sandbox, type SandboxOptions, type SandboxTenant } from "../../src/sandbox/index.js";
import { upstreamContract } from "./openapi-contract.js";

/** An answer of the sandbox. */
export interface SandboxAnswer<T = unknown> {
  status: number;
  headers: Headers;
  contentType: string;
  /** The envelope (JSON answers). */
  json: { data: T; success: boolean; message: string; error: number | null };
  text: string;
  bytes: Uint8Array;
}

export interface SandboxApp {
  url: string;
  sandbox: Sandbox;
  connection: mongoose.Connection;
  engine: EmbeddedEngine;
  /** A new tenant with its key; `mode` LIVE makes a key the sandbox must refuse. */
  tenant(mode?: "TEST" | "LIVE"): { id: string; key: string };
  /** Registers a known tenant under a known key (a restarted process seeing the same tenant). */
  register(tenant: { id: string; key: string }, mode?: "TEST" | "LIVE"): void;
  /**
   * Calls `/sandbox${path}`; answers of upstream paths (not the `_` control ones) are checked
   * against the spec's contract, and a violation fails the test.
   */
  call<T = unknown>(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; rawBody?: string; contentType?: string; signal?: AbortSignal },
  ): Promise<SandboxAnswer<T>>;
  close(): Promise<void>;
}

// One key per test process, so a sandbox restarted on the same database can read what it sealed.
const testCipher = loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });

export type SandboxAppOptions = Partial<Omit<SandboxOptions, "connection" | "resolveTenant" | "logger" | "cipher">>;

/** Starts engine, sandbox and HTTP server; `now` lets a test put the tenant clocks on a given date. */
export async function startSandboxApp(options: SandboxAppOptions = {}, reuse?: { engine: EmbeddedEngine; dbName: string }): Promise<SandboxApp> {
  const engine = reuse?.engine ?? (await startEngine({ host: "127.0.0.1", port: 0, dbpath: null }));
  const dbName = reuse?.dbName ?? `sbx_${randomBytes(4).toString("hex")}`;
  const connection = await mongoose
    .createConnection(`${engine.uri}/${dbName}`, { directConnection: true, retryWrites: false, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  const tenants = new Map<string, SandboxTenant>();
  const sandbox = createSandbox({
    connection,
    logger: pino({ level: "silent" }),
    resolveTenant: async (token) => tenants.get(token) ?? null,
    cipher: await testCipher,
    tickMs: 0,
    allowPrivateCallbackTargets: true,
    callbackTimeoutMs: 1_000,
    callbackRetries: 2,
    callbackBackoffMs: 50,
    ...options,
  });
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
  const app = express();
  app.use("/sandbox", sandbox.router);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.start();
  const contract = upstreamContract();

  return {
    url,
    sandbox,
    connection,
    engine,
    tenant(mode = "TEST") {
      const id = `tenant_${randomBytes(4).toString("hex")}`;
      const key = `fgw_${mode.toLowerCase()}_${randomBytes(12).toString("hex")}`;
      tenants.set(key, { tenantId: id, mode });
      return { id, key };
    },
    register(t, mode = "TEST") {
      tenants.set(t.key, { tenantId: t.id, mode });
    },
    async call<T>(
      method: string,
      path: string,
      o: { key?: string | null; body?: unknown; rawBody?: string; contentType?: string; signal?: AbortSignal } = {},
    ): Promise<SandboxAnswer<T>> {
      const headers: Record<string, string> = {};
      if (o.key !== undefined && o.key !== null) headers.authorization = `Bearer ${o.key}`;
      let body: string | undefined;
      if (o.rawBody !== undefined) body = o.rawBody;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers["content-type"] = o.contentType ?? "application/json";
      const res = await fetch(`${url}/sandbox${path}`, { method, headers, body, signal: o.signal });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const contentType = res.headers.get("content-type") ?? "";
      const text = contentType.startsWith("application/pdf") ? "" : Buffer.from(bytes).toString("utf8");
      const json = contentType.startsWith("application/json") ? (JSON.parse(text) as SandboxAnswer<T>["json"]) : (null as never);
      const upstreamPath = path.split("?")[0] as string;
      if (isUpstreamPath(upstreamPath)) {
        contract.assert({
          method,
          path: upstreamPath,
          status: res.status,
          contentType,
          body: contentType.startsWith("application/json") ? json : contentType.startsWith("text/plain") ? text : bytes,
        });
      }
      return { status: res.status, headers: res.headers, contentType, json, text, bytes };
    },
    async close() {
      await sandbox.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      if (reuse === undefined) await engine.close();
    },
  };
}

function isUpstreamPath(p: string): boolean {
  return /^\/(prodotti|richiesta)(\/|$)/.test(p);
}

/** One callback received by the listener. */
export interface ReceivedCallback {
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The request object: `body[field]` for JSON, the parsed form field for POST. */
  request: Record<string, unknown>;
  /** The top-level key the request object came under. */
  field: string;
}

export interface CallbackListener {
  url: string;
  received: ReceivedCallback[];
  /** Status the listener answers with (default 200); a function can fail the first attempts. */
  respond: (n: number) => number;
  /** Resolves once `count` callbacks have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
}

/** A local HTTP server that records callbacks in both upstream formats. */
export async function startCallbackListener(): Promise<CallbackListener> {
  const received: ReceivedCallback[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let hits = 0;
  const listener: CallbackListener = {
    url: "",
    received,
    respond: () => 200,
    waitFor(count, timeoutMs = 5_000) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${count} callbacks, got ${received.length}`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(t), resolve(received.slice())) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits += 1;
      const status = listener.respond(hits);
      if (status >= 200 && status < 300) {
        const raw = Buffer.concat(chunks).toString("utf8");
        const contentType = req.headers["content-type"] ?? "";
        let outer: Record<string, unknown>;
        if (contentType.startsWith("application/json")) outer = JSON.parse(raw) as Record<string, unknown>;
        else {
          outer = {};
          for (const [k, v] of new URLSearchParams(raw)) outer[k] = JSON.parse(v) as unknown;
        }
        const field = Object.keys(outer)[0] ?? "";
        received.push({ path: req.url ?? "", contentType, headers: req.headers, raw, request: outer[field] as Record<string, unknown>, field });
        for (const w of waiters.filter((x) => received.length >= x.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      res.statusCode = status;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  listener.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return listener;
}

/** A `now` that starts at `start` and then moves with real time (tenant clocks add their offsets). */
export function clockFrom(start: Date): () => Date {
  const t0 = Date.now();
  return () => new Date(start.getTime() + (Date.now() - t0));
}
