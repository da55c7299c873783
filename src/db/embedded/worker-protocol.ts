import type { EngineStats } from "./storage/collection.js";

/** What the worker needs to start an EngineServer (the logger is replaced by log messages). */
export interface WorkerStartOptions {
  host: string;
  port: number;
  dbpath: string | null;
  ttlSweepMs: number;
  compactAfterBytes: number;
}

/** An error crossing the thread boundary; rebuilt on the other side with its class, code and stack. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  codeName?: unknown;
}

export type ToWorker = { type: "stats"; id: number } | { type: "sweepTtl"; id: number } | { type: "close" };

export type ToParent =
  | { type: "ready"; port: number }
  | { type: "failed"; error: WireError }
  | { type: "log"; level: "info" | "warn" | "error"; msg: string; meta?: Record<string, unknown> }
  | { type: "reply"; id: number; value?: EngineStats | number; error?: WireError }
  | { type: "closed"; error?: WireError };
