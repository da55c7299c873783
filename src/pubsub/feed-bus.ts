import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { redisClient, redisEventTargetFactory } from "./redis-client.js";

/** A status event as it travels on the bus: JSON-safe, since Redis carries it as text. */
export interface FeedMessage {
  id: string;
  tenantId: string;
  seq: number;
  requestId: string;
  from: string;
  to: string;
  /** ISO 8601. */
  at: string;
  source: string;
  /** The request's session subject (null: placed with the secret key). */
  subject?: string | null;
}

/** Topics: one channel per tenant, so a replica only receives the tenants its subscribers follow. */
export type FeedTopics = { STATUS_EVENT: [tenantId: string, message: FeedMessage] };

export const STATUS_EVENT_TOPIC = "STATUS_EVENT" as const;

export type FeedPubSub = PubSub<FeedTopics>;

/** The pubsub and the resources behind it. */
export interface FeedBus {
  readonly pubSub: FeedPubSub;
  /** "redis" when events cross replicas, "memory" when they stay in this process. */
  readonly kind: "redis" | "memory";
  /**
   * The tenant's live messages from now on. Unlike `pubSub.subscribe`, each listener has its own
   * bounded buffer that drops the oldest messages when the consumer lags (consumers detect the gap
   * by sequence and read it back from the event log) instead of throwing in the publisher; and it
   * is a plain queue, as one event fans out to thousands of them.
   */
  listen(tenantId: string): LiveListener;
  /** Cache invalidations, seen by every replica on the bus (this one included). */
  readonly invalidations: InvalidationBus;
  close(): Promise<void>;
}

/** Tells every replica that a cached thing (a `scope`, e.g. `catalogue:TEST`) changed. */
export interface InvalidationBus {
  publish(scope: string): void;
  /** Calls `listener` with each scope published from now on; returns the unsubscriber. */
  subscribe(listener: (scope: string) => void): () => void;
}

/** The channel invalidations travel on (tests use their own, as replicas of other tests share Redis). */
export const DEFAULT_INVALIDATION_CHANNEL = "firma:invalidate";

export interface FeedBusOptions {
  redisUrl: string | null;
  logger: Logger;
  /** Defaults to DEFAULT_INVALIDATION_CHANNEL. */
  invalidationChannel?: string;
}

function invalidationsOn(target: EventTarget, channel: string): InvalidationBus {
  return {
    publish(scope) {
      target.dispatchEvent(new CustomEvent(channel, { detail: scope }));
    },
    subscribe(listener) {
      const onEvent = (event: Event) => listener(String((event as CustomEvent<string>).detail));
      target.addEventListener(channel, onEvent);
      return () => target.removeEventListener(channel, onEvent);
    },
  };
}

/** In-process pubsub by default; with a Redis URL, Redis pub/sub so every replica sees every event. */
export function createFeedBus({ redisUrl, logger, invalidationChannel = DEFAULT_INVALIDATION_CHANNEL }: FeedBusOptions): FeedBus {
  if (redisUrl === null) {
    const eventTarget = createLocalEventTarget(logger);
    return {
      pubSub: createPubSub<FeedTopics>({ eventTarget: eventTarget as never }),
      kind: "memory",
      listen: (tenantId) => listenOn(eventTarget, tenantId),
      invalidations: invalidationsOn(eventTarget, invalidationChannel),
      close: async () => {},
    };
  }
  const RedisClient = redisClient();
  const createRedisEventTarget = redisEventTargetFactory();
  // Subscriber connections cannot run other commands, hence two clients.
  const publishClient = new RedisClient(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // Never give up on a command: the event target subscribes without awaiting, so a rejection would go unhandled.
  const subscribeClient = new RedisClient(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  for (const [name, client] of [["publish", publishClient], ["subscribe", subscribeClient]] as const) {
    // ioredis reconnects by itself; a missed message is recovered by subscribers from the event log.
    client.on("error", (err: Error) => logger.warn({ err, client: name }, "redis connection error"));
  }
  // The event target publishes without awaiting: a failed publish (Redis down) must be logged, not
  // left as an unhandled rejection. Subscribers recover the event from the log at the next one.
  const guardedPublisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).catch((err: unknown) => {
        logger.warn({ err, channel }, "redis publish failed; subscribers will read the event from the log");
        return 0;
      }),
  } as unknown as Redis;
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient: guardedPublisher, subscribeClient });
  return {
    pubSub: createPubSub<FeedTopics>({ eventTarget: eventTarget as never }),
    kind: "redis",
    listen: (tenantId) => listenOn(eventTarget as unknown as EventTarget, tenantId),
    invalidations: invalidationsOn(eventTarget as unknown as EventTarget, invalidationChannel),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/** Messages kept per lagging listener before the oldest are dropped (and recovered from the log). */
const LISTENER_BUFFER = 256;

/** One subscriber's live messages. */
export interface LiveListener {
  /** The next message, or null once closed. */
  next(): Promise<FeedMessage | null>;
  /** Stops listening; a pending `next()` resolves with null. */
  close(): void;
}

class BufferedListener implements LiveListener {
  private buffer: FeedMessage[] = [];
  private waiter: ((message: FeedMessage | null) => void) | null = null;
  private closed = false;

  constructor(
    private readonly target: EventTarget,
    private readonly topic: string,
  ) {
    target.addEventListener(topic, this.onEvent);
  }

  private readonly onEvent = (event: Event): void => {
    const message = (event as CustomEvent<FeedMessage>).detail;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(message);
      return;
    }
    if (this.buffer.length >= LISTENER_BUFFER) this.buffer.shift();
    this.buffer.push(message);
  };

  next(): Promise<FeedMessage | null> {
    if (this.buffer.length > 0) return Promise.resolve(this.buffer.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.target.removeEventListener(this.topic, this.onEvent);
    this.buffer = [];
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(null);
  }
}

function listenOn(target: EventTarget, tenantId: string): LiveListener {
  // Same channel name as pubSub.publish(STATUS_EVENT_TOPIC, tenantId, ...).
  return new BufferedListener(target, `${STATUS_EVENT_TOPIC}:${tenantId}`);
}

/**
 * In-process event target. Node's EventTarget checks every listener of a type when adding one
 * (quadratic for thousands of subscribers of one tenant) and warns past ten; this one keeps a Set.
 */
function createLocalEventTarget(logger: Logger): EventTarget {
  type Listener = (event: Event) => void;
  const listeners = new Map<string, Set<Listener>>();
  const target = {
    addEventListener(type: string, listener: Listener | null) {
      if (listener === null) return;
      let set = listeners.get(type);
      if (set === undefined) listeners.set(type, (set = new Set()));
      set.add(listener);
    },
    removeEventListener(type: string, listener: Listener | null) {
      const set = listeners.get(type);
      if (set === undefined || listener === null) return;
      set.delete(listener);
      if (set.size === 0) listeners.delete(type);
    },
    dispatchEvent(event: Event) {
      const set = listeners.get(event.type);
      if (set === undefined) return true;
      for (const listener of set) {
        try {
          listener(event);
        } catch (err) {
          // One subscriber's failure must not keep the event from the others.
          logger.error({ err, topic: event.type }, "feed listener failed");
        }
      }
      return true;
    },
  };
  return target as unknown as EventTarget;
}
