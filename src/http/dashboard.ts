import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";

/** Where `npm run build` puts the dashboard: dist/dashboard, from src/http or dist/http alike. */
export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/dashboard");

/**
 * Only this origin's own files and its own WebSocket: no CDN, no inline script or style. (Chrome
 * matches `ws:` against 'self' since CSP 3; the explicit host keeps older engines working.)
 */
export function dashboardCsp(host: string | undefined): string {
  const sockets = host ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The partners' sandbox dashboard at /dashboard: the Vite build, under a strict Content-Security-Policy. */
export function dashboardRouter(dir = DASHBOARD_DIR): Router {
  const router = express.Router();
  router.use((req: Request, res: Response, next) => {
    res.setHeader("content-security-policy", dashboardCsp(req.headers.host));
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    next();
  });
  router.use("/assets", express.static(path.join(dir, "assets"), { immutable: true, maxAge: "1y", index: false, fallthrough: false }));
  router.get(/.*/, (_req: Request, res: Response) => {
    const index = path.join(dir, "index.html");
    if (!existsSync(index)) {
      res.status(503).type("text/plain").send("The dashboard is not built: run `npm run build` (npm install and npm start do it for you).\n");
      return;
    }
    res.setHeader("cache-control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
