import { Types } from "mongoose";
import type { Logger } from "pino";
import { FeedCounterModel, SignatureRequestModel, StatusEventModel, type RequestStatus } from "../models/index.js";
import { BadUserInputError, CursorExpiredError, NotFoundError } from "../errors/index.js";
import { STATUS_EVENT_TOPIC, type FeedBus, type FeedMessage, type LiveListener } from "../pubsub/index.js";
import type { ChangeSource, StatusChangeNotice } from "./status-tracker.service.js";

/** A stored status event as resolvers and webhooks see it. */
export interface StatusEventView {
  id: string;
  tenantId: string;
  sequence: number;
  cursor: string;
  requestId: string;
  from: RequestStatus;
  to: RequestStatus;
  at: Date;
  source: ChangeSource;
  /** The request's session subject; null for orders placed with the secret key. */
  subject: string | null;
}

/** Opaque feed cursor: the event's per-tenant sequence number. */
export function encodeFeedCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString("base64url");
}

/** The sequence number a cursor stands for; BAD_USER_INPUT for anything not made by encodeFeedCursor. */
export function decodeFeedCursor(cursor: string, path = "after"): number {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw new BadUserInputError("invalid cursor", [{ path, message: `expected a cursor from a StatusEvent, received ${JSON.stringify(cursor)}` }]);
  return Number(m[1]);
}

interface StoredEvent {
  _id: Types.ObjectId;
  tenantId: Types.ObjectId;
  seq: number;
  requestId: Types.ObjectId;
  from: string;
  to: string;
  at: Date;
  source: string;
  subject?: string | null;
  createdAt: Date;
}

function toView(doc: StoredEvent): StatusEventView {
  return {
    id: doc._id.toHexString(),
    tenantId: doc.tenantId.toHexString(),
    sequence: doc.seq,
    cursor: encodeFeedCursor(doc.seq),
    requestId: doc.requestId.toHexString(),
    from: doc.from as RequestStatus,
    to: doc.to as RequestStatus,
    at: doc.at,
    source: doc.source as ChangeSource,
    subject: doc.subject ?? null,
  };
}

/** Bus message → view (messages carry the same fields, JSON-encoded). */
export function messageToView(m: FeedMessage): StatusEventView {
  return {
    id: m.id,
    tenantId: m.tenantId,
    sequence: m.seq,
    cursor: encodeFeedCursor(m.seq),
    requestId: m.requestId,
    from: m.from as RequestStatus,
    to: m.to as RequestStatus,
    at: new Date(m.at),
    source: m.source as ChangeSource,
    subject: m.subject ?? null,
  };
}

function toMessage(v: StatusEventView): FeedMessage {
  return { id: v.id, tenantId: v.tenantId, seq: v.sequence, requestId: v.requestId, from: v.from, to: v.to, at: v.at.toISOString(), source: v.source, subject: v.subject };
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === 11000;
}

export interface EventLogOptions {
  bus: FeedBus;
  logger: Logger;
  /**
   * How long a missing sequence number may stay missing before readers skip it. A number is
   * taken from the counter before its event is inserted, so a later event can be readable while an
   * earlier one is still being written; only a writer that died in between leaves a lasting hole.
   */
  holeGraceMs?: number;
  /** The log's retention (EVENT_RETENTION_DAYS), for CURSOR_EXPIRED's message; the TTL index does the deleting. */
  retentionDays?: number;
}

/** What identifies one change in the log (a unique index): the same change twice is one event. */
function changeKey(change: StatusChangeNotice) {
  return { requestId: new Types.ObjectId(change.requestId), from: change.from, to: change.to, at: change.at };
}

/** Persists every status change as one event with a per-tenant sequence number, then publishes it. */
export class EventLog {
  private readonly holeGraceMs: number;

  constructor(private readonly options: EventLogOptions) {
    this.holeGraceMs = options.holeGraceMs ?? 5_000;
  }

