import { AppError } from "../errors/index.js";
import { HttpTimeoutError } from "./http-transport.js";

/**
 * Why the upstream refused a call, stable across upstream message wording. The documented
 * `error` codes map one-to-one (see UPSTREAM_ERROR_CODES); the rest come from the HTTP status.
 */
export type UpstreamRejectionReason =
  | "invalid_product" // 201: unknown codice_prodotto
  | "insufficient_credit" // 207: the account's wallet cannot pay
  | "applicant_required" // 209: anagrafica missing
  | "invalid_email" // 247
  | "invalid_id" // 211 (GET), 277 (PATCH), text/plain 400 on /modulo
  | "request_not_found" // 212 (GET), 278 (PATCH)
  | "no_requests" // 214: the account has no request (matching the filter)
  | "not_found" // any other 404
  | "already_processed" // 279: documents can no longer be uploaded
  | "upload_not_required" // 290: video recognition replaces the upload
  | "form_not_required" // text/plain 404 on /modulo
  | "unauthorized" // 401/403: our token is missing, expired or lacks the scope
  | "unknown";

/** Why the upstream could not be used at all; all but `bad_response` are worth retrying when idempotent. */
export type UpstreamUnavailableReason = "timeout" | "network" | "server_error" | "rate_limited" | "bad_response";

interface KnownCode {
  reason: UpstreamRejectionReason;
  notFound: boolean;
}

/** The documented `error` codes of ws.firmadigitale.com's device endpoints. */
export const UPSTREAM_ERROR_CODES: Readonly<Record<number, KnownCode>> = {
  201: { reason: "invalid_product", notFound: false },
  207: { reason: "insufficient_credit", notFound: false },
  209: { reason: "applicant_required", notFound: false },
  211: { reason: "invalid_id", notFound: false },
  212: { reason: "request_not_found", notFound: true },
  214: { reason: "no_requests", notFound: true },
  247: { reason: "invalid_email", notFound: false },
  277: { reason: "invalid_id", notFound: false },
  278: { reason: "request_not_found", notFound: true },
  279: { reason: "already_processed", notFound: false },
  290: { reason: "upload_not_required", notFound: false },
};

// Error bodies are short envelopes; a proxy's HTML page is kept only as far as it helps debugging.
const RAW_BODY_LIMIT = 8 * 1024;

function clip(raw: string | undefined): string | undefined {
  return raw !== undefined && raw.length > RAW_BODY_LIMIT ? raw.slice(0, RAW_BODY_LIMIT) : raw;
}

export interface UpstreamRejectedDetails {
  status: number;
  upstreamCode: number | null;
  upstreamMessage: string;
  reason: UpstreamRejectionReason;
  rawBody?: string;
}

/** The upstream understood the call and said no (4xx or `success: false`): retrying the same call will not help. */
export class UpstreamRejectedError extends AppError {
  readonly status: number;
  readonly upstreamCode: number | null;
  readonly upstreamMessage: string;
  readonly reason: UpstreamRejectionReason;
  /** The body as received (clipped), for logs and support; never sent to GraphQL clients. */
  readonly rawBody: string | undefined;

  constructor(details: UpstreamRejectedDetails) {
    const code = details.upstreamCode === null ? "" : `, error ${details.upstreamCode}`;
    super("UPSTREAM_REJECTED", `ws.firmadigitale.com rejected the call (HTTP ${details.status}${code}): ${details.upstreamMessage}`, {
      upstreamStatus: details.status,
      upstreamCode: details.upstreamCode,
      upstreamMessage: details.upstreamMessage,
      reason: details.reason,
    });
    this.status = details.status;
    this.upstreamCode = details.upstreamCode;
    this.upstreamMessage = details.upstreamMessage;
    this.reason = details.reason;
    this.rawBody = clip(details.rawBody);
  }
}

/**
 * A rejection meaning "the thing you named does not exist upstream" (212, 214, 278, other 404s),
 * so the gateway can tell a vanished request from a refused operation with `instanceof`.
 */
export class UpstreamNotFoundError extends UpstreamRejectedError {}

export interface UpstreamUnavailableDetails {
  reason: UpstreamUnavailableReason;
  status?: number;
  message?: string;
  rawBody?: string;
  cause?: unknown;
}

/** The upstream could not give a usable answer: 5xx, 429, timeout, network failure or an unreadable body. */
export class UpstreamUnavailableError extends AppError {
  readonly reason: UpstreamUnavailableReason;
  readonly status: number | undefined;
  /** The body as received (clipped), for logs and support; never sent to GraphQL clients. */
  readonly rawBody: string | undefined;

