import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      mongodbUri: null,
      redisUrl: null,
      adminToken: null,
      firmadigitaleUrl: "https://ws.firmadigitale.com",
      publicUrl: null,
      logLevel: "info",
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it("reports every invalid variable at once", () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: "eighty", MONGODB_URI: "http://x", ADMIN_TOKEN: "short", LOG_LEVEL: "loud" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(problems).toEqual(["PORT", "MONGODB_URI", "ADMIN_TOKEN", "LOG_LEVEL"]);
  });

  it("turns the compiled executor and the fast path on by default, off with off, and refuses anything else", () => {
    expect(loadConfig({})).toMatchObject({ graphqlJit: true, graphqlFastPath: true });
    expect(loadConfig({ GRAPHQL_JIT: "off", GRAPHQL_FAST_PATH: "off" })).toMatchObject({ graphqlJit: false, graphqlFastPath: false });
    expect(() => loadConfig({ GRAPHQL_FAST_PATH: "no" })).toThrow(/GRAPHQL_FAST_PATH: expected on or off/);
  });

  it("reads retention and the WebSocket cap, 30 days, 30 days and 100 by default, refusing non-positive values", () => {
    expect(loadConfig({})).toMatchObject({ eventRetentionDays: 30, sandboxCallbackRetentionDays: 30, maxWsPerTenant: 100 });
    expect(loadConfig({ EVENT_RETENTION_DAYS: "7", SANDBOX_CALLBACK_RETENTION_DAYS: "3", MAX_WS_PER_TENANT: "5" })).toMatchObject({
      eventRetentionDays: 7,
      sandboxCallbackRetentionDays: 3,
      maxWsPerTenant: 5,
    });
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: "0" })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_WS_PER_TENANT: "many" })).toThrow(ConfigError);
  });

  it("reads the request-list cache switch and budget, on and 64 MB by default, refusing other values", () => {
    expect(loadConfig({})).toMatchObject({ listCache: true, listCacheMaxMb: 64 });
    expect(loadConfig({ LIST_CACHE: "off", LIST_CACHE_MAX_MB: "8" })).toMatchObject({ listCache: false, listCacheMaxMb: 8 });
    let caught: unknown;
    try {
      loadConfig({ LIST_CACHE: "no", LIST_CACHE_MAX_MB: "0" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["LIST_CACHE", "LIST_CACHE_MAX_MB"]);
  });

  it("strips trailing slashes from URLs", () => {
    expect(loadConfig({ FIRMADIGITALE_URL: "https://test.ws.firmadigitale.com/" }).firmadigitaleUrl).toBe(
      "https://test.ws.firmadigitale.com",
    );
  });

  it("reads the rate limits of the cost model, with defaults derived from RATE_LIMIT_PER_MINUTE", () => {
    expect(loadConfig({})).toMatchObject({
      rateLimit: true,
      rateLimitPerMinute: 3_600_000,
      rateLimitBucket: 60_000,
      tenantRateLimitPerMinute: 14_400_000,
      tenantRateLimitBucket: 240_000,
      orderRateLimitPerMinute: 30,
      testOrderRateLimitPerMinute: 600,
    });
    expect(loadConfig({ RATE_LIMIT: "off", RATE_LIMIT_PER_MINUTE: "300", ORDER_RATE_LIMIT_PER_MINUTE: "5" })).toMatchObject({
      rateLimit: false,
      rateLimitBucket: 1_000,
      orderRateLimitPerMinute: 5,
      testOrderRateLimitPerMinute: 5,
    });
    expect(loadConfig({ ORDER_RATE_LIMIT_PER_MINUTE: "5", TEST_ORDER_RATE_LIMIT_PER_MINUTE: "50" }).testOrderRateLimitPerMinute).toBe(50);
  });

  it("refuses a bucket smaller than the costliest operation allowed, and an unknown RATE_LIMIT", () => {
    let caught: unknown;
    try {
      loadConfig({ RATE_LIMIT: "maybe", RATE_LIMIT_BUCKET: "999" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["RATE_LIMIT", "RATE_LIMIT_BUCKET"]);
  });
});
