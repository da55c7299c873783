import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import type { RequestHandler } from "express";
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { Redis } from "ioredis";
import type { Config } from "../config.js";
import { AppError } from "../errors/index.js";
import { principalKey, principalMode, principalTenantId, type Principal } from "./principal.js";
import { QueryTooComplexError } from "./query-limits.js";

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
  /** Separates budgets (e.g. `rl:sandbox`) in Redis and in logs. */
  keyPrefix: string;
  /** The in-memory clock (tests simulate time). */
  now?: () => number;
}

/**
 * The budgets of the cost model (Shopify's and GitHub's GraphQL convention): every operation costs
 * its complexity, drawn from a leaky bucket per principal and from a ceiling per tenant above them;
 * `placeOrder` also draws one order from a per-principal order bucket.
 */
export interface CostLimitSettings {
  /** false (RATE_LIMIT=off): nothing is throttled; answers still report their cost. */
  enabled: boolean;
  /** Points a principal's bucket holds: the largest burst, and the costliest operation it can run. */
  bucketSize: number;
  /** Points restored to a principal's bucket per minute (RATE_LIMIT_PER_MINUTE). */
  restorePerMinute: number;
  /** The tenant-wide ceiling above all its principals. */
  tenantBucketSize: number;
  tenantRestorePerMinute: number;
  /** Orders (placeOrder fields) per principal and minute, by mode; also the burst. */
  ordersPerMinute: { LIVE: number; TEST: number };
}

/** `products { code name price { amountCents currency } }` costs 51 points (a list counts 10 items). */
export const PRODUCTS_QUERY_COST = 51;

/**
 * The settings from the configuration. Its defaults keep throttling out of a normal client's way: a
 * key sustains 60,000 points a second (over 1,000 `products` queries a second) and holds one second
 * of them (so a burst of 1,000 passes too, and the bucket is far above the 1,000-point complexity
 * limit); a tenant may use four keys' worth; orders: 30 a minute for live keys (real money), 600 for
 * test keys (partners' integration suites).
 */
export function costLimitsOf(config: Config): CostLimitSettings {
  return {
    enabled: config.rateLimit,
    bucketSize: config.rateLimitBucket,
    restorePerMinute: config.rateLimitPerMinute,
    tenantBucketSize: config.tenantRateLimitBucket,
    tenantRestorePerMinute: config.tenantRateLimitPerMinute,
    ordersPerMinute: { LIVE: config.orderRateLimitPerMinute, TEST: config.testOrderRateLimitPerMinute },
  };
}

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

/**
 * A per-key token bucket counting requests: holds up to `points` tokens, refilled at `points` per
 * `durationSec`, so bursts up to `points` pass and the sustained rate is bounded without
 * fixed-window edges. GraphQL operations are limited by cost instead (createCostLimiter).
 */
