import { afterEach, describe, expect, it, vi } from "vitest";
import {
  RateLimitedError,
  createRateLimiter,
  enforceRateLimits,
  generalRateLimit,
  placeOrderRateLimit,
} from "../../../src/security/rate-limit.js";

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

describe("default budgets", () => {
  it("are tighter for placeOrder than for requests in general", () => {
    expect(placeOrderRateLimit.points / placeOrderRateLimit.durationSec).toBeLessThan(
      generalRateLimit.points / generalRateLimit.durationSec,
    );
    expect(placeOrderRateLimit.keyPrefix).not.toBe(generalRateLimit.keyPrefix);
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