  constructor(details: UpstreamUnavailableDetails) {
    const status = details.status === undefined ? "" : ` (HTTP ${details.status})`;
    super(
      "UPSTREAM_UNAVAILABLE",
      details.message ?? `ws.firmadigitale.com is unavailable${status}: ${details.reason}`,
      details.status === undefined ? { reason: details.reason } : { upstreamStatus: details.status, reason: details.reason },
    );
    this.reason = details.reason;
    this.status = details.status;
    this.rawBody = clip(details.rawBody);
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** Every error the provider client raises for an upstream exchange. */
export type UpstreamError = UpstreamRejectedError | UpstreamUnavailableError;

interface Envelope {
  success: boolean;
  message?: unknown;
  error?: unknown;
}

function parseEnvelope(text: string): Envelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const success = (parsed as { success?: unknown }).success;
  if (typeof success !== "boolean") return undefined;
  return parsed as Envelope;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function fallbackReason(status: number): UpstreamRejectionReason {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  return "unknown";
}

/**
 * Maps one failing upstream answer to an error: 5xx/429 → unavailable; a JSON envelope → by its
 * `error` code, else by status; text/plain (only /richiesta/{id}/modulo uses it) → by status;
 * anything unreadable → unavailable with reason `bad_response`.
 */
export function errorFromUpstream(status: number, body: Buffer | string, contentType?: string): UpstreamError {
  const raw = typeof body === "string" ? body : body.toString("utf8");

  if (status >= 500) return new UpstreamUnavailableError({ reason: "server_error", status, rawBody: raw });
  if (status === 429) return new UpstreamUnavailableError({ reason: "rate_limited", status, rawBody: raw });

  const envelope = parseEnvelope(raw);
  if (envelope !== undefined) {
    if (envelope.success) {
      return new UpstreamUnavailableError({
        reason: "bad_response",
        status,
        rawBody: raw,
        message: `ws.firmadigitale.com answered HTTP ${status} with success: true where a failure was expected`,
      });
    }
    const upstreamCode = typeof envelope.error === "number" && Number.isInteger(envelope.error) ? envelope.error : null;
    const upstreamMessage = typeof envelope.message === "string" ? envelope.message : "";
    const known = upstreamCode === null ? undefined : UPSTREAM_ERROR_CODES[upstreamCode];
    const reason = known?.reason ?? fallbackReason(status);
    const notFound = known?.notFound ?? status === 404;
    const details = { status, upstreamCode, upstreamMessage, reason, rawBody: raw };
    return notFound ? new UpstreamNotFoundError(details) : new UpstreamRejectedError(details);
  }

  if (mediaType(contentType) === "text/plain" && status >= 400) {
    // The form endpoint answers in plain text: its 404 means the request exists but needs no form
    // (renewals, video products), its 400 that the id is malformed.
    const reason: UpstreamRejectionReason =
      status === 404 ? "form_not_required" : status === 400 ? "invalid_id" : fallbackReason(status);
    return new UpstreamRejectedError({ status, upstreamCode: null, upstreamMessage: raw.trim(), reason, rawBody: raw });
  }

  return new UpstreamUnavailableError({
    reason: "bad_response",
    status,
    rawBody: raw,
    message: `ws.firmadigitale.com answered HTTP ${status} with a body that is not its JSON envelope (content-type ${JSON.stringify(contentType ?? "")})`,
  });
}

/** Maps a transport failure (no HTTP answer at all) to an unavailable error keeping the cause. */
export function errorFromTransportFailure(err: unknown): UpstreamUnavailableError {
  if (err instanceof UpstreamUnavailableError) return err;
  if (err instanceof HttpTimeoutError) {
    return new UpstreamUnavailableError({ reason: "timeout", message: `ws.firmadigitale.com timed out after ${err.timeoutMs} ms`, cause: err });
  }
  const detail = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.name) : typeof err;
  return new UpstreamUnavailableError({ reason: "network", message: `ws.firmadigitale.com could not be reached: ${detail}`, cause: err });
}

/** True when `err` is a deadline that passed, raw from a transport or mapped by the client. */
export function isTimeout(err: unknown): boolean {
  return err instanceof HttpTimeoutError || (err instanceof UpstreamUnavailableError && err.reason === "timeout");
}

/** True when repeating the same idempotent call may succeed (never used for POST/PATCH). */
export function isRetryable(err: unknown): boolean {
  return err instanceof UpstreamUnavailableError && err.reason !== "bad_response";
}
