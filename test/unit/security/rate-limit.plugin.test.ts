import type http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import express from "express";
import { buildSchema } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "../../../src/security/principal.js";
import { complexityPlugin, defaultQueryLimits, requestAnalyser } from "../../../src/security/query-limits.js";
import {
  costLimitPlugin,
  createCostLimiter,
  rateLimitMiddleware,
  type CostLimitSettings,
} from "../../../src/security/rate-limit.js";
import { createTokenBuckets } from "../../../src/security/token-buckets.js";

interface Ctx {
  principal: Principal | null;
}

const schema = buildSchema(`
  type Query { me: String, items: [Item] }
  type Item { name: String }
  type Mutation { placeOrder: String, cancelOrder: String }
`);
const rootValue = { me: () => "me", items: () => [{ name: "a" }], placeOrder: () => "ordered", cancelOrder: () => "cancelled" };
const keyA: Principal = { kind: "apiKey", id: "a", tenantId: "t1", mode: "LIVE" };
const keyB: Principal = { kind: "apiKey", id: "b", tenantId: "t2", mode: "LIVE" };

let prefix = 0;
function settings(over: Partial<CostLimitSettings> = {}): CostLimitSettings {
  return {
    enabled: true,
    bucketSize: 100,
    restorePerMinute: 60,
    tenantBucketSize: 1_000,
    tenantRestorePerMinute: 600,
    ordersPerMinute: { LIVE: 10, TEST: 10 },
    ...over,
  };
}

async function server(limits: CostLimitSettings) {
  const queryLimits = defaultQueryLimits("test");
  const analyse = requestAnalyser(schema, queryLimits);
  // A frozen clock: the milliseconds between two calls must not refill a token (retryAfterMs is exact).
  const limiter = createCostLimiter(limits, createTokenBuckets({ keyPrefix: `plugin:${(prefix += 1)}`, now: () => 1_700_000_000_000 }));
  const s = new ApolloServer<Ctx>({
    schema,
    rootValue,
    plugins: [
      complexityPlugin(schema, queryLimits, analyse),
      costLimitPlugin<Ctx>({ limiter, principalOf: (ctx) => ctx.principal, costOf: (rc) => (analyse(rc).errors.length > 0 ? null : analyse(rc).cost) }),
    ],
  });
  await s.start();
  return s;
}

async function exec(s: ApolloServer<Ctx>, query: string, principal: Principal | null = keyA) {
  const res = await s.executeOperation({ query }, { contextValue: { principal } });
  if (res.body.kind !== "single") throw new Error(`expected a single result, got ${res.body.kind}`);
  return {
    status: res.http.status,
    retryAfter: res.http.headers.get("retry-after"),
    codes: (res.body.singleResult.errors ?? []).map((e) => e.extensions?.code),
    errorExtensions: res.body.singleResult.errors?.[0]?.extensions,
    data: res.body.singleResult.data,
    cost: res.body.singleResult.extensions?.cost,
  };
}

