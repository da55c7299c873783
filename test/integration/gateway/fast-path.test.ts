import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";

const MINT = `mutation($subject: String!, $scopes: [SessionScope!]!) { createSessionToken(subject: $subject, scopes: $scopes) { token } }`;

interface Raw {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: string;
}
type Cost = { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number } | null };

/**
 * The fast path answers queries Apollo has already accepted without Apollo's pipeline. Whatever it
 * does, the client must not see a difference: the same status, headers and bytes as Apollo's path,
 * each operation's cost drawn once (never twice when the fast path hands a request back to Apollo),
 * and every refusal (limits, scopes, budgets, errors) answered exactly as Apollo answers it.
 */
describe("the GraphQL fast path", () => {
  let gw: TestGateway;

  beforeAll(async () => {
    // 1,000 points a key, one restored a minute: a budget only moves by what the requests draw.
    gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: "1", RATE_LIMIT_BUCKET: "1000", TENANT_RATE_LIMIT_BUCKET: "1000000" });
  });

  afterAll(async () => {
    await gw?.close();
  });

  async function post(body: unknown, bearer: string | null, headers: Record<string, string> = {}): Promise<Raw> {
    const res = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, contentType: res.headers.get("content-type"), retryAfter: res.headers.get("retry-after"), body: await res.text() };
  }

  async function fastAnswers(): Promise<number> {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    return Number(/^graphql_fast_path_answers_total (\d+)/m.exec(text)?.[1] ?? NaN);
  }

  const costOf = (raw: Raw) => (JSON.parse(raw.body) as { extensions?: { cost?: Cost } }).extensions?.cost;
  /** The answer without its budget figure, which each request moves by its own cost. */
  const comparable = (raw: Raw) => {
    const parsed = JSON.parse(raw.body) as { extensions?: { cost?: Cost } };
    if (parsed.extensions?.cost?.throttleStatus) parsed.extensions.cost.throttleStatus.currentlyAvailable = 0;
    return { ...raw, body: JSON.stringify(parsed), newline: raw.body.endsWith("\n") };
  };

  /**
   * Apollo's answer (fast path off), then the same request twice with the fast path on: the same
   * answers, and each request's budget lower than the one before by exactly the operation's cost.
   */
  async function bothPaths(body: unknown, bearer?: string | null, headers: Record<string, string> = {}): Promise<{ apollo: Raw; fast: Raw; took: number }> {
    // A fresh key each time (its own budget) unless the caller gives one.
    if (bearer === undefined) bearer = (await gw.tenant("TEST", "fast")).apiKey;
    gw.server.executor.fastPath = false;
    const apollo = await post(body, bearer, headers);
    gw.server.executor.fastPath = true;
    const before = await fastAnswers();
    const first = await post(body, bearer, headers);
    const fast = await post(body, bearer, headers);
    const took = (await fastAnswers()) - before;
    expect(comparable(first)).toEqual(comparable(apollo));
    expect(comparable(fast)).toEqual(comparable(apollo));
    const costs = [apollo, first, fast].map(costOf);
    if (costs[0]?.throttleStatus) {
      expect(costs[1]!.throttleStatus!.currentlyAvailable).toBe(costs[0].throttleStatus.currentlyAvailable - costs[1]!.requestedQueryCost);
      expect(costs[2]!.throttleStatus!.currentlyAvailable).toBe(costs[1]!.throttleStatus!.currentlyAvailable - costs[2]!.requestedQueryCost);
    }
    return { apollo, fast, took };
  }

  it("answers an accepted query with Apollo's bytes, and counts it in the metrics", async () => {
    const { fast, took } = await bothPaths({ query: "{ products { code name price { amountCents currency } } }" });
    expect(took).toBe(2);
    expect(fast.status).toBe(200);
    expect(fast.contentType).toBe("application/json; charset=utf-8");
    expect(fast.body.endsWith("}\n")).toBe(true);
    expect(costOf(fast)).toMatchObject({ requestedQueryCost: 51 });
  });

  it("takes named operations, variables and empty extensions alike", async () => {
    const doc = "query One($c: String!) { product(code: $c) { code name } } query Two { products { code } }";
    expect((await bothPaths({ query: doc, operationName: "One", variables: { c: "KIT" } })).took).toBe(2);
    expect((await bothPaths({ query: doc, operationName: "Two", extensions: {} })).took).toBe(2);
    expect((await bothPaths({ query: "query Named { products { code } }", variables: null, operationName: null })).took).toBe(2);
  });

  it("hands errors back to Apollo, drawing the cost once", async () => {
    const missing = await bothPaths({ query: '{ product(code: "NOPE") { code } }' });
    expect(missing.took).toBe(0);
    expect(JSON.parse(missing.fast.body).errors[0].extensions.code).toBe("NOT_FOUND");
    const badVariables = await bothPaths({ query: "query($c: String!) { product(code: $c) { code } }", variables: { c: 42 } });
    expect(badVariables.took).toBe(0);
    expect(badVariables.fast.status).toBe(400);
    expect(JSON.parse(badVariables.fast.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("leaves mutations, unknown operation names and other accept headers to Apollo", async () => {
    const doc = "query A { products { code } }";
    expect((await bothPaths({ query: doc, operationName: "B" })).took).toBe(0);
    expect((await bothPaths({ query: doc }, undefined, { accept: "application/graphql-response+json" })).took).toBe(0);
    const tenant = await gw.tenant("TEST", "mutations");
    gw.server.executor.fastPath = true;
    const before = await fastAnswers();
    for (let i = 0; i < 2; i++) {
      const minted = await post({ query: MINT, variables: { subject: `user-${i}`, scopes: ["CATALOGUE_READ"] } }, tenant.apiKey);
      expect(JSON.parse(minted.body).data.createSessionToken.token).toMatch(/^ey/);
    }
    expect((await fastAnswers()) - before).toBe(0);
  });

  it("refuses a session what its scopes do not allow, and answers what they do", async () => {
    const minted = await post({ query: MINT, variables: { subject: "user-1", scopes: ["CATALOGUE_READ"] } }, (await gw.tenant("TEST", "sessions")).apiKey);
    const token = JSON.parse(minted.body).data.createSessionToken.token as string;
    expect((await bothPaths({ query: "{ products { code } }" }, token)).took).toBe(2);
    const refused = await bothPaths({ query: "{ signatureRequests(first: 1) { edges { cursor } } }" }, token);
    expect(refused.took).toBe(0);
    expect(JSON.parse(refused.fast.body).errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers anonymous callers and unknown keys as Apollo does", async () => {
    const anonymous = await bothPaths({ query: "{ products { code } }" }, null);
    expect(JSON.parse(anonymous.fast.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const unknown = await bothPaths({ query: "{ products { code } }" }, "fgw_test_00000000000000000000000000000000");
    expect(JSON.parse(unknown.fast.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("answers past the budget with Apollo's RATE_LIMITED, 429 and Retry-After", async () => {
    const { apiKey: key } = await gw.tenant("TEST", "small");
    const query = { query: "{ products { code name price { amountCents currency } } }" };
    // 51 points each: 19 pass (969 points), the 20th finds 31.
    for (let i = 0; i < 19; i++) expect((await post(query, key)).status).toBe(200);
    const refused = await post(query, key);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    const body = JSON.parse(refused.body) as { errors: Array<{ extensions: { code: string } }>; extensions: { cost: Cost } };
    expect(body.errors[0]!.extensions.code).toBe("RATE_LIMITED");
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 51, throttleStatus: { currentlyAvailable: 31 } });
  });
});