export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  if (!Number.isInteger(opts.points) || opts.points < 1) {
    throw new TypeError(`points must be a positive integer, got ${String(opts.points)}`);
  }
  if (!Number.isInteger(opts.durationSec) || opts.durationSec < 1) {
    throw new TypeError(`durationSec must be a positive integer, got ${String(opts.durationSec)}`);
  }
  const perMs = opts.points / (opts.durationSec * 1000);
  const buckets = createTokenBuckets({ redis: opts.redis, keyPrefix: opts.keyPrefix, now: opts.now });
  return {
    async consume(key, cost = 1) {
      if (!Number.isInteger(cost) || cost < 1 || cost > opts.points) {
        throw new TypeError(`cost must be an integer between 1 and ${opts.points}, got ${String(cost)}`);
      }
      const res = await buckets.draw([{ key, capacity: opts.points, perMs, cost }]);
      return res.allowed ? { allowed: true } : { allowed: false, retryAfterMs: res.retryAfterMs };
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

/** What an answer reports under `extensions.cost.throttleStatus` (restoreRate in points a second). */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** `extensions.cost` of every GraphQL answer; throttleStatus null when no bucket applies (RATE_LIMIT=off, anonymous). */
export interface CostExtension {
  requestedQueryCost: number;
  throttleStatus: ThrottleStatus | null;
}

export type CostCharge = { allowed: true; throttleStatus: ThrottleStatus } | { allowed: false; retryAfterMs: number; throttleStatus: ThrottleStatus };

/** Spends operations' costs per principal; see CostLimitSettings. */
export interface CostLimiter {
  readonly settings: CostLimitSettings;
  /** The costliest operation `principal` can ever run: more is QUERY_TOO_COMPLEX, whatever the bucket holds. */
  maxCost(principal: Principal): number;
  /**
   * Draws `cost` points from the principal's and its tenant's buckets and `orders` orders from its
   * order bucket, all or nothing. `cost` 0 and no orders reads the status without spending.
   * Callers check `maxCost` first.
   */
  charge(principal: Principal, cost: number, orders?: number): Promise<CostCharge>;
}

/** The cost limiter over `buckets` (memory or Redis). */
export function createCostLimiter(settings: CostLimitSettings, buckets: TokenBuckets): CostLimiter {
  const perMs = settings.restorePerMinute / 60_000;
  const tenantPerMs = settings.tenantRestorePerMinute / 60_000;
  return {
    settings,
    maxCost: (principal) => (principalTenantId(principal) === null ? settings.bucketSize : Math.min(settings.bucketSize, settings.tenantBucketSize)),
    async charge(principal, cost, orders = 0) {
      const key = principalKey(principal);
      const tenantId = principalTenantId(principal);
      const perMinute = settings.ordersPerMinute[principalMode(principal)];
      // More orders in one operation than a minute allows can never pass: refuse, spending nothing.
      const impossible = orders > perMinute;
      const spend = impossible ? 0 : cost;
      const draws: BucketDraw[] = [{ key: `p:${key}`, capacity: settings.bucketSize, perMs, cost: spend }];
      if (tenantId !== null) draws.push({ key: `t:${tenantId}`, capacity: settings.tenantBucketSize, perMs: tenantPerMs, cost: spend });
      if (orders > 0 && !impossible) draws.push({ key: `o:${key}`, capacity: perMinute, perMs: perMinute / 60_000, cost: orders });
      const res = await buckets.draw(draws);
      const throttleStatus: ThrottleStatus = {
        maximumAvailable: settings.bucketSize,
        currentlyAvailable: res.available[0]!,
        // Points a second, as Shopify and GitHub report it; three decimals for small configured rates.
        restoreRate: Math.round((settings.restorePerMinute / 60) * 1000) / 1000,
      };
      if (impossible) return { allowed: false, retryAfterMs: 60_000, throttleStatus };
      return res.allowed ? { allowed: true, throttleStatus } : { allowed: false, retryAfterMs: res.retryAfterMs, throttleStatus };
    },
  };
}

/** How many distinct response keys of the operation's root select one of `names` (aliases count apart), through fragments. */
export function countRootFields(selectionSet: SelectionSetNode, document: DocumentNode, names: ReadonlySet<string>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const keys = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (names.has(sel.name.value)) keys.add((sel.alias ?? sel.name).value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return keys.size;
}

export interface CostLimitPluginOptions<TContext extends BaseContext> {
  limiter: CostLimiter;
  /** Who pays; null (anonymous) runs unthrottled: such requests only reach fields that refuse them. */
  principalOf: (context: TContext) => Principal | null;
  /**
   * The operation's cost, computed once per request and shared with the query limits; null when
   * those limits refuse the operation (they answer for it, and nothing is spent).
   */
  costOf: (request: GraphQLRequestContextDidResolveOperation<TContext>) => number | null;
  /** Root fields that also draw one order each (default placeOrder). */
  orderFields?: readonly string[];
}

/**
 * Limits GraphQL operations by cost before execution: RATE_LIMITED with retryAfterMs, HTTP 429 and
 * Retry-After over budget; QUERY_TOO_COMPLEX when the cost exceeds the whole bucket. Every answer
 * carries `extensions.cost`. Runs after validation, so malformed documents cost nothing.
 */
export function costLimitPlugin<TContext extends BaseContext>(opts: CostLimitPluginOptions<TContext>): ApolloServerPlugin<TContext> {
  const orderFields = new Set(opts.orderFields ?? ["placeOrder"]);
  return {
    async requestDidStart() {
      let requestedQueryCost = 0;
      let throttleStatus: ThrottleStatus | null = null;
      return {
        async didResolveOperation(request) {
          const cost = opts.costOf(request);
          if (cost === null) return;
          requestedQueryCost = cost;
          const principal = opts.principalOf(request.contextValue);
          if (!opts.limiter.settings.enabled || principal === null) return;
          const max = opts.limiter.maxCost(principal);
          if (cost > max) throw new QueryTooComplexError(max, cost);
          const orders = request.operation ? countRootFields(request.operation.selectionSet, request.document, orderFields) : 0;
          const res = await opts.limiter.charge(principal, cost, orders);
          throttleStatus = res.throttleStatus;
          if (!res.allowed) throw new RateLimitedError(res.retryAfterMs);
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          if (throttleStatus === null && opts.limiter.settings.enabled) {
            // Refused before costing (syntax, validation, limits): report the budget as it stands.
            const principal = opts.principalOf(contextValue);
            if (principal !== null) throttleStatus = (await opts.limiter.charge(principal, 0)).throttleStatus;
          }
          const cost: CostExtension = { requestedQueryCost, throttleStatus };
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost };
        },
      };
    },
  };
}

/**
 * Express middleware spending `cost` points of the caller's budget per request (REST routes such as
 * /sandbox). Over budget: status 429 and Retry-After are set, then `onLimited` writes the body (default: a GraphQL-style
 * `{ errors: [{ message, extensions: { code: "RATE_LIMITED", retryAfterMs } }] }` body). Callers
 * `principalOf` answers null for pass unthrottled (the route authenticates them itself).
 */
export function rateLimitMiddleware(opts: {
  limiter: CostLimiter;
  principalOf: (req: Parameters<RequestHandler>[0]) => Promise<Principal | null>;
  cost?: number;
  onLimited?: (res: Parameters<RequestHandler>[1], error: RateLimitedError) => void;
}): RequestHandler {
  return (req, res, next) => {
    if (!opts.limiter.settings.enabled) {
      next();
      return;
    }
    opts
      .principalOf(req)
      .then((principal) => (principal === null ? null : opts.limiter.charge(principal, opts.cost ?? 1)))
      .then((result) => {
        if (result === null || result.allowed) {
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
