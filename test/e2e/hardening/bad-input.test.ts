import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "mongodb";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";
import { APPLICANT_TAX_CODE, p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { omocode, sandboxPut, sandboxRequests, snapshotDb, taxCodeCheckChar } from "../../helpers/hardening.js";
import { collect, REQUEST_UPDATED, STATUS_EVENTS, wsClient } from "../feeds/feed-client.js";
import { MAX_FILE_BYTES } from "../../../src/services/order-input.validator.js";
import { revokeApiKey } from "../../../src/services/tenants.service.js";

/** What came back: the HTTP status and the first error's code (GraphQL `extensions.code`). */
interface Answer {
  status: number;
  code: string | undefined;
}

interface Case {
  name: string;
  /** Expected code; `status` too when the answer is not a GraphQL result. */
  expect: { code: string; status?: number };
  run(): Promise<Answer>;
}

// Read traffic may refresh the product cache; the cache is warmed before the cases run, and left out.
const READ_TOUCHED = ["products"];

const SIGNATURE_QUERY = "query($id: ID!) { signatureRequest(id: $id) { id status } }";
const UPLOAD =
  "mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { id status } }";
const OPERATORS = [{ $ne: "" }, { $gt: "" }, { $regex: ".*" }, { $where: "return true" }, { $exists: true }, { $in: ["x"] }];

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    code = body.errors?.[0]?.extensions?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

/** A non-GraphQL answer: the HTTP status and the body's code (callbacks' `outcome`, the sandbox envelope's `error`). */
async function restAnswer(res: Response): Promise<Answer> {
  const body = (await res.json().catch(() => ({}))) as { outcome?: string; error?: number | null; errors?: Array<{ extensions?: { code?: string } }> };
  const code = body.errors?.[0]?.extensions?.code ?? body.outcome ?? (typeof body.error === "number" ? String(body.error) : undefined);
  return { status: res.status, code };
}

/** Every string leaf of `value`, as a path and a setter producing a copy with that leaf replaced. */
function stringLeaves(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string") out.push([...prefix, k]);
    else if (v !== null && typeof v === "object") out.push(...stringLeaves(v as Record<string, unknown>, [...prefix, k]));
  }
  return out;
}

function replaced(value: Record<string, unknown>, path: string[], leaf: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path.at(-1)!] = leaf;
  return copy;
}

async function gqlOn(gw: TestGateway, query: string, variables: Record<string, unknown> = {}, bearer: string | null = null): Promise<Answer> {
  const res = await gw.graphql(query, variables, bearer);
  return { status: res.status, code: res.body.errors?.[0]?.extensions?.code as string | undefined };
}

/** One test per case: the expected code (and HTTP status), and every collection as it was. */
function runCases(cases: Case[], gateway: () => TestGateway): void {
  for (const c of cases) {
    it(`answers ${c.expect.status === undefined ? "" : `${c.expect.status} `}${c.expect.code} to ${c.name}, changing nothing`, async () => {
      const db: Db = gateway().db.connection.db!;
      const before = await snapshotDb(db, READ_TOUCHED);
      const answer = await c.run();
      expect(c.expect.status === undefined ? { code: answer.code } : answer).toEqual(c.expect);
      expect(await snapshotDb(db, READ_TOUCHED)).toEqual(before);
    });
  }
}

