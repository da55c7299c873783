import { Types, type Model } from "mongoose";
import type { SandboxCipher } from "../sandbox-cipher.js";
import type { Logger } from "pino";
import type { DeliveryAttempt, SandboxCallbackDoc, StoredCallback } from "../models/index.js";
import { CallbackTimeoutError, postCallback } from "./callback-http.js";
import { callbackTargetProblem } from "./callback-target.guard.js";

/** One status change to announce to the caller's callback URL. */
export interface StatusChangeNotice {
  tenantId: string;
  requestId: string;
  codice_richiesta: string;
  stato: string;
  /** Tenant-clock time of the change. */
  changedAt: Date;
  callback: StoredCallback;
  /** The request object after the change, as GET /richiesta/{id} shows it. */
  request: Record<string, unknown>;
  /** Set when the callback must not be sent (magic value or fault setting): logged, never sent. */
  dropReason: string | null;
}

export interface CallbackDispatcherOptions {
  model: Model<SandboxCallbackDoc>;
  logger: Logger;
  now: () => Date;
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First retry delay; each next one doubles. */
  backoffMs: number;
  allowPrivateTargets: boolean;
  /** Seals stored bodies: they carry the applicant's personal data. */
  cipher: SandboxCipher;
}

/** Builds the body upstream sends: JSON `{field: request}`, or a form with `field` = the JSON text. */
export function callbackBody(callback: StoredCallback, request: Record<string, unknown>): { body: string; contentType: string } {
  const field = callback.field === "" ? "data" : callback.field;
  if (callback.method === "JSON") {
    return { body: JSON.stringify({ [field]: request }), contentType: "application/json" };
  }
  return {
    body: new URLSearchParams({ [field]: JSON.stringify(request) }).toString(),
    contentType: "application/x-www-form-urlencoded",
  };
}

// Bounded so one advance over thousands of requests does not open thousands of sockets at once.
const FIRST_ATTEMPT_CONCURRENCY = 32;

/**
 * Sends callbacks the way the upstream does: one per status change, retried with exponential
 * backoff (bounded), every attempt persisted in `sandbox_callbacks`. The first attempt is awaited
 * by `dispatch`; retries run on timers and resume after a restart (`resume`).
 */
export class CallbackDispatcher {
  private seq = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Per request, the first attempts of its latest dispatch: the next dispatch's wait for it. */
  private readonly requestTails = new Map<string, Promise<void>>();
  private stopped = false;
  /** Deliveries whose retries were cancelled by a reset: never scheduled again. */
  private readonly cancelled = new Set<string>();

  constructor(private readonly options: CallbackDispatcherOptions) {}

  /**
   * Makes every first attempt (in order within a request, also across dispatch calls; concurrently
   * across requests, at most FIRST_ATTEMPT_CONCURRENCY at once), then persists one delivery per notice with its first
   * attempt in one insert. Resolves once every first attempt has finished and is stored.
   *
   * Attempting before storing saves a write per callback (an insert, not an insert and then an
   * update) and a decryption (the first attempt sends the body it has in hand). The price: a process
   * that dies while the first attempts are in flight keeps no log of them and plans no retry; the
   * status changes themselves are stored before any callback is sent.
   */
  async dispatch(notices: readonly StatusChangeNotice[]): Promise<void> {
    if (notices.length === 0) return;
    const createdAt = new Date();
    const entries = notices.map((n) => {
      const { body, contentType } = callbackBody(n.callback, n.request);
      const doc: SandboxCallbackDoc = {
        _id: new Types.ObjectId(),
        tenantId: n.tenantId,
        requestId: n.requestId,
        codice_richiesta: n.codice_richiesta,
        stato: n.stato,
        changedAt: n.changedAt,
        url: n.callback.url,
        method: n.callback.method,
        field: n.callback.field === "" ? "data" : n.callback.field,
        body: this.options.cipher.encrypt(body),
        contentType,
        state: n.dropReason === null ? "pending" : "dropped",
        reason: n.dropReason,
        attempts: [],
        nextAttemptAt: null,
        seq: ++this.seq,
        createdAt,
      };
      return { doc, plain: body };
    });
    const byRequest = new Map<string, { doc: SandboxCallbackDoc; plain: string }[]>();
    for (const e of entries) {
      if (e.doc.state !== "pending") continue;
      const list = byRequest.get(e.doc.requestId) ?? [];
      list.push(e);
      byRequest.set(e.doc.requestId, list);
    }
    // Registered before the first await: a later dispatch for the same request waits for this one,
    // so callers may await a dispatch after releasing their lock and callbacks still leave in order.
    const queues = [...byRequest].map(([requestId, list]) => {
      const previous = this.requestTails.get(requestId);
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      this.requestTails.set(requestId, done);
      return { requestId, list, previous, done, release };
    });
    // One check per target for the whole batch (its callbacks usually share one URL): the same
    // answer at the same moment, without a DNS lookup per callback.
    const targetChecks = new Map<string, Promise<string | null>>();
    const checkTarget = (url: string): Promise<string | null> => {
      let check = targetChecks.get(url);
      if (check === undefined) {
        check = callbackTargetProblem(url, this.options.allowPrivateTargets);
        targetChecks.set(url, check);
      }
      return check;
    };
    const workers = Array.from({ length: Math.min(FIRST_ATTEMPT_CONCURRENCY, queues.length) }, async () => {
      for (let q = queues.shift(); q !== undefined; q = queues.shift()) {
        try {
          if (q.previous !== undefined) await q.previous;
          for (const e of q.list) await this.track(this.send(e.doc, e.plain, checkTarget(e.doc.url)));
        } finally {
          q.release();
          if (this.requestTails.get(q.requestId) === q.done) this.requestTails.delete(q.requestId);
        }
      }
    });
    await Promise.all(workers);
    // The driver's insert, not the model's: the documents are complete and typed, nothing to cast.
    await this.options.model.collection.insertMany(
      entries.map((e) => e.doc),
      { ordered: false },
    );
    for (const e of entries) this.planRetry(e.doc);
  }

