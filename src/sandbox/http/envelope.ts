import type { Response } from "express";
import { sandboxError, type SandboxError } from "../sandbox-error.js";

/** Sends `{data, success: true, message: "", error: null}` with 200, as every upstream success. */
export function sendData(res: Response, data: unknown): void {
  res.status(200).json({ data, success: true, message: "", error: null });
}

/** Sends `{data: null, success: false, message, error}` with the error's HTTP status. */
export function sendError(res: Response, err: SandboxError): void {
  res.status(err.status).json({ data: null, success: false, message: err.message, error: err.error });
}

/** Sends an error as text/plain, as GET /richiesta/{id}/modulo does upstream. */
export function sendTextError(res: Response, err: SandboxError): void {
  res.status(err.status).type("text/plain").send(err.message);
}

/**
 * Sandbox-only errors outside the upstream's list: their `error` code repeats the HTTP status,
 * which the upstream's own codes (201-290) never collide with.
 */
export const HttpErrors = {
  unauthorized: (): SandboxError =>
    sandboxError(401, 401, "a test API key is required: send `Authorization: Bearer fgw_test_...`"),
  liveKey: (): SandboxError =>
    sandboxError(403, 403, "the sandbox only accepts test API keys; this key is live"),
  notFound: (method: string, path: string): SandboxError =>
    sandboxError(404, 404, `no sandbox endpoint for ${method} ${path}`),
  malformedJson: (): SandboxError => sandboxError(400, 400, "the body is not valid JSON"),
  tooLarge: (): SandboxError => sandboxError(413, 413, "the body is larger than the sandbox accepts (25 MB)"),
  injected: (): SandboxError => sandboxError(503, 503, "service unavailable (injected by the sandbox's fault settings)"),
  badControl: (message: string): SandboxError => sandboxError(400, 400, message),
  /** A control that does not apply to the current state (`field: why`). */
  conflict: (message: string): SandboxError => sandboxError(409, 409, message),
  /** A control naming a request or callback the tenant does not have. */
  missing: (message: string): SandboxError => sandboxError(404, 404, message),
  internal: (): SandboxError => sandboxError(500, 500, "internal sandbox error"),
} as const;