  /** Stores the change and publishes it; null when it was already stored (a duplicate notice). */
  async record(change: StatusChangeNotice): Promise<StatusEventView | null> {
    const key = changeKey(change);
    // Checked first so a duplicate does not burn a sequence number (the unique index still guards the race).
    if ((await StatusEventModel.exists(key)) !== null) return null;
    const counter = await FeedCounterModel.findOneAndUpdate(
      { _id: change.tenantId },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: "after", setDefaultsOnInsert: false },
    ).lean();
    const seq = counter!.seq;
    let created: StoredEvent;
    try {
      const doc = await StatusEventModel.create({
        ...key,
        tenantId: new Types.ObjectId(change.tenantId),
        seq,
        source: change.source,
        subject: change.subject ?? null,
      });
      created = doc.toObject() as unknown as StoredEvent;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      this.options.logger.warn({ requestId: change.requestId, seq }, "duplicate status change not stored twice");
      return null;
    }
    const view = toView(created);
    // Only after the event is durable: a subscriber that sees it live can always find it again in the log.
    this.options.bus.pubSub.publish(STATUS_EVENT_TOPIC, view.tenantId, toMessage(view));
    return view;
  }

  /** The stored event for a change, or null when it was never recorded. */
  async find(change: StatusChangeNotice): Promise<StatusEventView | null> {
    const key = changeKey(change);
    const doc = await StatusEventModel.findOne(key).lean<StoredEvent | null>();
    return doc === null ? null : toView(doc);
  }

  /** The highest sequence number stored for the tenant (0 for none). */
  async head(tenantId: string): Promise<number> {
    const last = await StatusEventModel.findOne({ tenantId }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number } | null>();
    if (last !== null) return last.seq;
    // Every event may have expired (retention): the counter still knows where the feed stands.
    const counter = await FeedCounterModel.findById(tenantId, { seq: 1 }).lean<{ seq: number } | null>();
    return counter?.seq ?? 0;
  }

  /**
   * Up to `limit` events after `afterSeq` in order, stopping before an unexplained hole: a missing
   * number is waited for (it is being written) unless the event after it is older than the grace period.
   */
  async readAfter(tenantId: string, afterSeq: number, limit: number, beforeSeq = Number.MAX_SAFE_INTEGER): Promise<StatusEventView[]> {
    const deadline = Date.now() + this.holeGraceMs;
    for (;;) {
      const rows = await StatusEventModel.find({ tenantId, seq: { $gt: afterSeq, $lt: beforeSeq } })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<StoredEvent[]>();
      let expected = afterSeq + 1;
      let cut = rows.length;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (row.seq !== expected && row.createdAt.getTime() > Date.now() - this.holeGraceMs) {
          cut = i;
          break;
        }
        expected = row.seq + 1;
      }
      const missingBefore = beforeSeq !== Number.MAX_SAFE_INTEGER && cut === rows.length && expected < beforeSeq && rows.length < limit;
      if ((cut === rows.length && !missingBefore) || Date.now() >= deadline) return rows.map(toView);
      if (cut > 0) return rows.slice(0, cut).map(toView);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Throws CURSOR_EXPIRED when events after `afterSeq` were deleted by the retention: the oldest
   * event kept is past the next number, or none is kept although the counter went past the cursor.
   * (A writer that died between taking a number and storing its event leaves a hole that looks the
   * same only when that hole is the very first number after the cursor and before every kept event.)
   */
  async assertCursorLive(tenantId: string, afterSeq: number, path = "after"): Promise<void> {
    const oldest = await StatusEventModel.findOne({ tenantId }, { seq: 1 }).sort({ seq: 1 }).lean<{ seq: number } | null>();
    let expired: boolean;
    if (oldest !== null) expired = oldest.seq > afterSeq + 1;
    else {
      const counter = await FeedCounterModel.findById(tenantId, { seq: 1 }).lean<{ seq: number } | null>();
      expired = (counter?.seq ?? 0) > afterSeq;
    }
    if (expired) throw new CursorExpiredError(path, this.options.retentionDays ?? null);
  }

  /** The tenant's event by id, or null. */
  async get(tenantId: string, id: string): Promise<StatusEventView | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const row = await StatusEventModel.findOne({ _id: id, tenantId }).lean<StoredEvent | null>();
    return row ? toView(row) : null;
  }
}

const REPLAY_PAGE = 200;

/** What signatureRequestUpdated streams: the request to read, and the change (null for the first, current state). */
export interface RequestNotice {
  requestId: string;
  event: StatusEventView | null;
}

/**
 * The tenant's feed for subscriptions: replay from a cursor, then live, with no gap or duplicate
 * at the seam, and gaps in the live stream (a lagging consumer, a Redis blip) filled from the log.
 */
export class FeedService {
  /** One view per bus message, shared by every subscriber it reaches (so they can share its execution). */
  private readonly views = new WeakMap<FeedMessage, StatusEventView>();

  constructor(
    private readonly log: EventLog,
    private readonly bus: FeedBus,
  ) {}

  /** Opens the tenant's feed after `after` (a cursor), or from now on without one. Errors are thrown here, before streaming. */
  async open(tenantId: string, after: string | null | undefined, subject?: string): Promise<AsyncIterableIterator<StatusEventView>> {
    const afterSeq = after === null || after === undefined ? null : decodeFeedCursor(after);
    if (afterSeq !== null) await this.log.assertCursorLive(tenantId, afterSeq);
    // Listen before reading the log: an event stored meanwhile is then either in the log or in the buffer.
    const live = this.bus.listen(tenantId);
    try {
      const start = afterSeq ?? (await this.log.head(tenantId));
      const feed = new FeedIterator(this.log, tenantId, start, afterSeq !== null, live, this.views);
      return subject === undefined ? feed : onlySubject(feed, subject);
    } catch (err) {
      live.close();
      throw err;
    }
  }

