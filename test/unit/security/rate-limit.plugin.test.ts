import type http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import express from "express";
import { buildSchema } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { createRateLimiter, rateLimitMiddleware, rateLimitPlugin } from "../../../src/security/rate-limit.js";

interface Ctx {
  apiKeyHash: string | null;
}

const schema = buildSchema(`
  type Query { me: String }
  type Mutation { placeOrder: String, cancelOrder: String }
`);
const rootValue = { me: () => "me", placeOrder: () => "ordered", cancelOrder: () => "cancelled" };

async function server(points: { general: number; placeOrder: number }) {
  const s = new ApolloServer<Ctx>({
    schema,
    rootValue,
    plugins: [
      rateLimitPlugin<Ctx>({
        general: createRateLimiter({ points: points.general, durationSec: 60, keyPrefix: "g" }),
        perRootField: { placeOrder: createRateLimiter({ points: points.placeOrder, durationSec: 60, keyPrefix: "p" }) },
        keyOf: (ctx) => ctx.apiKeyHash,
      }),
    ],
  });
  await s.start();
  return s;
}

async function exec(s: ApolloServer<Ctx>, query: string, apiKeyHash: string | null = "hash-a") {
  const res = await s.executeOperation({ query }, { contextValue: { apiKeyHash } });
  if (res.body.kind !== "single") throw new Error(`expected a single result, got ${res.body.kind}`);
  return {
    status: res.http.status,
    retryAfter: res.http.headers.get("retry-after"),
    codes: (res.body.singleResult.errors ?? []).map((e) => e.extensions?.code),
    data: res.body.singleResult.data,
  };
}

describe("rateLimitPlugin", () => {
  it("refuses the operation past the general budget with RATE_LIMITED, 429 and Retry-After", async () => {
    const s = await server({ general: 2, placeOrder: 10 });
    expect((await exec(s, "{ me }")).codes).toEqual([]);
    expect((await exec(s, "{ me }")).codes).toEqual([]);
    const refused = await exec(s, "{ me }");
    expect(refused.codes).toEqual(["RATE_LIMITED"]);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.data).toBeUndefined();
    expect((await exec(s, "{ me }", "hash-b")).codes).toEqual([]);
    await s.stop();
  });

  it("spends the placeOrder budget only on operations selecting placeOrder, fragments included", async () => {
    const s = await server({ general: 100, placeOrder: 1 });
    expect((await exec(s, "mutation { placeOrder }")).codes).toEqual([]);
    expect((await exec(s, "mutation { cancelOrder }")).codes).toEqual([]);
    expect((await exec(s, "mutation { ...M } fragment M on Mutation { placeOrder }")).codes).toEqual(["RATE_LIMITED"]);
    await s.stop();
  });

  it("leaves callers without a key to authentication", async () => {
    const s = await server({ general: 1, placeOrder: 1 });
    for (let i = 0; i < 3; i++) expect((await exec(s, "{ me }", null)).codes).toEqual([]);
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
        limiter: createRateLimiter({ points: 1, durationSec: 60, keyPrefix: "mw" }),
        keyOf: (req) => req.get("authorization") ?? null,
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
