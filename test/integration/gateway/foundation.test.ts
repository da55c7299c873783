import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";

const VIEWER = "{ viewer { tenant { id name mode } } }";
const CREATE_TENANT = "mutation($input: CreateTenantInput!) { createTenant(input: $input) { apiKey tenant { id name mode } } }";

describe("gateway foundation", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "up" });
  });

  it("resolves viewer from a test key", async () => {
    const { id, apiKey } = await gw.tenant("TEST", "acme");
    expect(apiKey).toMatch(/^fgw_test_[A-Za-z0-9_-]{32}$/);
    const res = await gw.graphql(VIEWER, {}, apiKey);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ viewer: { tenant: { id, name: "acme", mode: "TEST" } } });
  });

  it.each([
    ["no key", null],
    ["a malformed key", "not-a-key"],
    ["an unknown well-formed key", `fgw_test_${"a".repeat(32)}`],
  ])("answers UNAUTHENTICATED for %s", async (_label, key) => {
    const res = await gw.graphql(VIEWER, {}, key);
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("creates tenants with the admin token and returns a key that works", async () => {
    const res = await gw.graphql<{ createTenant: { apiKey: string; tenant: { id: string; name: string; mode: string } } }>(
      CREATE_TENANT,
      { input: { name: "Reseller S.r.l.", mode: "LIVE" } },
      TEST_ADMIN_TOKEN,
    );
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data!.createTenant;
    expect(created.apiKey).toMatch(/^fgw_live_/);
    expect(created.tenant).toMatchObject({ name: "Reseller S.r.l.", mode: "LIVE" });
    const viewer = await gw.graphql(VIEWER, {}, created.apiKey);
    expect(viewer.body.data).toEqual({ viewer: { tenant: created.tenant } });
  });

  it("stores API keys only as hashes", async () => {
    const { apiKey } = await gw.tenant();
    const keys = await gw.db.connection.db!.collection("apikeys").find({}).toArray();
    expect(JSON.stringify(keys)).not.toContain(apiKey);
    expect(keys.every((k) => typeof k.hash === "string" && k.hash.length === 64)).toBe(true);
  });

  it("refuses createTenant to a tenant key (FORBIDDEN) and to no key (UNAUTHENTICATED)", async () => {
    const { apiKey } = await gw.tenant();
    const input = { input: { name: "x", mode: "TEST" } };
    const asTenant = await gw.graphql(CREATE_TENANT, input, apiKey);
    expect(asTenant.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await gw.graphql(CREATE_TENANT, input, null);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("rejects a blank tenant name with BAD_USER_INPUT naming the field, and stores nothing", async () => {
    const before = await gw.db.connection.db!.collection("tenants").countDocuments();
    const res = await gw.graphql(CREATE_TENANT, { input: { name: "   ", mode: "TEST" } }, TEST_ADMIN_TOKEN);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "input.name" }] });
    expect(await gw.db.connection.db!.collection("tenants").countDocuments()).toBe(before);
  });

  it("serves GET queries, and keeps CSRF prevention on for simple requests", async () => {
    const { apiKey } = await gw.tenant();
    const q = encodeURIComponent(VIEWER);
    const blocked = await fetch(`${gw.url}/graphql?query=${q}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(blocked.status).toBe(400);
    const allowed = await fetch(`${gw.url}/graphql?query=${q}`, {
      headers: { authorization: `Bearer ${apiKey}`, "apollo-require-preflight": "true" },
    });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { data: unknown }).data).toMatchObject({ viewer: { tenant: { mode: "TEST" } } });
  });
});

describe("gateway without ADMIN_TOKEN", () => {
  it("answers FORBIDDEN to createTenant: admin operations are off", async () => {
    const gw = await startTestGateway({ ADMIN_TOKEN: "" });
    try {
      const res = await gw.graphql(CREATE_TENANT, { input: { name: "x", mode: "TEST" } }, TEST_ADMIN_TOKEN);
      expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    } finally {
      await gw.close();
    }
  });
});

describe("gateway HTTP extras", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it("serves GraphiQL to a browser from local assets, never a CDN", async () => {
    const page = await fetch(`${gw.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("GraphiQL");
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const src of sources) {
      expect(src.startsWith("/graphiql/assets/")).toBe(true);
      expect((await fetch(`${gw.url}${src}`)).status).toBe(200);
    }
  });

  it("exposes Prometheus metrics with counts and latencies per operation", async () => {
    const { apiKey } = await gw.tenant();
    await gw.graphql("query WhoAmI { viewer { tenant { id } } }", {}, apiKey);
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/graphql_requests_total\{operation="WhoAmI",type="query",outcome="ok"\} 1/);
    expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="WhoAmI",type="query",outcome="ok"\} 1/);
  });
});