  /**
   * One of the tenant's requests: first a notice of its current state (so the client knows it is
   * listening), then one per later change. NOT_FOUND for a foreign or unknown id.
   */
  async openRequest(tenantId: string, requestId: string, subject?: string): Promise<AsyncIterableIterator<RequestNotice>> {
    if (!Types.ObjectId.isValid(requestId)) throw new NotFoundError("signature request", requestId);
    const feed = await this.open(tenantId, null);
    let current: { statusHistory?: { at: Date }[] } | null;
    try {
      // Read after the feed listens: a change in between is then in this state or in the feed.
      const owner = subject === undefined ? { tenantId } : { tenantId, subject };
      current = await SignatureRequestModel.findOne({ _id: requestId, ...owner }, { statusHistory: 1 }).lean<{ statusHistory?: { at: Date }[] } | null>();
    } catch (err) {
      await feed.return!();
      throw err;
    }
    if (current === null) {
      await feed.return!();
      throw new NotFoundError("signature request", requestId);
    }
    const seenUntil = Math.max(0, ...(current.statusHistory ?? []).map((h) => h.at.getTime()));
    const inner = (async function* (): AsyncGenerator<RequestNotice> {
      yield { requestId, event: null };
      // The history and the event share their timestamp: a change already in the first state is not told twice.
      for await (const event of feed) if (event.requestId === requestId && event.at.getTime() > seenUntil) yield { requestId, event };
    })();
    return eagerReturn(inner, () => feed.return!());
  }
}

/**
 * One subscriber's feed: the replay pages first, then live messages, each told once in sequence
 * order. A hand-written iterator rather than an async generator: one event fans out to thousands
 * of these, and `return()` must stop listening at once, even while `next()` waits.
 */
class FeedIterator implements AsyncIterableIterator<StatusEventView> {
  private ready: StatusEventView[] = [];
  private replaying: boolean;
  private done = false;

  constructor(
    private readonly log: EventLog,
    private readonly tenantId: string,
    private last: number,
    replay: boolean,
    private readonly live: LiveListener,
    private readonly views: WeakMap<FeedMessage, StatusEventView>,
  ) {
    // Without a cursor the feed starts at the log's head: there is nothing to replay, except
    // events stored between listening and reading the head, which live delivery skips as seen.
    this.replaying = replay;
  }

  async next(): Promise<IteratorResult<StatusEventView>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const ready = this.ready.shift();
      if (ready !== undefined) return { done: false, value: ready };
      if (this.replaying) {
        const page = await this.log.readAfter(this.tenantId, this.last, REPLAY_PAGE);
        this.take(page);
        if (page.length < REPLAY_PAGE) this.replaying = false;
        continue;
      }
      const message = await this.live.next();
      if (message === null) {
        this.done = true;
        continue;
      }
      if (message.seq <= this.last) continue; // already told
      while (message.seq > this.last + 1) {
        // Missed some (dropped by a full buffer, or lost by Redis): the log has them.
        const missing = await this.log.readAfter(this.tenantId, this.last, REPLAY_PAGE, message.seq);
        if (missing.length === 0) break; // a hole left by a writer that died: skip it
        this.take(missing);
      }
      this.last = message.seq;
      let view = this.views.get(message);
      if (view === undefined) this.views.set(message, (view = messageToView(message)));
      this.ready.push(view);
    }
  }

  async return(): Promise<IteratorResult<StatusEventView>> {
    this.done = true;
    this.ready = [];
    this.live.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StatusEventView> {
    return this;
  }

  private take(events: StatusEventView[]): void {
    for (const event of events) {
      this.ready.push(event);
      this.last = event.sequence;
    }
  }
}

/** A session subject's feed: the tenant's events for its own requests only (cursors stay the tenant's). */
function onlySubject(feed: AsyncIterableIterator<StatusEventView>, subject: string): AsyncIterableIterator<StatusEventView> {
  const iterator: AsyncIterableIterator<StatusEventView> = {
    async next() {
      for (;;) {
        const next = await feed.next();
        if (next.done || next.value.subject === subject) return next;
      }
    },
    return: () => feed.return!(),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Wraps a generator so that `return()` takes effect at once: a generator parked on `await` (waiting
 * for the next live event) only sees its own `return()` at its next `yield`, which for a quiet
 * tenant may be never, leaking the listener of a client that has gone.
 */
function eagerReturn<T>(inner: AsyncGenerator<T> | AsyncIterableIterator<T>, stop: () => Promise<unknown>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: () => inner.next(),
    async return(value?: unknown) {
      await stop();
      return (await inner.return?.(value as T)) ?? { done: true, value: undefined as T };
    },
    async throw(err?: unknown) {
      await stop();
      if (inner.throw) return inner.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
