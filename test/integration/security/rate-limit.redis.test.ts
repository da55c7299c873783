import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCostLimiter, createRateLimiter } from "../../../src/security/rate-limit.js";
import { createTokenBuckets } from "../../../src/security/token-buckets.js";
import type { Principal } from "../../../src/security/principal.js";

const redisUrl = process.env.REDIS_URL ?? (process.env.CI ? "redis://127.0.0.1:6379" : undefined);
if (!redisUrl) console.warn("REDIS_URL is not set: skipping the Redis rate limiter tests");

describe.skipIf(!redisUrl)("createRateLimiter (Redis)", () => {
  let redis: Redis;
  // A fresh prefix per run: reruns and parallel suites never share a budget by accident.
  const prefix = `test:rl:${randomUUID()}`;

  beforeAll(async () => {
    redis = new Redis(redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("shares one budget between two limiters (replicas) on the same prefix", async () => {
    const replicaA = createRateLimiter({ points: 4, durationSec: 60, keyPrefix: prefix, redis });
    const replicaB = createRateLimiter({ points: 4, durationSec: 60, keyPrefix: prefix, redis });
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push((await replicaA.consume("api-key-hash")).allowed, (await replicaB.consume("api-key-hash")).allowed);
    }
    expect(results).toEqual([true, true, true, true, false, false]);
    const refused = await replicaA.consume("api-key-hash");
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.retryAfterMs).toBeGreaterThan(0);
  });

  it("keeps budgets apart across prefixes and keys", async () => {
    const a = createRateLimiter({ points: 1, durationSec: 60, keyPrefix: `${prefix}:a`, redis });
    const b = createRateLimiter({ points: 1, durationSec: 60, keyPrefix: `${prefix}:b`, redis });
    expect((await a.consume("k")).allowed).toBe(true);
    expect((await b.consume("k")).allowed).toBe(true);
    expect((await a.consume("other")).allowed).toBe(true);
    expect((await a.consume("k")).allowed).toBe(false);
  });

  it("never stores the key it was given", async () => {
    const limiter = createRateLimiter({ points: 5, durationSec: 60, keyPrefix: `${prefix}:raw`, redis });
    await limiter.consume("fgw_test_secret");
    const keys = await redis.keys(`${prefix}:raw*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain("fgw_test_secret");
  });

  it("falls back to an in-memory budget when Redis is not ready", async () => {
    const offline = new Redis(redisUrl!, { lazyConnect: true });
    const limiter = createRateLimiter({ points: 1, durationSec: 60, keyPrefix: `${prefix}:off`, redis: offline });
    expect((await limiter.consume("k")).allowed).toBe(true);
    expect((await limiter.consume("k")).allowed).toBe(false);
    offline.disconnect();
  });

  it("shares a principal's cost budget and its tenant's ceiling between two replicas, atomically", async () => {
    const settings = {
      enabled: true,
      bucketSize: 1_000,
      // Slow refills: Redis keeps its own clock, and a second on a loaded machine must not add a token.
      restorePerMinute: 1,
      tenantBucketSize: 1_500,
      tenantRestorePerMinute: 1,
      ordersPerMinute: { LIVE: 2, TEST: 600 },
    };
    const replicaA = createCostLimiter(settings, createTokenBuckets({ keyPrefix: `${prefix}:cost`, redis }));
    const replicaB = createCostLimiter(settings, createTokenBuckets({ keyPrefix: `${prefix}:cost`, redis }));
    const a: Principal = { kind: "apiKey", id: "a", tenantId: "t1", mode: "LIVE" };
    const b: Principal = { kind: "apiKey", id: "b", tenantId: "t1", mode: "LIVE" };
    expect((await replicaA.charge(a, 600)).throttleStatus.currentlyAvailable).toBe(400);
    expect((await replicaB.charge(a, 300)).throttleStatus.currentlyAvailable).toBe(100);
    expect((await replicaA.charge(a, 300)).allowed).toBe(false);
    // Tenant t1 has 600 left: b may spend 500 on one replica, then not 200 on the other, and the
    // refusal leaves b's own bucket untouched.
    expect((await replicaB.charge(b, 500)).allowed).toBe(true);
    const refused = await replicaA.charge(b, 200);
    expect(refused.allowed).toBe(false);
    expect(refused.throttleStatus.currentlyAvailable).toBe(500);
    // Orders: 2 a minute for the live key, across replicas.
    expect((await replicaA.charge(a, 1, 1)).allowed).toBe(true);
    expect((await replicaB.charge(a, 1, 1)).allowed).toBe(true);
    expect((await replicaA.charge(a, 1, 1)).allowed).toBe(false);
  });

  it("spends nothing when concurrent charges from two replicas race for the last points", async () => {
    const settings = { enabled: true, bucketSize: 1_000, restorePerMinute: 1, tenantBucketSize: 1_000, tenantRestorePerMinute: 1, ordersPerMinute: { LIVE: 1, TEST: 1 } };
    const replicas = [0, 1].map(() => createCostLimiter(settings, createTokenBuckets({ keyPrefix: `${prefix}:race`, redis })));
    const p: Principal = { kind: "apiKey", id: "racer", tenantId: "t-race", mode: "TEST" };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % 2]!.charge(p, 100)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});
