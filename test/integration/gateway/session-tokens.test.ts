import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { PLACE_ORDER, applicantInput } from "../../helpers/orders.js";
import { collect, wsClient } from "../../e2e/feeds/feed-client.js";
import { SessionTokenService } from "../../../src/services/session-tokens.service.js";
import { loadEncryptionKeys } from "../../../src/security/index.js";
import { SignatureRequestModel, TenantModel } from "../../../src/models/index.js";

type GqlError = { message: string; extensions?: Record<string, unknown> };
type GqlBody = { data?: Record<string, unknown> | null; errors?: GqlError[] };

const ALL_SCOPES = ["CATALOGUE_READ", "REQUESTS_READ", "ORDERS_WRITE", "FEED_READ"];
const MINT = `mutation($subject: String!, $scopes: [SessionScope!]!, $ttl: Int) {
  createSessionToken(subject: $subject, scopes: $scopes, ttlSeconds: $ttl) { token subject scopes expiresAt } }`;

let gw: TestGateway;
let tenant: { id: string; apiKey: string };

async function post(query: string, variables: Record<string, unknown> = {}, bearer: string | null = null, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { "content-type": "application/json", ...headers };
  if (bearer) h.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${gw.url}/graphql`, { method: "POST", headers: h, body: JSON.stringify({ query, variables }) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GqlBody };
}

async function mint(subject: string, scopes = ALL_SCOPES, ttl: number | null = null, key = tenant.apiKey): Promise<string> {
  const res = await post(MINT, { subject, scopes, ttl }, key);
  expect(res.body.errors).toBeUndefined();
  return (res.body.data!.createSessionToken as { token: string }).token;
}

async function order(token: string, key: string): Promise<string> {
  const res = await post(PLACE_ORDER, { input: { productCode: "KIT", signature: { shipping: "EXPRESS", applicant: applicantInput() } }, key }, token);
  expect(res.body.errors).toBeUndefined();
  return (res.body.data!.placeOrder as { id: string }).id;
}

const codeOf = (body: GqlBody) => body.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  gw = await startTestGateway();
  tenant = await gw.tenant("TEST", "shop");
});
afterAll(async () => {
  await gw?.close();
});

describe("createSessionToken", () => {
  it("mints a token that the gateway accepts as the subject, with its scopes", async () => {
    const token = await mint("customer-1", ["CATALOGUE_READ"], 600);
    const res = await post(`{ viewer { tenant { id } session { subject scopes expiresAt } allowedOrigins } products { code } }`, {}, token);
    expect(res.body.errors).toBeUndefined();
    const viewer = res.body.data!.viewer as { tenant: { id: string }; session: { subject: string; scopes: string[] }; allowedOrigins: null };
    expect(viewer.tenant.id).toBe(tenant.id);
    expect(viewer.session).toMatchObject({ subject: "customer-1", scopes: ["CATALOGUE_READ"] });
    expect(viewer.allowedOrigins).toBeNull();
    expect((res.body.data!.products as unknown[]).length).toBeGreaterThan(0);
  });

  it("defaults to 15 minutes", async () => {
    const res = await post(MINT, { subject: "customer-ttl", scopes: ["CATALOGUE_READ"] }, tenant.apiKey);
    const expiresAt = new Date((res.body.data!.createSessionToken as { expiresAt: string }).expiresAt).getTime();
    expect(expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  });

  it.each([
    ["an unknown scope", { subject: "c", scopes: ["EVERYTHING"] }, "scopes"],
    ["no scope", { subject: "c", scopes: [] }, "scopes"],
    ["a TTL of 0", { subject: "c", scopes: ["CATALOGUE_READ"], ttl: 0 }, "ttlSeconds"],
    ["a TTL over 24 hours", { subject: "c", scopes: ["CATALOGUE_READ"], ttl: 86_401 }, "ttlSeconds"],
    ["a 10 KB subject", { subject: "x".repeat(10_240), scopes: ["CATALOGUE_READ"] }, "subject"],
    ["an empty subject", { subject: "", scopes: ["CATALOGUE_READ"] }, "subject"],
    ["a subject with control characters", { subject: "a\u0000b", scopes: ["CATALOGUE_READ"] }, "subject"],
  ])("refuses %s with BAD_USER_INPUT", async (_name, variables, field) => {
    const before = await TenantModel.findById(tenant.id).lean();
    const res = await post(MINT, variables, tenant.apiKey);
    expect(codeOf(res.body)).toBe("BAD_USER_INPUT");
    if (field !== "scopes" || (variables.scopes as string[]).length === 0) {
      expect((res.body.errors![0]!.extensions!.fields as { path: string }[]).map((f) => f.path.split(".")[0])).toContain(field);
    }
    expect(await TenantModel.findById(tenant.id).lean()).toEqual(before);
  });

  it("is refused to session tokens and to anonymous callers", async () => {
    const token = await mint("customer-2");
    const bySession = await post(MINT, { subject: "other", scopes: ALL_SCOPES }, token);
    expect(codeOf(bySession.body)).toBe("FORBIDDEN");
    expect(bySession.body.errors![0]!.extensions!.reason).toBe("SECRET_KEY_REQUIRED");
    expect(codeOf((await post(MINT, { subject: "x", scopes: ALL_SCOPES })).body)).toBe("UNAUTHENTICATED");
  });
});

describe("session token scopes", () => {
  it("answers FORBIDDEN naming the missing scope", async () => {
    const token = await mint("customer-scope", ["CATALOGUE_READ"]);
    const res = await post(`{ signatureRequests(first: 5) { edges { node { id } } } }`, {}, token);
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe("FORBIDDEN");
    expect(res.body.errors![0]!.extensions).toMatchObject({ reason: "MISSING_SCOPE", missingScope: "REQUESTS_READ" });
  });

  it.each([
    ["webhooks", `{ webhookEndpoints { id } }`],
    ["webhook creation", `mutation { createWebhookEndpoint(url: "https://example.com/hook") { secret } }`],
    ["sandbox controls", `mutation { advanceSandboxClock(seconds: 60) { now } }`],
    ["tenant administration", `mutation { setAllowedOrigins(origins: []) }`],
    ["revocation", `mutation { revokeSessionTokens }`],
  ])("never reach %s, whatever the scopes", async (_name, query) => {
    const token = await mint("customer-admin");
    const res = await post(query, {}, token);
    expect(codeOf(res.body)).toBe("FORBIDDEN");
    expect(res.body.errors![0]!.extensions!.reason).toBe("SECRET_KEY_REQUIRED");
  });

  it("cannot use the sandbox REST surface", async () => {
    const token = await mint("customer-rest");
    const res = await fetch(`${gw.url}/sandbox/prodotti`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });
});

describe("session token subjects", () => {
  let alice: string;
  let bob: string;
  let aliceOrder: string;

  beforeAll(async () => {
    alice = await mint("alice");
    bob = await mint("bob");
    aliceOrder = await order(alice, "alice-order-0001");
  });

  it("stamps the order with the subject", async () => {
    const stored = await SignatureRequestModel.findById(aliceOrder).lean();
    expect(stored!.subject).toBe("alice");
  });

  it.each([
    ["signatureRequest", `query($id: ID!) { signatureRequest(id: $id) { id } }`],
    ["refreshSignatureRequest", `mutation($id: ID!) { refreshSignatureRequest(id: $id) { id } }`],
    ["registrationFormUrl", `mutation($id: ID!) { registrationFormUrl(requestId: $id) { url } }`],
    ["requestVideoRecognition", `mutation($id: ID!) { requestVideoRecognition(requestId: $id) { id } }`],
    [
      "uploadIdentificationDocuments",
      `mutation($id: ID!) { uploadIdentificationDocuments(requestId: $id, idDocument: { fileName: "a.pdf", contentBase64: "JVBERi0=" }) { id } }`,
    ],
  ])("answers NOT_FOUND for another subject's request on %s", async (_name, query) => {
    const res = await post(query, { id: aliceOrder }, bob);
    expect(codeOf(res.body)).toBe("NOT_FOUND");
  });

  it("lists only the subject's own requests, while the secret key sees all", async () => {
    const bobOrder = await order(bob, "bob-order-0001");
    const list = `{ signatureRequests(first: 50) { edges { node { id } } } }`;
    const ids = (body: GqlBody) => (body.data!.signatureRequests as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
    expect(ids((await post(list, {}, bob)).body)).toEqual([bobOrder]);
    expect(ids((await post(list, {}, alice)).body)).toEqual([aliceOrder]);
    expect(ids((await post(list, {}, tenant.apiKey)).body)).toEqual(expect.arrayContaining([aliceOrder, bobOrder]));
  });

  it("keeps idempotency keys apart per subject", async () => {
    const a = await order(alice, "shared-key-0001");
    const b = await order(bob, "shared-key-0001");
    expect(a).not.toBe(b);
    expect(await order(alice, "shared-key-0001")).toBe(a);
  });

  it("answers NOT_FOUND for another subject's request as a video upgrade target", async () => {
    const res = await post(PLACE_ORDER, { input: { productCode: "VIDEORIC", videoUpgrade: { requestId: aliceOrder } }, key: "bob-upgrade-0001" }, bob);
    expect(codeOf(res.body)).toBe("NOT_FOUND");
  });

  it("refuses a subscription without FEED_READ over graphql-ws, naming the scope", async () => {
    const readOnly = await mint("bob", ["REQUESTS_READ"]);
    const client = wsClient(gw.url, { authorization: `Bearer ${readOnly}` });
    try {
      const sub = collect(client, `subscription { statusEvents { sequence } }`, {}, (d) => d);
      const errors = await sub.failed(10_000);
      expect(errors[0]!.extensions).toMatchObject({ code: "FORBIDDEN", missingScope: "FEED_READ" });
      expect(errors[0]!.extensions!.http).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it("refuses another subject's request on signatureRequestUpdated", async () => {
    const client = wsClient(gw.url, { authorization: `Bearer ${bob}` });
    try {
      const sub = collect(client, `subscription($id: ID!) { signatureRequestUpdated(id: $id) { id } }`, { id: aliceOrder }, (d) => d);
      const errors = await sub.failed(10_000);
      expect(errors[0]!.extensions!.code).toBe("NOT_FOUND");
    } finally {
      await client.dispose();
    }
  });

  it("replays only the subject's own events on statusEvents", async () => {
    // Orders so far have moved to IN_REGISTRAZIONE: one event each, alice's and bob's.
    const client = wsClient(gw.url, { authorization: `Bearer ${bob}` });
    const keyClient = wsClient(gw.url, { authorization: `Bearer ${tenant.apiKey}` });
    try {
      const query = `subscription($after: String) { statusEvents(after: $after) { requestId to } }`;
      const all = collect(keyClient, query, { after: Buffer.from("seq:0").toString("base64url") }, (d) => d.statusEvents as { requestId: string });
      const everyone = await all.waitFor(4, 10_000);
      const bobs = await SignatureRequestModel.find({ tenantId: tenant.id, subject: "bob" }, { _id: 1 }).lean();
      const bobIds = new Set(bobs.map((r) => r._id.toHexString()));
      const expected = everyone.filter((e) => bobIds.has(e.requestId));
      expect(expected.length).toBeGreaterThan(0);
      const own = collect(client, query, { after: Buffer.from("seq:0").toString("base64url") }, (d) => d.statusEvents as { requestId: string });
      const seen = await own.waitFor(expected.length, 10_000);
      expect(seen.every((e) => bobIds.has(e.requestId))).toBe(true);
      all.stop();
      own.stop();
    } finally {
      await client.dispose();
      await keyClient.dispose();
    }
  });
});

describe("session token validity", () => {
  it("answers UNAUTHENTICATED with reason TOKEN_EXPIRED for an expired token", async () => {
    const cipher = await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });
    const past = new SessionTokenService({ cipher, logger: pino({ level: "silent" }), now: () => Date.now() - 2 * 3600_000 });
    await past.rotate(); // its own key: the gateway's are encrypted under another cipher
    const { token } = await past.mint({ id: tenant.id, name: "shop", mode: "TEST" }, { subject: "late", scopes: ["CATALOGUE_READ"], ttlSeconds: 60 });
    const res = await post(`{ products { code } }`, {}, token);
    // The gateway now knows that key too (replicas share one cipher; this test's does not): sign with a new one of its own.
    await gw.server.sessions.rotate();
    expect(codeOf(res.body)).toBe("UNAUTHENTICATED");
    expect(res.body.errors![0]!.extensions!.reason).toBe("TOKEN_EXPIRED");
  });

  it("answers UNAUTHENTICATED for a tampered token", async () => {
    const token = await mint("tamper", ["CATALOGUE_READ"]);
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "someone-else", scp: ALL_SCOPES })).toString("base64url")}.${s}`;
    const res = await post(`{ products { code } }`, {}, forged);
    expect(codeOf(res.body)).toBe("UNAUTHENTICATED");
    expect(res.body.errors![0]!.extensions!.reason).toBe("TOKEN_INVALID");
  });

  it("answers UNAUTHENTICATED for a token signed by an unknown key", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const token = await new SignJWT({ tid: tenant.id, scp: ALL_SCOPES, ver: 0 })
      .setProtectedHeader({ alg: "EdDSA", kid: "kzzzzzz0123abcd" })
      .setIssuer("firma-gateway")
      .setAudience("firma-gateway/graphql")
      .setSubject("mallory")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(privateKey);
    const res = await post(`{ products { code } }`, {}, token);
    expect(codeOf(res.body)).toBe("UNAUTHENTICATED");
  });

  it("keeps tokens of a rotated key valid, and signs new ones with the new key id", async () => {
    const before = await mint("rotation", ["CATALOGUE_READ"]);
    const kid = await gw.server.sessions.rotate();
    const after = await mint("rotation", ["CATALOGUE_READ"]);
    const kidOf = (t: string) => (JSON.parse(Buffer.from(t.split(".")[0]!, "base64url").toString()) as { kid: string }).kid;
    expect(kidOf(after)).toBe(kid);
    expect(kidOf(before)).not.toBe(kid);
    for (const token of [before, after]) expect((await post(`{ products { code } }`, {}, token)).body.errors).toBeUndefined();
  });

  it("revokes every token issued so far, at once on this replica, while new ones work", async () => {
    const other = await gw.tenant("TEST", "other");
    const old = await mint("revoked", ["CATALOGUE_READ"], null, other.apiKey);
    const res = await post(`mutation { revokeSessionTokens }`, {}, other.apiKey);
    expect(res.body.data!.revokeSessionTokens).toBe(1);
    const refused = await post(`{ products { code } }`, {}, old);
    expect(codeOf(refused.body)).toBe("UNAUTHENTICATED");
    expect(refused.body.errors![0]!.extensions!.reason).toBe("TOKEN_REVOKED");
    const fresh = await mint("revoked", ["CATALOGUE_READ"], null, other.apiKey);
    expect((await post(`{ products { code } }`, {}, fresh)).body.errors).toBeUndefined();
  });
});

