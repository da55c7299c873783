/**
 * Token buckets drawn atomically, in memory or in Redis: the storage under the rate limits
 * (rate-limit.ts), which decide what to draw and from which buckets.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

// The limiter stores keys in memory and in Redis: store a digest, never what it was given (an API
// key, should a caller pass one instead of its hash).
const digest = (key: string): string => createHash("sha256").update(key).digest("base64url").slice(0, 32);

/** One draw on one bucket: `cost` points from the bucket `key`, holding `capacity`, refilled at `perMs` a millisecond. */
export interface BucketDraw {
  key: string;
  capacity: number;
  perMs: number;
  /** 0 only reads the bucket (spends nothing, always allowed). */
  cost: number;
}

/** All draws of one call were spent (`allowed`), or none was; `available` is each bucket's points after the call. */
export interface DrawOutcome {
  allowed: boolean;
  /** 0 when allowed; else how long until every bucket holds its cost again. */
  retryAfterMs: number;
  available: number[];
}

/** Token buckets drawn atomically: several buckets at once (a principal and its tenant) all spend, or none does. */
export interface TokenBuckets {
  draw(draws: readonly BucketDraw[]): Promise<DrawOutcome>;
}

export interface TokenBucketOptions {
  /** Given: replicas sharing this client and prefix share every bucket. */
  redis?: Redis;
  /** Separates budgets in Redis and in logs (tests use a unique one per run). */
  keyPrefix: string;
  /** The in-memory buckets' clock (tests simulate time); Redis always uses its own clock. */
  now?: () => number;
}

/**
 * Token buckets in Redis, atomic in one script: each bucket refills by elapsed time on Redis's own
 * clock (so replicas with skewed clocks agree); the draws are spent only when every one fits; idle
 * buckets expire. ARGV holds (capacity, per_ms, cost) per key. Returns {allowed, wait, floor(points
 * left) per key}.
 */
const TOKEN_BUCKETS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local tokens = {}
local allowed = 1
local wait = 0
for i = 1, n do
  local capacity = tonumber(ARGV[i * 3 - 2])
  local per_ms = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local data = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local left = tonumber(data[1]) or capacity
  local at = tonumber(data[2]) or now
  left = math.min(capacity, left + math.max(0, now - at) * per_ms)
  tokens[i] = left
  if left < cost then
    allowed = 0
    wait = math.max(wait, math.ceil((cost - left) / per_ms))
  end
end
local out = {allowed, wait}
for i = 1, n do
  local capacity = tonumber(ARGV[i * 3 - 2])
  local per_ms = tonumber(ARGV[i * 3 - 1])
  if allowed == 1 then tokens[i] = tokens[i] - tonumber(ARGV[i * 3]) end
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i]), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / per_ms) + 1000)
  out[i + 2] = math.floor(tokens[i])
end
return out
`;

interface Bucket {
  tokens: number;
  at: number;
}

/** The same buckets in this process's memory: the default, and the fallback while Redis is not ready. */
function memoryBuckets(now: () => number): (ids: readonly string[], draws: readonly BucketDraw[]) => DrawOutcome {
  const buckets = new Map<string, Bucket & { idleMs: number }>();
  let sweptAt = now();
  return (ids, draws) => {
    const t = now();
    // A full bucket is the same as no bucket: forget idle ones now and then so memory stays bounded.
    if (t - sweptAt > 60_000) {
      for (const [k, b] of buckets) if (t - b.at >= b.idleMs) buckets.delete(k);
      sweptAt = t;
    }
    let allowed = true;
    let wait = 0;
    const current = draws.map((d, i) => {
      const b = buckets.get(ids[i]!) ?? { tokens: d.capacity, at: t, idleMs: Math.ceil(d.capacity / d.perMs) };
      b.tokens = Math.min(d.capacity, b.tokens + Math.max(0, t - b.at) * d.perMs);
      b.at = t;
      buckets.set(ids[i]!, b);
      if (b.tokens < d.cost) {
        allowed = false;
        wait = Math.max(wait, Math.ceil((d.cost - b.tokens) / d.perMs));
      }
      return b;
    });
    if (allowed) draws.forEach((d, i) => (current[i]!.tokens -= d.cost));
    return { allowed, retryAfterMs: allowed ? 0 : Math.max(1, wait), available: current.map((b) => Math.floor(b.tokens)) };
  };
}

/**
 * Token buckets in memory, or in Redis (atomic, shared by replicas) when `redis` is given; while
 * Redis is not ready, each replica falls back to its own in-memory buckets rather than refusing
 * everything or nothing. A refused draw spends nothing.
 */
export function createTokenBuckets(opts: TokenBucketOptions): TokenBuckets {
  const memory = memoryBuckets(opts.now ?? (() => Date.now()));
  const redis = opts.redis;
  return {
    async draw(draws) {
      for (const d of draws) {
        if (!(d.capacity >= 1) || !(d.perMs > 0) || !Number.isFinite(d.capacity) || !Number.isFinite(d.perMs)) {
          throw new TypeError(`a bucket needs a positive capacity and refill rate, got ${d.capacity} and ${d.perMs}`);
        }
        if (!Number.isInteger(d.cost) || d.cost < 0 || d.cost > d.capacity) {
          throw new TypeError(`cost must be an integer between 0 and ${d.capacity}, got ${String(d.cost)}`);
        }
      }
      const ids = draws.map((d) => `${opts.keyPrefix}:${digest(d.key)}`);
      if (redis === undefined || redis.status !== "ready") return memory(ids, draws);
      try {
        const args = draws.flatMap((d) => [d.capacity, d.perMs, d.cost]);
        const [allowed, wait, ...available] = (await redis.eval(TOKEN_BUCKETS_LUA, ids.length, ...ids, ...args)) as number[];
        return { allowed: allowed === 1, retryAfterMs: allowed === 1 ? 0 : Math.max(1, wait!), available };
      } catch {
        return memory(ids, draws);
      }
    },
  };
}

