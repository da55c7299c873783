import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import type { RequestHandler } from "express";
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { Redis } from "ioredis";
import { createTokenBuckets, type BucketDraw, type TokenBuckets } from "./token-buckets.js";
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

/** The root field selections of an operation, through fragments: each field's name and response key (its alias). */
export function rootFieldSelections(selectionSet: SelectionSetNode, document: DocumentNode): { name: string; key: string }[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const out: { name: string; key: string }[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push({ name: sel.name.value, key: (sel.alias ?? sel.name).value });
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return out;
}

/** Names of the root fields an operation selects, through fragments. */
export function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): Set<string> {
  return new Set(rootFieldSelections(selectionSet, document).map((s) => s.name));
}

/** How many distinct response keys of the operation's root select one of `names` (aliases count apart), through fragments. */
export function countRootFields(selectionSet: SelectionSetNode, document: DocumentNode, names: ReadonlySet<string>): number {
  return new Set(rootFieldSelections(selectionSet, document).filter((s) => names.has(s.name)).map((s) => s.key)).size;
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
  /**
   * A cost already drawn for this request (the fast path drew it before handing the request over):
   * reported as is, never drawn again.
   */
  prepaidOf?: (context: TContext) => { throttleStatus: ThrottleStatus } | undefined;
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
          const prepaid = opts.prepaidOf?.(request.contextValue);
          if (prepaid !== undefined) {
            throttleStatus = prepaid.throttleStatus;
            return;
          }
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
