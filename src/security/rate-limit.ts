import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import type { RequestHandler } from "express";
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { Redis } from "ioredis";
import { AppError } from "../errors/index.js";

/** Spends `cost` points of `key`'s budget, or says how long until enough points are back. */
export interface RateLimiter {
  consume(key: string, cost?: number): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

export interface RateLimitOptions {
  /** Bucket size: the burst allowed; refilled at `points` per `durationSec`. */
  points: number;
  durationSec: number;
  /** Given: replicas sharing this client and prefix share one budget per key. */
  redis?: Redis;
  /** Separates budgets (e.g. `rl:general`, `rl:placeOrder`) in Redis and in logs. */
  keyPrefix: string;
}

/** Every GraphQL request, per API key: 300 a minute. */
export const generalRateLimit = { points: 300, durationSec: 60, keyPrefix: "rl:general" } as const;
/** placeOrder spends money upstream: 30 a minute per API key, on top of the general budget. */
export const placeOrderRateLimit = { points: 30, durationSec: 60, keyPrefix: "rl:placeOrder" } as const;

/** RATE_LIMITED with `retryAfterMs`; over HTTP a 429 with `Retry-After` (seconds). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterMs: number) {
    super("RATE_LIMITED", `too many requests: retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
      retryAfterMs,
      // Apollo turns this into the response's status and headers and strips it from the body.
      http: { status: 429, headers: new HeaderMap([["retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000)))]]) },
    });
  }
}

// The limiter stores keys in memory and in Redis: store a digest, never what it was given (an API
// key, should a caller pass one instead of its hash).
const digest = (key: string): string => createHash("sha256").update(key).digest("base64url").slice(0, 32);

/** One bucket: tokens left and when they were counted. */
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token bucket in Redis, atomic in one script: refills by elapsed time on Redis's own clock (so
 * replicas with skewed clocks agree), spends `cost` only when it fits, and expires idle buckets.
 * Returns {1, 0} when allowed, {0, ms until enough tokens} when not.
 */
const TOKEN_BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(data[1]) or capacity
local at = tonumber(data[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return {allowed, wait}
`;

type Outcome = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The same bucket in this process's memory: the default, and the fallback while Redis is not ready. */
function memoryBuckets(capacity: number, perMs: number): (id: string, cost: number) => Outcome {
  const buckets = new Map<string, Bucket>();
  const idleMs = Math.ceil(capacity / perMs);
  let sweptAt = Date.now();
  return (id, cost) => {
    const now = Date.now();
    // A full bucket is the same as no bucket: forget idle ones now and then so memory stays bounded.
    if (now - sweptAt > idleMs) {
      for (const [k, b] of buckets) if (now - b.at >= idleMs) buckets.delete(k);
      sweptAt = now;
    }
    const b = buckets.get(id) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    buckets.set(id, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((cost - b.tokens) / perMs)) };
  };
}

/**
 * A per-key token bucket: holds up to `points` tokens, refilled at `points` per `durationSec`, so
 * bursts up to `points` pass and the sustained rate is bounded without fixed-window edges. In
 * memory, or in Redis (atomic, shared by replicas) when `redis` is given; while Redis is not ready,
 * each replica falls back to its own in-memory bucket rather than refusing everything or nothing.
 * A refused request spends nothing.
 */
export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  if (!Number.isInteger(opts.points) || opts.points < 1) {
    throw new TypeError(`points must be a positive integer, got ${String(opts.points)}`);
  }
  if (!Number.isInteger(opts.durationSec) || opts.durationSec < 1) {
    throw new TypeError(`durationSec must be a positive integer, got ${String(opts.durationSec)}`);
  }
  const perMs = opts.points / (opts.durationSec * 1000);
  const memory = memoryBuckets(opts.points, perMs);
  const redis = opts.redis;

  return {
    async consume(key, cost = 1) {
      if (!Number.isInteger(cost) || cost < 1 || cost > opts.points) {
        throw new TypeError(`cost must be an integer between 1 and ${opts.points}, got ${String(cost)}`);
      }
      const id = digest(key);
      if (redis === undefined || redis.status !== "ready") return memory(id, cost);
      try {
        const [allowed, wait] = (await redis.eval(TOKEN_BUCKET_LUA, 1, `${opts.keyPrefix}:${id}`, opts.points, perMs, cost)) as [number, number];
        return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, wait) };
      } catch {
        return memory(id, cost);
      }
    },
  };
}

/** Consumes from each limiter in turn and throws RateLimitedError at the first refusal. */
export async function enforceRateLimits(key: string, ...limiters: RateLimiter[]): Promise<void> {
  for (const limiter of limiters) {
    const res = await limiter.consume(key);
    if (!res.allowed) throw new RateLimitedError(res.retryAfterMs);
  }
}

/** Names of the root fields an operation selects, through fragments. */
export function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return names;
}

export interface RateLimitPluginOptions<TContext extends BaseContext> {
  /** Spent once per operation. */
  general: RateLimiter;
  /** Spent once more per operation selecting the root field (e.g. `{ placeOrder: placeOrderLimiter }`). */
  perRootField?: Record<string, RateLimiter>;
  /** The budget's key, e.g. the API key's stored hash; null leaves the operation to authentication. */
  keyOf: (context: TContext) => string | null;
}

/**
 * Rate limits GraphQL operations per caller before execution: RATE_LIMITED with HTTP 429 and
 * Retry-After. Runs after validation, so malformed documents cost nothing.
 */
export function rateLimitPlugin<TContext extends BaseContext>(
  opts: RateLimitPluginOptions<TContext>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          const key = opts.keyOf(contextValue);
          if (key === null) return;
          const limiters = [opts.general];
          if (opts.perRootField && operation) {
            for (const name of rootFieldNames(operation.selectionSet, document)) {
              const limiter = Object.hasOwn(opts.perRootField, name) ? opts.perRootField[name] : undefined;
              if (limiter) limiters.push(limiter);
            }
          }
          await enforceRateLimits(key, ...limiters);
        },
      };
    },
  };
}

/**
 * Express middleware spending one point of `keyOf(req)`'s budget per request (REST routes such as
 * /sandbox). Over budget: status 429 and Retry-After are set, then `onLimited` writes the body (default: a GraphQL-style
 * `{ errors: [{ message, extensions: { code: "RATE_LIMITED", retryAfterMs } }] }` body).
 */
export function rateLimitMiddleware(opts: {
  limiter: RateLimiter;
  keyOf: (req: Parameters<RequestHandler>[0]) => string | null;
  onLimited?: (res: Parameters<RequestHandler>[1], error: RateLimitedError) => void;
}): RequestHandler {
  return (req, res, next) => {
    const key = opts.keyOf(req);
    if (key === null) {
      next();
      return;
    }
    opts.limiter.consume(key).then((result) => {
      if (result.allowed) {
        next();
        return;
      }
      const error = new RateLimitedError(result.retryAfterMs);
      res.status(429).setHeader("Retry-After", String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))));
      if (opts.onLimited) opts.onLimited(res, error);
      else {
        res.json({
          errors: [{ message: error.message, extensions: { code: error.code, retryAfterMs: result.retryAfterMs } }],
        });
      }
    }, next);
  };
}