describe("allowed origins and CORS", () => {
  const ORIGIN = "http://localhost:3000";
  let shop: { id: string; apiKey: string };

  beforeAll(async () => {
    shop = await gw.tenant("TEST", "cors-shop");
    const res = await post(`mutation($o: [String!]!) { setAllowedOrigins(origins: $o) }`, { o: [ORIGIN] }, shop.apiKey);
    expect(res.body.data!.setAllowedOrigins).toEqual([ORIGIN]);
  });

  it.each(["localhost:3000", "http://localhost:3000/", "https://shop.example/path", "ftp://shop.example", "*", "null"])(
    "refuses %j as an origin with BAD_USER_INPUT, changing nothing",
    async (origin) => {
      const res = await post(`mutation($o: [String!]!) { setAllowedOrigins(origins: $o) }`, { o: [origin] }, shop.apiKey);
      expect(codeOf(res.body)).toBe("BAD_USER_INPUT");
      expect((res.body.errors![0]!.extensions!.fields as { path: string }[])[0]!.path).toBe("origins.0");
      const viewer = await post(`{ viewer { allowedOrigins } }`, {}, shop.apiKey);
      expect((viewer.body.data!.viewer as { allowedOrigins: string[] }).allowedOrigins).toEqual([ORIGIN]);
    },
  );

  it("answers the preflight of a listed origin with CORS headers, Max-Age and Vary", async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives a non-listed origin no CORS headers", async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const token = await mint("cors-user", ["CATALOGUE_READ"], null, shop.apiKey);
    const post2 = await post(`{ products { code } }`, {}, token, { origin: "http://evil.example" });
    expect(post2.headers.get("access-control-allow-origin")).toBeNull();
    expect(codeOf(post2.body)).toBe("FORBIDDEN");
    expect(post2.body.errors![0]!.extensions!.reason).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("serves a session token from a listed origin", async () => {
    const token = await mint("cors-user", ["CATALOGUE_READ"], null, shop.apiKey);
    const res = await post(`{ products { code } }`, {}, token, { origin: ORIGIN });
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.body.errors).toBeUndefined();
  });

  it("refuses a session token from an origin only another tenant lists", async () => {
    const token = await mint("cross-tenant", ["CATALOGUE_READ"]);
    const res = await post(`{ products { code } }`, {}, token, { origin: ORIGIN });
    expect(codeOf(res.body)).toBe("FORBIDDEN");
    expect(res.body.errors![0]!.extensions!.reason).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("refuses a secret API key sent from another origin, pointing to session tokens", async () => {
    const res = await post(`{ products { code } }`, {}, shop.apiKey, { origin: ORIGIN });
    expect(codeOf(res.body)).toBe("FORBIDDEN");
    expect(res.body.errors![0]!.extensions!.reason).toBe("SECRET_KEY_CROSS_ORIGIN");
    expect(res.body.errors![0]!.message).toMatch(/session token/);
  });

  it("keeps same-origin pages working with a pasted secret key", async () => {
    const res = await post(`{ products { code } }`, {}, shop.apiKey, { origin: gw.url });
    expect(res.body.errors).toBeUndefined();
  });

  it("closes the WebSocket of a non-listed origin with 4403, and serves a listed one", async () => {
    const token = await mint("ws-user", ALL_SCOPES, null, shop.apiKey);
    const { default: WebSocket } = await import("ws");
    const { createClient } = await import("graphql-ws");
    const closeCode = (origin: string) =>
      new Promise<number>((resolve) => {
        const client = createClient({
          url: `${gw.url.replace(/^http/, "ws")}/graphql`,
          webSocketImpl: class extends WebSocket {
            constructor(url: string, protocols: string[]) {
              super(url, protocols, { origin });
            }
          },
          connectionParams: { authorization: `Bearer ${token}` },
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: () => {},
          on: {
            connected: () => {
              resolve(0);
              void client.dispose();
            },
            closed: (event) => resolve((event as { code: number }).code),
          },
        });
      });
    expect(await closeCode("http://evil.example")).toBe(4403);
    expect(await closeCode(ORIGIN)).toBe(0);
  });
});
