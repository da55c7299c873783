import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput, REQUEST_FIELDS } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

type Answer = Awaited<ReturnType<TestGateway["graphql"]>>;

/**
 * Every representative operation answers the same, to the byte, whether graphql-jit or graphql-js
 * executes it: data, errors (message, path, locations, extensions.code) and HTTP status.
 */
describe("graphql-jit and graphql-js answer identically", () => {
  let gw: TestGateway;
  let apiKey: string;
  let kitId: string;
  const kitOrder = { productCode: "KIT", signature: { applicant: applicantInput({ lastName: "Jit" }) } };
  const kitKey = randomUUID();

  beforeAll(async () => {
    // No budgets: throttleStatus is null, and answers depend on the executor alone (not on the clock).
    gw = await startTestGateway({ RATE_LIMIT: "off" });
    ({ apiKey } = await gw.tenant("TEST", "jit"));
    await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000 });
    const kit = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: kitOrder, key: kitKey }, apiKey);
    expect(kit.body.errors).toBeUndefined();
    kitId = kit.body.data!.placeOrder.id;
    const reader = await gw.graphql(PLACE_ORDER, { input: { productCode: "LETTORE", device: { recipient: recipientInput() } }, key: randomUUID() }, apiKey);
    expect(reader.body.errors).toBeUndefined();
  });

  afterAll(async () => {
    await gw.close();
  });

  /** The answer with graphql-js, then twice with jit (compiling, then from the cache). */
  async function bothWays(query: string, variables?: Record<string, unknown>, bearer: string | null = apiKey): Promise<Answer> {
    gw.server.executor.jit = false;
    const plain = await gw.graphql(query, variables, bearer);
    gw.server.executor.jit = true;
    const compiled = await gw.graphql(query, variables, bearer);
    const cached = await gw.graphql(query, variables, bearer);
    expect(compiled).toEqual(plain);
    expect(cached).toEqual(plain);
    return plain;
  }

  it("products, with and without filters and variables", async () => {
    const short = await bothWays("{ products { code name price { amountCents currency } } }");
    expect((short.body.data as { products: unknown[] }).products.length).toBeGreaterThan(5);
    await bothWays("{ products { code name authority family blank price { amountCents currency } requires } }");
    await bothWays("query($f: ProductFilter) { products(filter: $f) { code family blank } }", { f: { blank: true } });
    await bothWays("query($f: ProductFilter) { products(filter: $f) { code } }", { f: { search: "kit", family: "SIGNATURE" } });
    await bothWays("{ __typename p: products { __typename code ...F } } fragment F on Product { name price { ... on Money { amountCents } } }");
  });

  it("product, found and NOT_FOUND", async () => {
    await bothWays('query($c: String!) { product(code: $c) { code name requires } }', { c: "KIT" });
    const missing = await bothWays('{ product(code: "NOPE") { code } }');
    expect(missing.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("the list of requests with product, applicant and shipment, and its errors", async () => {
    const list = await bothWays(`{ signatureRequests(first: 50) { edges { cursor node { ${REQUEST_FIELDS} createdAt } } pageInfo { hasNextPage endCursor startCursor hasPreviousPage } } }`);
    expect((list.body.data as { signatureRequests: { edges: unknown[] } }).signatureRequests.edges).toHaveLength(2);
    await bothWays("query($n: Int!, $f: SignatureRequestFilter) { signatureRequests(first: $n, filter: $f) { edges { node { id productCode } } } }", { n: 1, f: { productCode: "KIT" } });
    const badSize = await bothWays("{ signatureRequests(first: 0) { edges { node { id } } } }");
    expect(badSize.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badCursor = await bothWays('{ signatureRequests(after: "nope") { edges { node { id } } } }');
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("signatureRequest by id, found and NOT_FOUND", async () => {
    await bothWays(`query($id: ID!) { signatureRequest(id: $id) { ${REQUEST_FIELDS} } }`, { id: kitId });
    const missing = await bothWays('{ signatureRequest(id: "000000000000000000000000") { id } }');
    expect(missing.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("viewer, with and without a key", async () => {
    await bothWays("{ viewer { tenant { id name mode } } }");
    const anonymous = await bothWays("{ viewer { tenant { id } } }", undefined, null);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("mutations: an idempotent replay, and coded errors", async () => {
    await bothWays(PLACE_ORDER, { input: kitOrder, key: kitKey });
    const unknownProduct = await bothWays(PLACE_ORDER, { input: { productCode: "NOPE", device: { recipient: recipientInput() } }, key: randomUUID() });
    expect(unknownProduct.body.errors?.[0]?.extensions?.code).toBeTypeOf("string");
    const badVariables = await bothWays(PLACE_ORDER, { input: { productCode: 12 }, key: randomUUID() });
    expect(badVariables.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const forbidden = await bothWays('mutation { createTenant(input: { name: "x", mode: TEST }) { apiKey } }');
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("documents with several operations, and errors before execution", async () => {
    const doc = "query A { products { code } } query B { viewer { tenant { name } } }";
    const answer = await bothWays(`${doc}`, undefined);
    expect(answer.status).toBe(400);
    for (const name of ["A", "B"]) {
      gw.server.executor.jit = false;
      const plain = await fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query: doc, operationName: name }) });
      gw.server.executor.jit = true;
      const compiled = await fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ query: doc, operationName: name }) });
      expect(await compiled.text()).toBe(await plain.text());
    }
    await bothWays("{ products { nope } }");
    await bothWays("{ a1: products { code } a2: products { code } }");
  });
});