  /** Re-plans the retries that were pending when the process stopped. */
  async resume(): Promise<void> {
    const last = await this.options.model.find({}).sort({ seq: -1 }).limit(1).lean();
    this.seq = Math.max(this.seq, last[0]?.seq ?? 0);
    const pending = await this.options.model.find({ state: "pending" }).lean();
    for (const d of pending) {
      const wait = d.nextAttemptAt === null ? 0 : Math.max(0, d.nextAttemptAt.getTime() - Date.now());
      this.schedule(d, wait);
    }
  }

  /** The delivery log of a tenant (optionally one request), oldest first. */
  async list(tenantId: string, requestId?: string): Promise<SandboxCallbackDoc[]> {
    const filter = requestId === undefined ? { tenantId } : { tenantId, requestId };
    const docs = await this.options.model.find(filter).sort({ seq: 1 }).lean();
    return docs.map((d) => ({ ...d, body: this.options.cipher.decrypt(d.body) }));
  }

  /**
   * Sends a stored delivery's body again as a new delivery (its own attempts and retries); the
   * first attempt is awaited. Null when the tenant has no such delivery.
   */
  async resend(tenantId: string, id: string): Promise<SandboxCallbackDoc | null> {
    const original = await this.options.model.findOne({ _id: id, tenantId }).lean();
    if (original === null) return null;
    const { _id: _old, ...rest } = original;
    const created = await this.options.model.create({
      ...rest,
      state: "pending",
      reason: null,
      attempts: [],
      nextAttemptAt: null,
      seq: ++this.seq,
      createdAt: new Date(),
    });
    const d = created.toObject() as SandboxCallbackDoc;
    await this.track(this.send(d));
    await this.options.model.updateOne({ _id: d._id }, { $set: outcome(d) });
    this.planRetry(d);
    return { ...d, body: this.options.cipher.decrypt(d.body) };
  }

  /** Cancels the tenant's planned retries, for good (before its deliveries are deleted). */
  async cancel(tenantId: string): Promise<void> {
    const pending = await this.options.model.find({ tenantId, state: "pending" }, { _id: 1 }).lean();
    for (const d of pending) {
      const key = d._id.toHexString();
      this.cancelled.add(key);
      const timer = this.timers.get(key);
      if (timer !== undefined) clearTimeout(timer);
      this.timers.delete(key);
    }
  }

  /** Cancels planned retries and waits for attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private async track(p: Promise<void>): Promise<void> {
    this.inFlight.add(p);
    try {
      await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  private schedule(d: SandboxCallbackDoc, waitMs: number): void {
    if (this.stopped) return;
    const key = d._id.toHexString();
    if (this.cancelled.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.track(this.attempt(d));
    }, waitMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** A retry: send, persist, plan the next one. */
  private async attempt(d: SandboxCallbackDoc): Promise<void> {
    await this.send(d);
    await this.options.model.updateOne({ _id: d._id }, { $set: outcome(d) });
    this.planRetry(d);
  }

  private planRetry(d: SandboxCallbackDoc): void {
    if (d.state === "pending" && d.nextAttemptAt !== null) this.schedule(d, Math.max(0, d.nextAttemptAt.getTime() - Date.now()));
  }

  /**
   * Makes one HTTP attempt and records its outcome on `d` (not yet persisted); `plain`: the body
   * already opened; `targetCheck`: the target's check when the caller made it already.
   */
  private async send(d: SandboxCallbackDoc, plain?: string, targetCheck?: Promise<string | null>): Promise<void> {
    const { logger, timeoutMs, retries, backoffMs, allowPrivateTargets } = this.options;
    const started = Date.now();
    const at = new Date(started);
    let status: number | null = null;
    let error: string | null = null;
    let permanent = false;
    const blocked = await (targetCheck ?? callbackTargetProblem(d.url, allowPrivateTargets));
    if (blocked !== null) {
      error = blocked;
      permanent = true;
    } else {
      try {
        status = await postCallback(d.url, plain ?? this.options.cipher.decrypt(d.body), d.contentType, timeoutMs);
        if (status < 200 || status > 299) error = `callback target answered HTTP ${status}`;
      } catch (err) {
        error = err instanceof CallbackTimeoutError ? err.message : errorText(err);
      }
    }
    const attempt: DeliveryAttempt = { at, status, error, durationMs: Date.now() - started };
    d.attempts = [...d.attempts, attempt];
    const n = d.attempts.length;
    const retry = error !== null && !permanent && n <= retries;
    d.state = error === null ? "delivered" : retry ? "pending" : "failed";
    d.reason = error === null ? null : error;
    const waitMs = backoffMs * 2 ** (n - 1);
    d.nextAttemptAt = retry ? new Date(Date.now() + waitMs) : null;
    logger.info(
      { requestId: d.requestId, stato: d.stato, attempt: n, status, error, state: d.state },
      "sandbox callback attempt",
    );
  }
}

function outcome(d: SandboxCallbackDoc): Partial<SandboxCallbackDoc> {
  return { attempts: d.attempts, state: d.state, reason: d.reason, nextAttemptAt: d.nextAttemptAt };
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    return e.code ?? e.cause?.code ?? e.cause?.message ?? e.message;
  }
  return String(err);
}
