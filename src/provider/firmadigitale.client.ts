import { BadUserInputError } from "../errors/index.js";
import { nodeHttpTransport, type HttpRequest, type HttpResponse, type HttpTransport } from "./http-transport.js";
import {
  UpstreamRejectedError,
  UpstreamUnavailableError,
  errorFromTransportFailure,
  errorFromUpstream,
  isRetryable,
} from "./provider-errors.js";
import type {
  UpstreamOrderBody,
  UpstreamPostBodyPatch,
  UpstreamPostBodyVideoriconoscimento,
  UpstreamProduct,
  UpstreamRequest,
} from "./upstream.types.js";

/** What the client logs; pino's logger fits. Bodies, tokens and ids of people are never passed. */
export interface ProviderLogger {
  warn(obj: object, msg?: string): void;
}

export interface FirmaDigitaleClientOptions {
  /** `https://ws.firmadigitale.com` live, `http://127.0.0.1:PORT/sandbox` for test keys. */
  baseUrl: string;
  /** Bearer token sent on every call. */
  token: string;
  transport?: HttpTransport;
  /** Deadline of one exchange (not of a call with its retries). */
  timeoutMs?: number;
  /** Extra attempts for GETs after a 5xx, 429, timeout or network failure. */
  getRetries?: number;
  /** Base of the exponential backoff between GET attempts. */
  backoffMs?: number;
  logger?: ProviderLogger;
}

type Method = HttpRequest["method"];

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_GET_RETRIES = 2;
const DEFAULT_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
const USER_AGENT = "firma-gateway/0.1";

/**
 * Client of ws.firmadigitale.com (and of the gateway's sandbox, which answers the same way).
 * It speaks the upstream's Italian: bodies and answers are the wire types of upstream.types.ts;
 * mapping.ts turns them into the gateway's English.
 */
