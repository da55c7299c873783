import { afterEach, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { buildSchema, parse } from "graphql";
import { loadConfig } from "../../../src/config.js";
import { operationComplexity } from "../../../src/security/query-limits.js";
import type { Principal } from "../../../src/security/principal.js";
import {
  PRODUCTS_QUERY_COST,
  RateLimitedError,
  costLimitsOf,
  createCostLimiter,
  createRateLimiter,
  enforceRateLimits,
} from "../../../src/security/rate-limit.js";
import { createTokenBuckets } from "../../../src/security/token-buckets.js";

describe("createRateLimiter (in memory)", () => {
  it("allows `points` requests per key, then refuses with a positive retryAfterMs", async () => {
    const limiter = createRateLimiter({ points: 3, durationSec: 60, keyPrefix: "t" });
    for (let i = 0; i < 3; i++) expect(await limiter.consume("key-a")).toEqual({ allowed: true });
    const refused = await limiter.consume("key-a");
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it("keeps a separate budget per key", async () => {
    const limiter = createRateLimiter({ points: 1, durationSec: 60, keyPrefix: "t" });
    expect((await limiter.consume("key-a")).allowed).toBe(true);
    expect((await limiter.consume("key-a")).allowed).toBe(false);
    expect((await limiter.consume("key-b")).allowed).toBe(true);
  });

  it("spends `cost` points at once", async () => {
    const limiter = createRateLimiter({ points: 10, durationSec: 60, keyPrefix: "t" });
    expect((await limiter.consume("k", 7)).allowed).toBe(true);
    expect((await limiter.consume("k", 4)).allowed).toBe(false);
    expect((await limiter.consume("k", 3)).allowed).toBe(true);
  });

  it("refuses a cost that is not an integer within the budget", async () => {
    const limiter = createRateLimiter({ points: 10, durationSec: 60, keyPrefix: "t" });
    await expect(limiter.consume("k", 0)).rejects.toBeInstanceOf(TypeError);
    await expect(limiter.consume("k", 1.5)).rejects.toBeInstanceOf(TypeError);
    await expect(limiter.consume("k", 11)).rejects.toBeInstanceOf(TypeError);
  });

  it("refuses non-positive points or durations", () => {
    expect(() => createRateLimiter({ points: 0, durationSec: 60, keyPrefix: "t" })).toThrow(TypeError);
    expect(() => createRateLimiter({ points: 5, durationSec: 0, keyPrefix: "t" })).toThrow(TypeError);
  });
});

describe("enforceRateLimits", () => {
  it("throws RATE_LIMITED with retryAfterMs and an HTTP 429 once any budget is spent", async () => {
    const general = createRateLimiter({ points: 5, durationSec: 60, keyPrefix: "g" });
    const orders = createRateLimiter({ points: 1, durationSec: 60, keyPrefix: "o" });
    await enforceRateLimits("k", general, orders);
    const err = await enforceRateLimits("k", general, orders).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    const e = err as RateLimitedError;
    expect(e.extensions.code).toBe("RATE_LIMITED");
    expect(e.extensions.retryAfterMs).toBeGreaterThan(0);
    expect((e.extensions.http as { status: number }).status).toBe(429);
  });
});

describe("createRateLimiter as a token bucket", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refills one token per duration/points, up to the bucket size, with no fixed-window edge", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
    const limiter = createRateLimiter({ points: 2, durationSec: 60, keyPrefix: "t:bucket" });
    expect((await limiter.consume("k")).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(true);
    const refused = await limiter.consume("k");
    expect(refused).toEqual({ allowed: false, retryAfterMs: 30_000 });
    vi.setSystemTime(new Date("2026-11-27T10:00:30Z"));
    expect((await limiter.consume("k")).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(false);
    vi.setSystemTime(new Date("2026-11-27T10:10:00Z"));
    expect((await limiter.consume("k", 2)).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(false);
  });
});

/** A clock the test moves by hand. */
function simulatedClock(start = Date.parse("2026-11-27T10:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const liveKey: Principal = { kind: "apiKey", id: "live-key", tenantId: "tenant-live", mode: "LIVE" };
const testKey: Principal = { kind: "apiKey", id: "test-key", tenantId: "tenant-test", mode: "TEST" };

describe("createTokenBuckets", () => {
  it("spends every draw of a call or none of them", async () => {
    const buckets = createTokenBuckets({ keyPrefix: "t:atomic", now: simulatedClock().now });
    const big = { key: "big", capacity: 100, perMs: 0.001, cost: 10 };
    const small = { key: "small", capacity: 5, perMs: 0.001, cost: 5 };
    expect(await buckets.draw([big, small])).toEqual({ allowed: true, retryAfterMs: 0, available: [90, 0] });
    const refused = await buckets.draw([big, small]);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(5_000);
    // The big bucket was not charged for the refused call.
    expect(refused.available).toEqual([90, 0]);
    expect((await buckets.draw([{ ...big, cost: 0 }])).available).toEqual([90]);
  });

  it("refuses a cost that is not an integer within the bucket", async () => {
    const buckets = createTokenBuckets({ keyPrefix: "t:bad" });
    await expect(buckets.draw([{ key: "k", capacity: 5, perMs: 1, cost: 6 }])).rejects.toBeInstanceOf(TypeError);
    await expect(buckets.draw([{ key: "k", capacity: 5, perMs: 1, cost: -1 }])).rejects.toBeInstanceOf(TypeError);
  });
});

describe("the default cost limits", () => {
  const defaults = costLimitsOf(loadConfig({}));

  it("costs products { code name price { amountCents currency } } PRODUCTS_QUERY_COST points on the committed schema", () => {
    const schema = buildSchema(readFileSync("schema/schema.graphql", "utf8"));
    const cost = operationComplexity(schema, parse("{ products { code name price { amountCents currency } } }"), {}, undefined);
    expect(cost).toBe(PRODUCTS_QUERY_COST);
  });

  it("let one key run 1,000 products queries within one second, spread or all at once", async () => {
    for (const spread of [true, false]) {
      const clock = simulatedClock();
      const limiter = createCostLimiter(defaults, createTokenBuckets({ keyPrefix: `t:defaults:${spread}`, now: clock.now }));
      const refused = [];
      for (let i = 0; i < 1_000; i++) {
        const res = await limiter.charge(liveKey, PRODUCTS_QUERY_COST);
        if (!res.allowed) refused.push(i);
        if (spread) clock.advance(1);
      }
      expect(refused).toEqual([]);
    }
  });

  it("sustain 1,000 products queries a second for ten seconds", async () => {
    const clock = simulatedClock();
    const limiter = createCostLimiter(defaults, createTokenBuckets({ keyPrefix: "t:sustained", now: clock.now }));
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      if (!(await limiter.charge(liveKey, PRODUCTS_QUERY_COST)).allowed) refused += 1;
      clock.advance(1);
    }
    expect(refused).toBe(0);
  });

  it("hold at least the costliest operation allowed (1,000 points)", () => {
    expect(defaults.bucketSize).toBeGreaterThanOrEqual(1_000);
    expect(defaults.tenantBucketSize).toBeGreaterThanOrEqual(1_000);
  });

  it("limit placeOrder to 30 a minute for live keys and 600 for test keys", async () => {
    const clock = simulatedClock();
    const limiter = createCostLimiter(defaults, createTokenBuckets({ keyPrefix: "t:orders", now: clock.now }));
    const accepted = async (p: Principal, n: number) => {
      let ok = 0;
      for (let i = 0; i < n; i++) if ((await limiter.charge(p, 5, 1)).allowed) ok += 1;
      return ok;
    };
    expect(await accepted(liveKey, 40)).toBe(30);
    expect(await accepted(testKey, 700)).toBe(600);
    const refused = await limiter.charge(liveKey, 5, 1);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterMs).toBe(2_000);
    // Other operations of the same key are not held up by its order budget.
    expect((await limiter.charge(liveKey, 5)).allowed).toBe(true);
    clock.advance(2_000);
    expect((await limiter.charge(liveKey, 5, 1)).allowed).toBe(true);
  });

  it("are off with RATE_LIMIT=off", () => {
    expect(costLimitsOf(loadConfig({ RATE_LIMIT: "off" })).enabled).toBe(false);
    expect(defaults.enabled).toBe(true);
  });
});

describe("createCostLimiter", () => {
  const settings = {
    enabled: true,
    bucketSize: 1_000,
    restorePerMinute: 6_000,
    tenantBucketSize: 1_500,
    tenantRestorePerMinute: 6_000,
    ordersPerMinute: { LIVE: 2, TEST: 10 },
  };

  it("spends each operation's cost and reports the throttle status", async () => {
    const clock = simulatedClock();
    const limiter = createCostLimiter(settings, createTokenBuckets({ keyPrefix: "t:status", now: clock.now }));
    expect(await limiter.charge(liveKey, 300)).toEqual({
      allowed: true,
      throttleStatus: { maximumAvailable: 1_000, currentlyAvailable: 700, restoreRate: 100 },
    });
    expect((await limiter.charge(liveKey, 700)).throttleStatus.currentlyAvailable).toBe(0);
    const refused = await limiter.charge(liveKey, 50);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500, throttleStatus: { maximumAvailable: 1_000, currentlyAvailable: 0, restoreRate: 100 } });
    clock.advance(500);
    expect((await limiter.charge(liveKey, 50)).allowed).toBe(true);
  });

  it("holds a tenant's principals under the tenant ceiling, checked with theirs atomically", async () => {
    const limiter = createCostLimiter(settings, createTokenBuckets({ keyPrefix: "t:tenant", now: simulatedClock().now }));
    const a: Principal = { kind: "apiKey", id: "a", tenantId: "t1", mode: "LIVE" };
    const b: Principal = { kind: "apiKey", id: "b", tenantId: "t1", mode: "LIVE" };
    const other: Principal = { kind: "apiKey", id: "c", tenantId: "t2", mode: "LIVE" };
    expect((await limiter.charge(a, 1_000)).allowed).toBe(true);
    expect((await limiter.charge(b, 400)).allowed).toBe(true);
    // b still holds 600 points, but the tenant only 100: refused, and b's bucket is not charged.
    const refused = await limiter.charge(b, 200);
    expect(refused.allowed).toBe(false);
    expect(refused.throttleStatus.currentlyAvailable).toBe(600);
    expect((await limiter.charge(b, 100)).allowed).toBe(true);
    expect((await limiter.charge(other, 1_000)).allowed).toBe(true);
  });

  it("bounds an operation's cost by the smaller of the principal's bucket and the tenant's", () => {
    const limiter = createCostLimiter({ ...settings, tenantBucketSize: 800 }, createTokenBuckets({ keyPrefix: "t:max" }));
    expect(limiter.maxCost(liveKey)).toBe(800);
    expect(limiter.maxCost({ kind: "admin" })).toBe(1_000);
  });

  it("refuses more orders in one operation than a minute allows, spending nothing", async () => {
    const limiter = createCostLimiter(settings, createTokenBuckets({ keyPrefix: "t:many", now: simulatedClock().now }));
    const refused = await limiter.charge(liveKey, 10, 3);
    expect(refused.allowed).toBe(false);
    expect(refused.throttleStatus.currentlyAvailable).toBe(1_000);
    expect((await limiter.charge(liveKey, 10, 2)).allowed).toBe(true);
  });
});
