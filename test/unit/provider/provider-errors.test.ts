import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/errors/index.js";
import { HttpTimeoutError } from "../../../src/provider/http-transport.js";
import {
  UpstreamNotFoundError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  errorFromTransportFailure,
  errorFromUpstream,
  isRetryable,
  isTimeout,
} from "../../../src/provider/provider-errors.js";

const envelope = (error: number, message: string): string => JSON.stringify({ success: false, message, error, data: null });

type ErrorClass = typeof UpstreamRejectedError | typeof UpstreamNotFoundError | typeof UpstreamUnavailableError;

interface Row {
  name: string;
  status: number;
  body: string;
  contentType?: string;
  cls: ErrorClass;
  code: "UPSTREAM_REJECTED" | "UPSTREAM_UNAVAILABLE";
  reason: string;
  upstreamCode?: number | null;
}

const json = "application/json";

// Every documented error of the digest, then the fallbacks.
const rows: Row[] = [
  { name: "POST 400/201 wrong codice_prodotto", status: 400, body: envelope(201, "wrong codice_prodotto"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "invalid_product", upstreamCode: 201 },
  { name: "POST 402/207 insufficient credit", status: 402, body: envelope(207, "Insufficient Credit in Wallet: 182.03"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "insufficient_credit", upstreamCode: 207 },
  { name: "POST 406/247 email not valid", status: 406, body: envelope(247, "email not valid"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "invalid_email", upstreamCode: 247 },
  { name: "POST 428/209 anagrafica required", status: 428, body: envelope(209, "anagrafica required"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "applicant_required", upstreamCode: 209 },
  { name: "GET list 404/214 no request", status: 404, body: envelope(214, "no request related to your account"), contentType: json, cls: UpstreamNotFoundError, code: "UPSTREAM_REJECTED", reason: "no_requests", upstreamCode: 214 },
  { name: "GET 400/211 invalid id", status: 400, body: envelope(211, "Invalid id"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "invalid_id", upstreamCode: 211 },
  { name: "GET 404/212 no request matches", status: 404, body: envelope(212, "no request matches this id:"), contentType: json, cls: UpstreamNotFoundError, code: "UPSTREAM_REJECTED", reason: "request_not_found", upstreamCode: 212 },
  { name: "PATCH 400/277 wrong id", status: 400, body: envelope(277, "wrong id"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "invalid_id", upstreamCode: 277 },
  { name: "PATCH 404/278 no request found", status: 404, body: envelope(278, "no request found"), contentType: json, cls: UpstreamNotFoundError, code: "UPSTREAM_REJECTED", reason: "request_not_found", upstreamCode: 278 },
  { name: "PATCH 406/290 video recognition set", status: 406, body: envelope(290, "videoriconoscimento is true, the operation is not required"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "upload_not_required", upstreamCode: 290 },
  { name: "PATCH 428/279 already processed", status: 428, body: envelope(279, "request already processed"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "already_processed", upstreamCode: 279 },
  { name: "modulo 404 text/plain", status: 404, body: "form not required for this request", contentType: "text/plain; charset=utf-8", cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "form_not_required", upstreamCode: null },
  { name: "modulo 400 text/plain", status: 400, body: "Invalid id", contentType: "text/plain", cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "invalid_id", upstreamCode: null },
  { name: "unknown code on 400", status: 400, body: envelope(999, "something new"), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "unknown", upstreamCode: 999 },
  { name: "unknown code on 404", status: 404, body: envelope(998, "gone"), contentType: json, cls: UpstreamNotFoundError, code: "UPSTREAM_REJECTED", reason: "not_found", upstreamCode: 998 },
  { name: "401 envelope without code", status: 401, body: JSON.stringify({ success: false, message: "unauthorized", error: null, data: null }), contentType: json, cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "unauthorized", upstreamCode: null },
  { name: "success:false inside a 200", status: 200, body: envelope(212, "no request matches this id:"), contentType: json, cls: UpstreamNotFoundError, code: "UPSTREAM_REJECTED", reason: "request_not_found", upstreamCode: 212 },
  { name: "envelope without content-type", status: 402, body: envelope(207, "Insufficient Credit in Wallet: 1.00"), cls: UpstreamRejectedError, code: "UPSTREAM_REJECTED", reason: "insufficient_credit", upstreamCode: 207 },
  { name: "500 envelope", status: 500, body: envelope(500, "internal"), contentType: json, cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "server_error" },
  { name: "502 html from a proxy", status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html", cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "server_error" },
  { name: "503 empty", status: 503, body: "", cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "server_error" },
  { name: "429", status: 429, body: "", cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "rate_limited" },
  { name: "400 non-JSON html", status: 400, body: "<html>nope</html>", contentType: "text/html", cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "bad_response" },
  { name: "400 JSON that is not the envelope", status: 400, body: JSON.stringify({ detail: "x" }), contentType: json, cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "bad_response" },
  { name: "200 success:true (not a failure)", status: 200, body: JSON.stringify({ success: true, data: [], message: "", error: null }), contentType: json, cls: UpstreamUnavailableError, code: "UPSTREAM_UNAVAILABLE", reason: "bad_response" },
];

describe("errorFromUpstream", () => {
  it.each(rows)("maps $name to $cls.name / $reason", (row) => {
    const err = errorFromUpstream(row.status, Buffer.from(row.body), row.contentType);

    expect(err).toBeInstanceOf(row.cls);
    expect(err).toBeInstanceOf(AppError);
    expect(err.constructor).toBe(row.cls);
    expect(err.extensions.code).toBe(row.code);
    expect(err.extensions.reason).toBe(row.reason);
    expect(err.rawBody).toBe(row.body);
    if (err instanceof UpstreamRejectedError) {
      expect(err.extensions.upstreamStatus).toBe(row.status);
      expect(err.extensions.upstreamCode).toBe(row.upstreamCode);
      expect(err.upstreamCode).toBe(row.upstreamCode);
      expect(err.status).toBe(row.status);
    } else {
      expect(err.extensions.upstreamStatus).toBe(row.status);
      expect(err.status).toBe(row.status);
    }
  });

  it("carries the upstream message in extensions and keeps the raw body out of them", () => {
    const body = envelope(207, "Insufficient Credit in Wallet: 182.03");
    const err = errorFromUpstream(402, body, "application/json") as UpstreamRejectedError;

    expect(err.extensions).toEqual({
      code: "UPSTREAM_REJECTED",
      upstreamStatus: 402,
      upstreamCode: 207,
      upstreamMessage: "Insufficient Credit in Wallet: 182.03",
      reason: "insufficient_credit",
    });
    expect(JSON.stringify(err.toJSON())).not.toContain("rawBody");
  });

  it("accepts the body as a string as well as a Buffer", () => {
    const err = errorFromUpstream(404, envelope(212, "no request matches this id:"));

    expect(err).toBeInstanceOf(UpstreamNotFoundError);
  });

  it("clips a huge raw body", () => {
    const err = errorFromUpstream(503, "x".repeat(100_000), "text/html");

    expect(err.rawBody!.length).toBe(8 * 1024);
  });
});

describe("errorFromTransportFailure", () => {
  it("maps an HttpTimeoutError to reason timeout, keeping it as cause", () => {
    const timeout = new HttpTimeoutError("GET", "https://ws.firmadigitale.com/prodotti", 50);
    const err = errorFromTransportFailure(timeout);

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err.reason).toBe("timeout");
    expect(err.extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE", reason: "timeout" });
    expect(err.cause).toBe(timeout);
  });

  it("maps any other failure to reason network", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const err = errorFromTransportFailure(refused);

    expect(err.reason).toBe("network");
    expect(err.cause).toBe(refused);
  });
});

describe("isTimeout", () => {
  it.each([
    ["a raw HttpTimeoutError", new HttpTimeoutError("GET", "http://x", 1), true],
    ["a mapped timeout", new UpstreamUnavailableError({ reason: "timeout" }), true],
    ["a network failure", new UpstreamUnavailableError({ reason: "network" }), false],
    ["a rejection", errorFromUpstream(404, envelope(212, "x")), false],
    ["a plain Error", new Error("timeout"), false],
    ["a non-error", "timeout", false],
  ])("is %s → %s", (_name, err, expected) => {
    expect(isTimeout(err)).toBe(expected);
  });
});

describe("isRetryable", () => {
  it.each([
    ["timeout", new UpstreamUnavailableError({ reason: "timeout" }), true],
    ["network", new UpstreamUnavailableError({ reason: "network" }), true],
    ["server_error", new UpstreamUnavailableError({ reason: "server_error", status: 503 }), true],
    ["rate_limited", new UpstreamUnavailableError({ reason: "rate_limited", status: 429 }), true],
    ["bad_response", new UpstreamUnavailableError({ reason: "bad_response", status: 200 }), false],
    ["a rejection", errorFromUpstream(400, envelope(211, "Invalid id")), false],
  ])("treats %s as retryable: %s", (_name, err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});
