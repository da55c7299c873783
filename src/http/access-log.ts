import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

/**
 * The path as it may be logged: callback URLs carry a per-request secret and download links a
 * signature, so those parts never reach a log line.
 */
export function loggablePath(url: string): string {
  const path = url.split("?")[0] ?? "";
  const callback = /^\/callbacks\/firmadigitale\/([0-9a-f]{24})\/[^/]+$/.exec(path);
  if (callback) return `/callbacks/firmadigitale/${callback[1]}/:secret`;
  return path;
}

/** Logs one request when its answer is sent (method, path without secrets, status, duration); health probes at debug. */
export function logRequestOnFinish(logger: Logger, req: IncomingMessage, res: ServerResponse, url = req.url ?? ""): void {
  // Nothing to write at this level: no listener, no clock read.
  if (!logger.isLevelEnabled("info")) return;
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const path = loggablePath(url);
    const entry = { method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
    if (path === "/healthz" || path === "/readyz" || path === "/metrics") logger.debug(entry, "http");
    else logger.info(entry, "http");
  });
}

/** One line per HTTP request (method, path without secrets, status, duration); health probes at debug. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    logRequestOnFinish(logger, req, res, req.originalUrl);
    next();
  };
}