export class FirmaDigitaleClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;
  private readonly getRetries: number;
  private readonly backoffMs: number;
  private readonly logger: ProviderLogger | undefined;

  constructor(options: FirmaDigitaleClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl: expected an absolute http(s) URL, received ${JSON.stringify(options.baseUrl)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`baseUrl: expected an http: or https: URL, received ${JSON.stringify(options.baseUrl)}`);
    }
    if (typeof options.token !== "string" || options.token.trim() === "") {
      throw new TypeError("token: expected a non-empty bearer token, received an empty value");
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token;
    this.transport = options.transport ?? nodeHttpTransport;
    this.timeoutMs = positiveInteger("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1);
    this.getRetries = positiveInteger("getRetries", options.getRetries ?? DEFAULT_GET_RETRIES, 0);
    this.backoffMs = positiveInteger("backoffMs", options.backoffMs ?? DEFAULT_BACKOFF_MS, 0);
    this.logger = options.logger;
  }

  /** GET /prodotti: the catalogue with euro prices. */
  async listProducts(): Promise<UpstreamProduct[]> {
    const data = await this.callJson("GET", "/prodotti");
    if (!Array.isArray(data) || !data.every(isProduct)) throw badData("GET /prodotti", "an array of products");
    return data;
  }

  /**
   * GET /richiesta[?codice_prodotto=]: the account's requests. The upstream answers an empty list
   * with 404 / error 214; that is a normal outcome for the gateway (a new account, a filter with
   * no match), so it becomes `[]` here and callers need no special case. Other 404s still throw.
   */
  async listRequests(productCode?: string): Promise<UpstreamRequest[]> {
    const query = productCode === undefined ? "" : `?codice_prodotto=${encodeURIComponent(productCode)}`;
    let data: unknown;
    try {
      data = await this.callJson("GET", `/richiesta${query}`);
    } catch (err) {
      if (err instanceof UpstreamRejectedError && err.upstreamCode === 214) return [];
      throw err;
    }
    if (!Array.isArray(data)) throw badData("GET /richiesta", "an array of requests");
    return data.map((item) => toRequest(item, "GET /richiesta"));
  }

  /** GET /richiesta/{id}: one request; 404/212 raises UpstreamNotFoundError. */
  async getRequest(id: string): Promise<UpstreamRequest> {
    const data = await this.callJson("GET", `/richiesta/${pathSegment("id", id)}`);
    return toRequest(data, "GET /richiesta/{id}");
  }

  /**
   * POST /richiesta/{codice_prodotto}: orders (spends money) and is never retried. An
   * UpstreamUnavailableError leaves the outcome unknown: reconcile through listRequests and the
   * echoed `callback.data` instead of calling again.
   */
  async createRequest(productCode: string, body: UpstreamOrderBody): Promise<UpstreamRequest> {
    const data = await this.callJson("POST", `/richiesta/${pathSegment("productCode", productCode)}`, body);
    return toRequest(data, "POST /richiesta/{codice_prodotto}");
  }

  /** PATCH /richiesta/{id}: uploads the signed form and/or the ID document (base64); not retried. */
  async uploadDocuments(id: string, files: UpstreamPostBodyPatch): Promise<UpstreamRequest> {
    const body: UpstreamPostBodyPatch = {};
    if (files.modulo !== undefined) body.modulo = files.modulo;
    if (files.nome_modulo !== undefined) body.nome_modulo = files.nome_modulo;
    if (files.documento !== undefined) body.documento = files.documento;
    if (files.nome_documento !== undefined) body.nome_documento = files.nome_documento;
    if (body.modulo === undefined && body.documento === undefined) {
      throw new BadUserInputError("expected at least one file to upload (modulo or documento), received none", [
        { path: "files", message: "modulo or documento is required" },
      ]);
    }
    const data = await this.callJson("PATCH", `/richiesta/${pathSegment("id", id)}`, body);
    return toRequest(data, "PATCH /richiesta/{id}");
  }

  /** GET /richiesta/{id}/modulo: the registration form to sign, as PDF bytes. */
  async getModulo(id: string): Promise<Buffer> {
    const path = `/richiesta/${pathSegment("id", id)}/modulo`;
    const res = await this.exchange("GET", path, undefined, "application/pdf");
    // Check the bytes, not only the header: an error page served as 200 must not reach a user as a "PDF".
    if (res.status >= 200 && res.status < 300 && res.body.subarray(0, 5).toString("latin1") === "%PDF-") return res.body;
    const failure = errorFromUpstream(res.status, res.body, res.headers["content-type"]);
    if (failure instanceof UpstreamUnavailableError && failure.reason === "bad_response") {
      throw new UpstreamUnavailableError({
        reason: "bad_response",
        status: res.status,
        rawBody: res.body.toString("utf8"),
        message: `GET /richiesta/{id}/modulo: expected a PDF, received content-type ${JSON.stringify(res.headers["content-type"] ?? "")}`,
      });
    }
    throw failure;
  }

  /** POST /richiesta/VIDEORIC `{id, codice_richiesta?}`: adds video recognition to a request; never retried. */
  async addVideoRecognition(id: string, codiceRichiesta?: string): Promise<UpstreamRequest> {
    const body: UpstreamPostBodyVideoriconoscimento = { id: nonEmpty("id", id) };
    if (codiceRichiesta !== undefined) body.codice_richiesta = codiceRichiesta;
    const data = await this.callJson("POST", "/richiesta/VIDEORIC", body);
    return toRequest(data, "POST /richiesta/VIDEORIC");
  }

  /**
   * GET /spid_personale: buys a personal SPID voucher (SPID_PER) and answers its one-year
   * registration URL. A GET that spends money and returns no id, with no list to check afterwards:
   * it goes out exactly once, never retried. An UpstreamUnavailableError leaves the outcome unknown.
   */
  async buySpidVoucher(): Promise<{ url: string }> {
    const data = await this.callJson("GET", "/spid_personale", undefined, { once: true });
    const url = (data as { url?: unknown } | null)?.url;
    if (typeof url !== "string" || url === "") throw badData("GET /spid_personale", "an object with the voucher url");
    return { url };
  }

  /** One call returning the envelope's `data`; failures and `success: false` go through the factory. */
  private async callJson(method: Method, path: string, body?: object, options: { once?: boolean } = {}): Promise<unknown> {
    const res = await this.exchange(method, path, body === undefined ? undefined : JSON.stringify(body), "application/json", options.once === true);
    const contentType = res.headers["content-type"];
    if (res.status < 200 || res.status >= 300) throw errorFromUpstream(res.status, res.body, contentType);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw errorFromUpstream(res.status, res.body, contentType);
    }
    if (typeof parsed !== "object" || parsed === null || (parsed as { success?: unknown }).success !== true) {
      throw errorFromUpstream(res.status, res.body, contentType);
    }
    return (parsed as { data?: unknown }).data;
  }

  /**
   * Sends one request; GETs are retried with exponential backoff and jitter on retryable failures.
   * POST and PATCH go out exactly once: the upstream may have acted on a request whose answer was lost.
   * Returns any HTTP answer below 500 (and not 429) for the caller to interpret.
   */
  private async exchange(method: Method, path: string, body: string | undefined, accept: string, once = false): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept,
      "user-agent": USER_AGENT,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const request: HttpRequest = { method, url: this.baseUrl + path, headers, timeoutMs: this.timeoutMs };
    if (body !== undefined) request.body = body;

    // `once`: a GET that spends money (GET /spid_personale) is never retried either.
    const attempts = method === "GET" && !once ? this.getRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      let failure: UpstreamUnavailableError;
      try {
        const res = await this.transport.request(request);
        if (res.status < 500 && res.status !== 429) return res;
        // 5xx and 429 always map to UpstreamUnavailableError.
        failure = errorFromUpstream(res.status, res.body, res.headers["content-type"]) as UpstreamUnavailableError;
      } catch (err) {
        failure = errorFromTransportFailure(err);
      }
      if (attempt >= attempts || !isRetryable(failure)) throw failure;
      const delayMs = this.backoffDelay(attempt);
      this.logger?.warn(
        { method, path: redactPath(path), attempt, of: attempts, delayMs, reason: failure.reason, upstreamStatus: failure.status },
        "retrying upstream GET",
      );
      await sleep(delayMs);
    }
  }

  // "Equal jitter": half the exponential step is fixed, half random, so concurrent retries spread
  // out without ever retrying immediately.
  private backoffDelay(attempt: number): number {
    const step = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + Math.random() * (step / 2));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Ids are not secrets, but query strings could grow to carry personal data: log only the route.
function redactPath(path: string): string {
  return path.split("?")[0]!;
}

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`${name}: expected an integer >= ${min}, received ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new BadUserInputError(`${name}: expected a non-empty string, received ${JSON.stringify(value)}`, [
      { path: name, message: "must be a non-empty string" },
    ]);
  }
  return value;
}

function pathSegment(name: string, value: string): string {
  return encodeURIComponent(nonEmpty(name, value));
}

function badData(call: string, expected: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError({ reason: "bad_response", message: `${call}: expected ${expected} in data` });
}

function isProduct(value: unknown): value is UpstreamProduct {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.codice_prodotto === "string" && typeof p.nome === "string" && typeof p.prezzo === "number";
}

/** Checks the few fields the gateway cannot work without and fills `id` from the list's `_id`. */
function toRequest(value: unknown, call: string): UpstreamRequest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badData(call, "a request object");
  const r = value as Record<string, unknown>;
  const id = typeof r.id === "string" ? r.id : typeof r._id === "string" ? r._id : undefined;
  if (id === undefined || typeof r.stato !== "string" || typeof r.codice_prodotto !== "string") {
    throw badData(call, "a request with id, stato and codice_prodotto");
  }
  return { ...(r as unknown as UpstreamRequest), id };
}