// One gateway per test process at a time (mongoose's default connection): the describes run in turn.
describe("bad input at the GraphQL edge (each refused with its code, the database unchanged)", () => {
  let gw: TestGateway;
  let key: string;
  let otherKey: string;
  let revokedKey: string;
  let liveKey: string;
  let foreignRequestId: string;
  let foreignWebhookId: string;
  let ownRequestId: string;
  const usedIdempotencyKey = `used-${randomUUID()}`;

  const post = async (body: string, headers: Record<string, string>): Promise<Answer> =>
    answerOf(await fetch(`${gw.url}/graphql`, { method: "POST", headers: { authorization: `Bearer ${key}`, ...headers }, body }));
  const gql = (query: string, variables: Record<string, unknown> = {}, bearer: string | null = key) => gqlOn(gw, query, variables, bearer);
  const order = (input: Record<string, unknown>, idem = `k-${randomUUID()}`, bearer: string | null = key) => gql(PLACE_ORDER, { input, key: idem }, bearer);
  const signature = (applicant: Record<string, unknown>) => order({ productCode: "KIT", signature: { applicant } });
  const subscribeError = async (query: string, variables: Record<string, unknown>): Promise<Answer> => {
    const client = wsClient(gw.url, { authorization: `Bearer ${key}` });
    try {
      const errors = await collect(client, query, variables, (d) => d).failed(10_000);
      return { status: 200, code: errors[0]?.extensions?.code as string | undefined };
    } finally {
      await client.dispose();
    }
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    key = (await gw.tenant("TEST", "caller")).apiKey;
    const other = await gw.tenant("TEST", "someone else");
    otherKey = other.apiKey;
    revokedKey = (await gw.tenant("TEST", "revoked")).apiKey;
    liveKey = (await gw.tenant("LIVE", "live without token")).apiKey;
    for (const k of [key, otherKey]) expect(await sandboxPut(gw.url, k, "_wallet", { balance: 1_000_000 })).toBe(200);

    const foreign = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: `f-${randomUUID()}` }, otherKey);
    foreignRequestId = foreign.body.data!.placeOrder.id;
    const hook = await gw.graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      'mutation { createWebhookEndpoint(url: "http://127.0.0.1:9/hook", description: "other") { endpoint { id } } }',
      {},
      otherKey,
    );
    expect(hook.body.errors).toBeUndefined();
    foreignWebhookId = hook.body.data!.createWebhookEndpoint.endpoint.id;
    const own = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: usedIdempotencyKey }, key);
    ownRequestId = own.body.data!.placeOrder.id;

    expect(await revokeApiKey(revokedKey)).toBe(true);
    // Warm every read path that fills a cache, so the cases below see a settled database.
    for (const k of [key, otherKey]) await gw.graphql("{ products { code } }", {}, k);
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
  });

  const bigPdf = () => Buffer.alloc(MAX_FILE_BYTES + 1, 0x25).toString("base64");

  const cases: Case[] = [
    // HTTP and transport
    { name: "malformed JSON body", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post('{"query": "{ viewer { tenant { id } } }"', { "content-type": "application/json" }) },
    { name: "text/plain POST (CSRF prevention)", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post('{"query":"{ viewer { tenant { id } } }"}', { "content-type": "text/plain" }) },
    {
      name: "a 10 MiB body",
      expect: { status: 413, code: "PAYLOAD_TOO_LARGE" },
      run: () => post(JSON.stringify({ query: "{ viewer { tenant { id } } }", variables: { pad: "x".repeat(10 * 1024 * 1024) } }), { "content-type": "application/json" }),
    },
    { name: "a body with no query", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post("{}", { "content-type": "application/json" }) },
    { name: "a query that is not a string", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post('{"query": 5}', { "content-type": "application/json" }) },
    { name: "variables that are not an object", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post('{"query": "{ viewer { tenant { id } } }", "variables": "x"}', { "content-type": "application/json" }) },
    { name: "a batch (array body)", expect: { status: 400, code: "BAD_REQUEST" }, run: () => post('[{"query": "{ viewer { tenant { id } } }"}]', { "content-type": "application/json" }) },
    { name: "a GraphQL syntax error", expect: { status: 400, code: "GRAPHQL_PARSE_FAILED" }, run: () => gql("{ viewer { tenant { id } ") },
    { name: "an unknown field", expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" }, run: () => gql("{ viewer { password } }") },
    {
      name: "a mutation over GET",
      expect: { status: 405, code: "BAD_REQUEST" },
      run: async () =>
        answerOf(
          await fetch(`${gw.url}/graphql?query=${encodeURIComponent('mutation { advanceSandboxClock(seconds: 60) { now } }')}`, {
            headers: { authorization: `Bearer ${key}`, "apollo-require-preflight": "true" },
          }),
        ),
    },
    // Upstream callbacks and the sandbox's REST paths (HTTP status + code)
    {
      name: "a callback with a wrong secret",
      expect: { status: 404, code: "unknown_request" },
      run: async () => restAnswer(await fetch(`${gw.url}/callbacks/firmadigitale/${ownRequestId}/not-the-secret`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: { id: "x", stato: "evasa", codice_prodotto: "KIT" } }) })),
    },
    {
      name: "a callback for a request id that is not an id",
      expect: { status: 404, code: "unknown_request" },
      run: async () => restAnswer(await fetch(`${gw.url}/callbacks/firmadigitale/%24ne/secret`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })),
    },
    {
      name: "a callback with malformed JSON",
      expect: { status: 400, code: "BAD_REQUEST" },
      run: async () => restAnswer(await fetch(`${gw.url}/callbacks/firmadigitale/${ownRequestId}/secret`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"data":' })),
    },
    {
      name: "a 2 MB callback",
      expect: { status: 413, code: "PAYLOAD_TOO_LARGE" },
      run: async () => restAnswer(await fetch(`${gw.url}/callbacks/firmadigitale/${ownRequestId}/secret`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: "x".repeat(2 * 1024 * 1024) }) })),
    },
    {
      name: "a sandbox order of an unknown product",
      expect: { status: 400, code: "201" },
      run: async () => restAnswer(await fetch(`${gw.url}/sandbox/richiesta/NOPE`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ assistenza: true }) })),
    },
    {
      name: "a sandbox order with malformed JSON",
      expect: { status: 400, code: "400" },
      run: async () => restAnswer(await fetch(`${gw.url}/sandbox/richiesta/RINFIR`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: '{"assistenza":' })),
    },
    {
      name: "a sandbox call without a key",
      expect: { status: 401, code: "401" },
      run: async () => restAnswer(await fetch(`${gw.url}/sandbox/richiesta/RINFIR`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ assistenza: true }) })),
    },
    {
      name: "a sandbox call with a revoked key",
      expect: { status: 401, code: "401" },
      run: async () => restAnswer(await fetch(`${gw.url}/sandbox/richiesta/RINFIR`, { method: "POST", headers: { authorization: `Bearer ${revokedKey}`, "content-type": "application/json" }, body: JSON.stringify({ assistenza: true }) })),
    },
    {
      name: "a sandbox call with a live key",
      expect: { status: 403, code: "403" },
      run: async () => restAnswer(await fetch(`${gw.url}/sandbox/richiesta`, { headers: { authorization: `Bearer ${liveKey}` } })),
    },
    {
      name: "another tenant's request id on the sandbox",
      expect: { status: 404, code: "212" },
      run: async () => {
        const foreignUpstream = (await sandboxRequests(gw.url, otherKey))[0]!.id;
        return restAnswer(await fetch(`${gw.url}/sandbox/richiesta/${foreignUpstream}`, { headers: { authorization: `Bearer ${key}` } }));
      },
    },
    // Query shape limits
    // The schema has no cycle, so a depth-50 selection is never valid: graphql's validation refuses it
    // before the depth rule (QUERY_TOO_DEEP) runs. See the report: an `ofType` chain is the only way.
    { name: "depth 50 (fields nested through the connection)", expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" }, run: () => gql(`{ ${"signatureRequests { edges { node { ".repeat(17)}id${" } } }".repeat(17)} }`) },
    { name: "depth 50 in introspection (fields of fields)", expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" }, run: () => gql(`{ __type(name: "Query") { ${"fields { type { ".repeat(24)}name${" } }".repeat(24)} } }`) },
    { name: "1,000 aliases", expect: { status: 400, code: "TOO_MANY_ALIASES" }, run: () => gql(`{ viewer { ${Array.from({ length: 1000 }, (_, i) => `a${i}: tenant { id }`).join(" ")} } }`) },
    {
      name: "a fragment cycle",
      expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
      run: () => gql("query { viewer { ...A } } fragment A on Viewer { tenant { id } ...B } fragment B on Viewer { ...A }"),
    },
    { name: "too many root fields", expect: { status: 400, code: "TOO_MANY_ROOT_FIELDS" }, run: () => gql(`{ ${Array.from({ length: 11 }, (_, i) => `v${i}: viewer { tenant { id } }`).join(" ")} }`) },
    // Authentication
    { name: "no API key", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => gql("{ viewer { tenant { id } } }", {}, null) },
    { name: "a malformed API key", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => gql("{ viewer { tenant { id } } }", {}, "not-a-key") },
    { name: "an unknown, well-formed API key", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => gql("{ viewer { tenant { id } } }", {}, `fgw_test_${"A".repeat(32)}`) },
    { name: "a revoked API key (query)", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => gql("{ viewer { tenant { id } } }", {}, revokedKey) },
    { name: "a revoked API key (placeOrder)", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => order({ productCode: "RINFIR", renewal: {} }, `r-${randomUUID()}`, revokedKey) },
    { name: "a tenant key on createTenant", expect: { status: 200, code: "FORBIDDEN" }, run: () => gql('mutation { createTenant(input: {name: "x", mode: TEST}) { apiKey } }') },
    { name: "no key on createTenant", expect: { status: 200, code: "UNAUTHENTICATED" }, run: () => gql('mutation { createTenant(input: {name: "x", mode: TEST}) { apiKey } }', {}, null) },
    { name: "an empty tenant name", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql('mutation { createTenant(input: {name: "  ", mode: TEST}) { apiKey } }', {}, TEST_ADMIN_TOKEN) },
    { name: "a live key on advanceSandboxClock", expect: { status: 200, code: "FORBIDDEN" }, run: () => gql("mutation { advanceSandboxClock(seconds: 60) { now } }", {}, liveKey) },
    { name: "a live key without an Openapi token on placeOrder", expect: { status: 200, code: "FORBIDDEN" }, run: () => order({ productCode: "RINFIR", renewal: {} }, `l-${randomUUID()}`, liveKey) },
    // Foreign tenants' ids (and ids that are not ids): NOT_FOUND everywhere
    { name: "another tenant's id in signatureRequest", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql(SIGNATURE_QUERY, { id: foreignRequestId }) },
    { name: "a malformed id in signatureRequest", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql(SIGNATURE_QUERY, { id: "not-an-id" }) },
    { name: "another tenant's id in refreshSignatureRequest", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql("mutation($id: ID!) { refreshSignatureRequest(id: $id) { id } }", { id: foreignRequestId }) },
    { name: "another tenant's id in registrationFormUrl", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql("mutation($id: ID!) { registrationFormUrl(requestId: $id) { url } }", { id: foreignRequestId }) },
    { name: "another tenant's id in requestVideoRecognition", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql("mutation($id: ID!) { requestVideoRecognition(requestId: $id) { id } }", { id: foreignRequestId }) },
    {
      name: "another tenant's id in uploadIdentificationDocuments",
      expect: { status: 200, code: "NOT_FOUND" },
      run: () => gql(UPLOAD, { id: foreignRequestId, doc: { fileName: "doc.png", contentBase64: pngBuffer().toString("base64") } }),
    },
    { name: "another tenant's id as videoUpgrade.requestId", expect: { status: 200, code: "NOT_FOUND" }, run: () => order({ productCode: "VIDEORIC", videoUpgrade: { requestId: foreignRequestId } }) },
    { name: "another tenant's webhook endpoint in webhookDeliveries", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql("query($id: ID!) { webhookDeliveries(endpointId: $id) { id } }", { id: foreignWebhookId }) },
    { name: "another tenant's webhook endpoint in deleteWebhookEndpoint", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", { id: foreignWebhookId }) },
    { name: "another tenant's id in the signatureRequestUpdated subscription", expect: { status: 200, code: "NOT_FOUND" }, run: () => subscribeError(REQUEST_UPDATED, { id: foreignRequestId }) },
    { name: "an unknown product code in product", expect: { status: 200, code: "NOT_FOUND" }, run: () => gql('{ product(code: "NOPE") { code } }') },
    // Idempotency keys
    { name: "a 3-character idempotency key", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {} }, "abc") },
    { name: "an idempotency key with spaces", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {} }, "key with spaces") },
    { name: "a 129-character idempotency key", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {} }, "k".repeat(129)) },
    { name: "an idempotency key with $ and braces", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {} }, '{"$ne":""}') },
    { name: "a used idempotency key with another input", expect: { status: 200, code: "IDEMPOTENCY_CONFLICT" }, run: () => order({ productCode: "RINFIR", renewal: {} }, usedIdempotencyKey) },
    // Cursors and page sizes
    { name: "a garbage cursor", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("query($a: String) { signatureRequests(first: 5, after: $a) { edges { cursor } } }", { a: "garbage!" }) },
    {
      name: "a cursor with a non-hex id",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => gql("query($a: String) { signatureRequests(first: 5, after: $a) { edges { cursor } } }", { a: Buffer.from("1700000000000:zzzzzzzzzzzzzzzzzzzzzzzz").toString("base64url") }),
    },
    { name: "first: 0", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("{ signatureRequests(first: 0) { edges { cursor } } }") },
    { name: "first: 1000", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("{ signatureRequests(first: 1000) { edges { cursor } } }") },
    { name: "first: -1", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("{ signatureRequests(first: -1) { edges { cursor } } }") },
    { name: "first: 2^31 (not an Int)", expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" }, run: () => gql("{ signatureRequests(first: 2147483648) { edges { cursor } } }") },
    { name: "a cursor not issued by the feed (statusEvents)", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => subscribeError(STATUS_EVENTS, { after: "bm90LWEtY3Vyc29y" }) },
    // Subscriptions answer with the codes HTTP gives the same mistakes.
    { name: "a syntax error on a subscription", expect: { status: 200, code: "GRAPHQL_PARSE_FAILED" }, run: () => subscribeError("subscription { statusEvents { cursor ", {}) },
    { name: "an unknown field on a subscription", expect: { status: 200, code: "GRAPHQL_VALIDATION_FAILED" }, run: () => subscribeError("subscription { statusEvents { password } }", {}) },
    { name: "a variable of the wrong type on a subscription", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => subscribeError("subscription($a: String) { statusEvents(after: $a) { cursor } }", { a: { $ne: "" } }) },
    { name: "a missing required variable on a subscription", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => subscribeError("subscription($id: ID!) { signatureRequestUpdated(id: $id) { id } }", {}) },
    { name: "an unknown operation name over HTTP", expect: { status: 400, code: "OPERATION_RESOLUTION_FAILURE" }, run: () => post(JSON.stringify({ query: "query A { viewer { tenant { id } } }", operationName: "B" }), { "content-type": "application/json" }) },
    {
      name: "an unknown operation name on a subscription",
      expect: { status: 200, code: "OPERATION_RESOLUTION_FAILURE" },
      run: async () => {
        const client = wsClient(gw.url, { authorization: `Bearer ${key}` });
        try {
          const errors: Array<{ extensions?: Record<string, unknown> }> = [];
          await new Promise<void>((resolve) => {
            client.subscribe({ query: "subscription A { statusEvents { cursor } }", operationName: "B" }, { next: () => {}, error: (e) => (errors.push(...(Array.isArray(e) ? e : [{}])), resolve()), complete: resolve });
          });
          return { status: 200, code: errors[0]?.extensions?.code as string | undefined };
        } finally {
          await client.dispose();
        }
      },
    },
    { name: "a NUL in a subscription's cursor", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => subscribeError(STATUS_EVENTS, { after: "abc\u0000" }) },
    // The issue's bad inputs (every bounded field has its own case in input-bounds.test.ts).
    { name: "a 100 KB first name", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ firstName: "M".repeat(100 * 1024) })) },
    { name: "NUL bytes in a surname", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ lastName: "Ros\u0000\u0000si" })) },
    {
      name: "an __Type.ofType chain 40 levels deep",
      expect: { status: 400, code: "QUERY_TOO_DEEP" },
      run: () => gql(`{ __type(name: "Query") { ${"kind ofType { ".repeat(40)}name${" }".repeat(40)} } }`),
    },
    // Order input
    { name: "an unknown product code in placeOrder", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "NOPE", renewal: {} }) },
    { name: "the wrong family input for the product", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", renewal: {} }) },
    { name: "two family inputs", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {}, video: { email: "a@example.com", phone: "+393331234567" } }) },
    { name: "a tax code with a wrong check character", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ taxCode: `${APPLICANT_TAX_CODE.slice(0, 15)}${APPLICANT_TAX_CODE.endsWith("A") ? "B" : "A"}` })) },
    { name: "a 15-character tax code", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ taxCode: APPLICANT_TAX_CODE.slice(0, 15) })) },
    {
      name: "a well-formed tax code of another birth date",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => signature(applicantInput({ taxCode: `RSSMRA86C15H501${taxCodeCheckChar("RSSMRA86C15H501")}` })),
    },
    { name: "an omocode tax code with a wrong check character", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ taxCode: `${omocode(APPLICANT_TAX_CODE).slice(0, 15)}${omocode(APPLICANT_TAX_CODE).endsWith("A") ? "B" : "A"}` })) },
    { name: "birth date 1985-02-29", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ birthDate: "1985-02-29" })) },
    { name: "birth date 1985-13-15", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ birthDate: "1985-13-15" })) },
    { name: "birth date 15/03/1985", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ birthDate: "15/03/1985" })) },
    { name: "birth date in the future", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ birthDate: "2999-03-15" })) },
    {
      name: "an expired ID document",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => signature(applicantInput({ document: { type: "carta d'identità", number: "CA12345AB", issuedBy: "Comune di Roma", issueDate: "2010-01-10", expiryDate: "2020-01-10" } })),
    },
    {
      name: "an ID document issued in the future",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => signature(applicantInput({ document: { type: "carta d'identità", number: "CA12345AB", issuedBy: "Comune di Roma", issueDate: "2999-01-10", expiryDate: "2999-12-31" } })),
    },
    {
      name: "an ID document expiring on 2030-02-30",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => signature(applicantInput({ document: { type: "carta d'identità", number: "CA12345AB", issuedBy: "Comune di Roma", issueDate: "2020-01-10", expiryDate: "2030-02-30" } })),
    },
    { name: "sex X", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => signature(applicantInput({ sex: "X" })) },
    { name: "a 4-digit CAP", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput({ postalCode: "2012" }) } }) },
    { name: "province XX", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput({ province: "XX" }) } }) },
    { name: "an e-mail without @", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput({ email: "acquisti.example.com" }) } }) },
    { name: "quantity 0", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 0 } }) },
    { name: "quantity 1001", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 1001 } }) },
    { name: "a quantity that is a string", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput(), quantity: "2" } }) },
    { name: "an unknown input field", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "RINFIR", renewal: {}, isAdmin: true }) },
    // Files
    {
      name: "an order form over MAX_FILE_BYTES",
      expect: { status: 200, code: "BAD_USER_INPUT" },
      run: () => order({ productCode: "KIT", signature: { applicant: applicantInput(), form: { fileName: "modulo.pdf.p7m", contentBase64: bigPdf() } } }),
    },
    { name: "a signed form over MAX_FILE_BYTES on upload", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: ownRequestId, form: { fileName: "modulo.pdf.p7m", contentBase64: bigPdf() } }) },
    { name: "an upload whose content is not base64", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: ownRequestId, doc: { fileName: "doc.png", contentBase64: "***not base64***" } }) },
    { name: "an upload with an empty file name", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: ownRequestId, doc: { fileName: " ", contentBase64: pngBuffer().toString("base64") } }) },
    { name: "an upload with no file", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: ownRequestId }) },
    {
      name: "a PNG named modulo.pdf as signed form (refused upstream)",
      expect: { status: 200, code: "UPSTREAM_REJECTED" },
      run: async () => {
        const res = await gw.graphql(UPLOAD, { id: ownRequestId, form: { fileName: "modulo.pdf", contentBase64: pngBuffer().toString("base64") }, doc: { fileName: "doc.png", contentBase64: pngBuffer().toString("base64") } }, key);
        const ext = res.body.errors?.[0]?.extensions;
        // Upstream's own status and code travel with the error.
        expect(ext).toMatchObject({ upstreamStatus: 415, upstreamCode: 271 });
        return { status: res.status, code: ext?.code as string | undefined };
      },
    },
    // Sandbox clock
    { name: "advanceSandboxClock by 0 seconds", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("mutation { advanceSandboxClock(seconds: 0) { now } }") },
    { name: "advanceSandboxClock by -60 seconds", expect: { status: 200, code: "BAD_USER_INPUT" }, run: () => gql("mutation { advanceSandboxClock(seconds: -60) { now } }") },
    // Operator objects where strings belong: coercion refuses them before any resolver runs
    { name: "an operator as signatureRequest id", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql(SIGNATURE_QUERY, { id: { $ne: "" } }) },
    { name: "an operator as product code", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql("query($c: String!) { product(code: $c) { code } }", { c: { $gt: "" } }) },
    { name: "an operator as idempotency key", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql(PLACE_ORDER, { input: { productCode: "RINFIR", renewal: {} }, key: { $ne: "" } }) },
    { name: "an operator as productCode", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => order({ productCode: { $regex: ".*" }, renewal: {} }) },
    { name: "an operator as cursor", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql("query($a: String) { signatureRequests(first: 5, after: $a) { edges { cursor } } }", { a: { $gt: "" } }) },
    { name: "an operator as filter.search", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql("query($s: String) { signatureRequests(first: 5, filter: {search: $s}) { edges { cursor } } }", { s: { $ne: "" } }) },
    { name: "an operator as filter.productCode", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql("query($s: String) { signatureRequests(first: 5, filter: {productCode: $s}) { edges { cursor } } }", { s: { $ne: "" } }) },
    { name: "an operator as upload requestId", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: { $ne: "" }, doc: { fileName: "doc.png", contentBase64: pngBuffer().toString("base64") } }) },
    { name: "an operator as upload file name", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql(UPLOAD, { id: ownRequestId, doc: { fileName: { $ne: "" }, contentBase64: pngBuffer().toString("base64") } }) },
    { name: "an operator as webhook url", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => gql("mutation($u: String!) { createWebhookEndpoint(url: $u) { endpoint { id } } }", { u: { $ne: "" } }) },
    { name: "an operator as recipient e-mail", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "LETTORE", device: { recipient: recipientInput({ email: { $ne: "" } }) } }) },
    { name: "an operator as video e-mail", expect: { status: 400, code: "BAD_USER_INPUT" }, run: () => order({ productCode: "SMARTCARDCNS_VIDEO", video: { email: { $ne: "" }, phone: "+393331234567" } }) },
    ...stringLeaves(recipientInput()).map(
      (path, i): Case => ({
        name: `an operator as device.recipient.${path.join(".")}`,
        expect: { status: 400, code: "BAD_USER_INPUT" },
        run: () => order({ productCode: "LETTORE", device: { recipient: replaced(recipientInput(), path, OPERATORS[(i + 1) % OPERATORS.length]) } }),
      }),
    ),
    ...stringLeaves(applicantInput()).map(
      (path, i): Case => ({
        name: `an operator as applicant.${path.join(".")}`,
        expect: { status: 400, code: "BAD_USER_INPUT" },
        run: () => signature(replaced(applicantInput(), path, OPERATORS[i % OPERATORS.length])),
      }),
    ),
  ];

  it(`has at least 60 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  runCases(cases, () => gw);

  it("accepts an omocode variant of a valid tax code: the order is placed", async () => {
    const taxCode = omocode(APPLICANT_TAX_CODE);
    expect(taxCode).not.toBe(APPLICANT_TAX_CODE);
    const res = await gw.graphql<{ placeOrder: { id: string; status: string } }>(
      "mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }",
      { input: { productCode: "KIT", signature: { applicant: applicantInput({ taxCode }) } }, key: `omo-${randomUUID()}` },
      key,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.placeOrder.status).toBe("IN_REGISTRAZIONE");
    const twice = omocode(APPLICANT_TAX_CODE, 3);
    const again = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput({ taxCode: twice }) } }, key: `omo-${randomUUID()}` }, key);
    expect(again.body.errors).toBeUndefined();
  });

  it("still serves the caller after every refusal (the p7m upload goes through)", async () => {
    const res = await gql(UPLOAD, {
      id: ownRequestId,
      form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
      doc: { fileName: "doc.png", contentBase64: pngBuffer().toString("base64") },
    });
    expect(res).toEqual({ status: 200, code: undefined });
  });
});

describe("bad input at the GraphQL edge in production (NODE_ENV=production)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ NODE_ENV: "production" });
  });
  afterAll(async () => {
    await gw?.close();
  });
  runCases(
    [
      { name: "introspection (__schema)", expect: { status: 400, code: "INTROSPECTION_DISABLED" }, run: () => gqlOn(gw, "{ __schema { types { name } } }") },
      { name: "introspection (__type)", expect: { status: 400, code: "INTROSPECTION_DISABLED" }, run: () => gqlOn(gw, '{ __type(name: "Query") { name } }') },
      { name: "introspection hidden in a fragment", expect: { status: 400, code: "INTROSPECTION_DISABLED" }, run: () => gqlOn(gw, "query { ...F } fragment F on Query { __schema { queryType { name } } }") },
    ],
    () => gw,
  );
});

describe("placeOrder over its rate limit (ORDER_RATE_LIMIT_PER_MINUTE=2)", () => {
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startTestGateway({ ORDER_RATE_LIMIT_PER_MINUTE: "2" });
    key = (await gw.tenant("TEST", "limited")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    await gw.graphql("{ products { code } }", {}, key);
    for (let i = 0; i < 2; i++) {
      const ok = await gw.graphql(PLACE_ORDER, { input: { productCode: "RINFIR", renewal: {} }, key: `rl-${i}-${randomUUID()}` }, key);
      expect(ok.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await gw?.close();
  });
  runCases(
    [
      {
        name: "a third placeOrder within the minute (with retryAfterMs)",
        expect: { status: 429, code: "RATE_LIMITED" },
        run: async () => {
          const res = await gw.graphql(PLACE_ORDER, { input: { productCode: "RINFIR", renewal: {} }, key: `rl-x-${randomUUID()}` }, key);
          const ext = res.body.errors?.[0]?.extensions;
          expect(ext?.retryAfterMs).toBeGreaterThan(0);
          expect(res.body.data ?? null).toBeNull();
          return { status: res.status, code: ext?.code as string | undefined };
        },
      },
    ],
    () => gw,
  );
});