describe("costLimitPlugin", () => {
  it("charges each operation its complexity and reports it in extensions.cost", async () => {
    const s = await server(settings());
    // items: a list, 1 + 10 × 1 = 11 points.
    expect(await exec(s, "{ me items { name } }")).toMatchObject({
      codes: [],
      data: { me: "me", items: [{ name: "a" }] },
      cost: { requestedQueryCost: 12, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 88, restoreRate: 1 } },
    });
    expect((await exec(s, "{ me }")).cost).toEqual({
      requestedQueryCost: 1,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: 87, restoreRate: 1 },
    });
    await s.stop();
  });

  it("refuses past the budget with RATE_LIMITED, retryAfterMs, 429 and Retry-After, still reporting the cost", async () => {
    const s = await server(settings({ bucketSize: 20 }));
    expect((await exec(s, "{ items { name } }")).codes).toEqual([]);
    const refused = await exec(s, "{ items { name } }");
    expect(refused.codes).toEqual(["RATE_LIMITED"]);
    expect(refused.status).toBe(429);
    expect(refused.errorExtensions?.retryAfterMs).toBe(2_000);
    expect(Number(refused.retryAfter)).toBe(2);
    expect(refused.data).toBeUndefined();
    expect(refused.cost).toEqual({ requestedQueryCost: 11, throttleStatus: { maximumAvailable: 20, currentlyAvailable: 9, restoreRate: 1 } });
    // Another key has its own bucket.
    expect((await exec(s, "{ items { name } }", keyB)).codes).toEqual([]);
    await s.stop();
  });

  it("refuses an operation costing more than the whole bucket with QUERY_TOO_COMPLEX (400), spending nothing", async () => {
    const s = await server(settings({ bucketSize: 10 }));
    const refused = await exec(s, "{ items { name } }");
    expect(refused.codes).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(refused.status).toBe(400);
    expect(refused.errorExtensions).toMatchObject({ maxComplexity: 10, complexity: 11 });
    expect(refused.cost).toMatchObject({ requestedQueryCost: 11, throttleStatus: { currentlyAvailable: 10 } });
    await s.stop();
  });

  it("spends the order budget only on operations selecting placeOrder, fragments and aliases included", async () => {
    const s = await server(settings({ ordersPerMinute: { LIVE: 2, TEST: 2 } }));
    expect((await exec(s, "mutation { placeOrder }")).codes).toEqual([]);
    expect((await exec(s, "mutation { cancelOrder }")).codes).toEqual([]);
    expect((await exec(s, "mutation { a: placeOrder b: placeOrder }")).codes).toEqual(["RATE_LIMITED"]);
    expect((await exec(s, "mutation { ...M } fragment M on Mutation { placeOrder }")).codes).toEqual([]);
    expect((await exec(s, "mutation { placeOrder }")).codes).toEqual(["RATE_LIMITED"]);
    await s.stop();
  });

  it("limits the admin as a principal of its own", async () => {
    const s = await server(settings({ bucketSize: 11 }));
    expect((await exec(s, "{ items { name } }", { kind: "admin" })).codes).toEqual([]);
    expect((await exec(s, "{ items { name } }", { kind: "admin" })).codes).toEqual(["RATE_LIMITED"]);
    await s.stop();
  });

  it("throttles nothing with RATE_LIMIT=off, and still reports the cost", async () => {
    const s = await server(settings({ enabled: false, bucketSize: 11 }));
    for (let i = 0; i < 5; i++) {
      expect(await exec(s, "{ items { name } }")).toMatchObject({ codes: [], cost: { requestedQueryCost: 11, throttleStatus: null } });
    }
    expect((await exec(s, "mutation { a: placeOrder b: placeOrder c: placeOrder }")).codes).toEqual([]);
    await s.stop();
  });

  it("reports the untouched budget on answers refused before costing, and no status for anonymous callers", async () => {
    const s = await server(settings());
    expect(await exec(s, "{ nope }")).toMatchObject({
      codes: ["GRAPHQL_VALIDATION_FAILED"],
      cost: { requestedQueryCost: 0, throttleStatus: { currentlyAvailable: 100 } },
    });
    expect(await exec(s, "{ me }", null)).toMatchObject({ codes: [], cost: { requestedQueryCost: 1, throttleStatus: null } });
    await s.stop();
  });
});

describe("rateLimitMiddleware", () => {
  let httpServer: http.Server | null = null;
  afterEach(async () => {
    if (httpServer) await new Promise<void>((resolve) => httpServer!.close(() => resolve()));
    httpServer = null;
  });

  it("answers 429 with Retry-After and a RATE_LIMITED body past the budget", async () => {
    const app = express();
    app.use(
      rateLimitMiddleware({
        limiter: createCostLimiter(settings({ bucketSize: 1 }), createTokenBuckets({ keyPrefix: "mw" })),
        principalOf: async (req) => (req.get("authorization") ? keyA : null),
      }),
    );
    app.get("/x", (_req, res) => {
      res.json({ ok: true });
    });
    httpServer = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => httpServer!.once("listening", () => resolve()));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/x`;
    const headers = { authorization: "Bearer k" };
    expect((await fetch(url, { headers })).status).toBe(200);
    const refused = await fetch(url, { headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(["RATE_LIMITED"]);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe("rateLimitMiddleware with RATE_LIMIT=off", () => {
  it("never asks who the caller is", async () => {
    let asked = 0;
    const mw = rateLimitMiddleware({
      limiter: createCostLimiter(settings({ enabled: false }), createTokenBuckets({ keyPrefix: "mw:off" })),
      principalOf: async () => {
        asked += 1;
        return keyA;
      },
    });
    let passed = 0;
    for (let i = 0; i < 3; i++) mw({} as never, {} as never, () => void (passed += 1));
    expect({ asked, passed }).toEqual({ asked: 0, passed: 3 });
  });
});
