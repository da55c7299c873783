import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReplicas, type Replicas } from "../../helpers/replicas.js";
import { TEST_ADMIN_TOKEN } from "../../helpers/gateway.js";

const REDIS_URL = process.env.REDIS_URL ?? (process.env.CI ? "redis://127.0.0.1:6379" : undefined);
if (!REDIS_URL) console.warn("session-replicas: REDIS_URL is not set, skipping the cross-replica session test");

/** The documented bound: a revocation reaches every other replica within 10 s (their caches' life). */
const REVOCATION_BOUND_MS = 10_000;

type Body = { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] };

describe.skipIf(!REDIS_URL)("session tokens across two gateway replicas sharing one database and Redis", () => {
  let running: Replicas | undefined;
  const replicas: { url: string }[] = [];

  const gql = async (url: string, query: string, variables: Record<string, unknown>, bearer: string): Promise<Body> => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Body;
  };
  const mint = async (url: string, key: string) => {
    const body = await gql(url, `mutation { createSessionToken(subject: "customer-9", scopes: [CATALOGUE_READ]) { token } }`, {}, key);
    expect(body.errors).toBeUndefined();
    return (body.data!.createSessionToken as { token: string }).token;
  };
  const products = (url: string, token: string) => gql(url, `{ products { code } }`, {}, token);

  beforeAll(async () => {
    running = await startReplicas(2, REDIS_URL!, "fgw_sessions");
    replicas.push(...running.urls.map((url) => ({ url })));
  }, 90_000);
  afterAll(async () => {
    await running?.close();
  });

  it("verifies on one replica what the other minted, with either replica's keys", async () => {
    const [a, b] = replicas;
    const created = await gql(a!.url, `mutation { createTenant(input: { name: "shop", mode: TEST }) { apiKey } }`, {}, TEST_ADMIN_TOKEN);
    const key = (created.data!.createTenant as { apiKey: string }).apiKey;
    const fromA = await mint(a!.url, key);
    const fromB = await mint(b!.url, key);
    for (const url of [a!.url, b!.url]) for (const token of [fromA, fromB]) expect((await products(url, token)).errors).toBeUndefined();
  });

  it("revokes at once on the replica that received it, and within the bound on the other", async () => {
    const [a, b] = replicas;
    const created = await gql(a!.url, `mutation { createTenant(input: { name: "revoking", mode: TEST }) { apiKey } }`, {}, TEST_ADMIN_TOKEN);
    const key = (created.data!.createTenant as { apiKey: string }).apiKey;
    const token = await mint(a!.url, key);
    // B has the tenant cached as valid now.
    expect((await products(b!.url, token)).errors).toBeUndefined();

    expect((await gql(a!.url, `mutation { revokeSessionTokens }`, {}, key)).errors).toBeUndefined();
    const startedAt = Date.now();
    expect((await products(a!.url, token)).errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
    let refusedOnB: Body["errors"];
    while (Date.now() - startedAt < REVOCATION_BOUND_MS + 2_000) {
      refusedOnB = (await products(b!.url, token)).errors;
      if (refusedOnB !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refusedOnB?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_REVOKED" });
  }, 30_000);
});
