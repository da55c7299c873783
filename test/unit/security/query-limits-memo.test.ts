import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { buildGatewaySchema } from "../../../src/schema.js";
import { defaultQueryLimits, operationComplexity, operationLimitErrors } from "../../../src/security/query-limits.js";
import { QueryLimitsMemo } from "../../../src/security/query-limits-memo.js";

const schema = await buildGatewaySchema(null);
const limits = defaultQueryLimits("production");

const LIST = `query L($n: Int!, $skipProduct: Boolean!, $f: SignatureRequestFilter) {
  signatureRequests(first: $n, filter: $f) { edges { node { id product @skip(if: $skipProduct) { code name price { amountCents } } applicant { firstName } } } }
  webhookDeliveries(endpointId: "e", first: $n) { id attempts createdAt eventId lastError }
}`;

describe("QueryLimitsMemo", () => {
  it("answers what operationLimitErrors answers, for the same document object with changing variables", () => {
    const memo = new QueryLimitsMemo(schema, limits);
    const document = parse(LIST);
    const cases = [
      { n: 10, skipProduct: false },
      { n: 1000, skipProduct: false },
      { n: 100, skipProduct: true },
      { n: 10, skipProduct: false, f: { productCode: "KIT" } },
      { n: 10, skipProduct: false },
      { n: 1000, skipProduct: false },
    ];
    for (const variables of cases) {
      const expected = operationLimitErrors(schema, document, limits, variables, "L").map((e) => [e.message, e.extensions]);
      expect(memo.errors(document, variables, "L").map((e) => [e.message, e.extensions])).toEqual(expected);
    }
    expect(memo.operationCost(document, { n: 1000, skipProduct: false }, "L")).toBe(operationComplexity(schema, document, { n: 1000, skipProduct: false }, "L"));
    // The case that matters: a larger page on a remembered document is still refused.
    expect(memo.errors(document, { n: 1000, skipProduct: false }, "L")[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(memo.errors(document, { n: 10, skipProduct: false }, "L")).toEqual([]);
  });

  it("keeps the static limits' errors, and picks the operation by name", () => {
    const memo = new QueryLimitsMemo(schema, limits);
    const introspection = parse("{ __schema { types { name } } }");
    expect(memo.errors(introspection)[0]?.extensions?.code).toBe("INTROSPECTION_DISABLED");
    expect(memo.errors(introspection)[0]?.extensions?.code).toBe("INTROSPECTION_DISABLED");
    const two = parse("query Small { products { code } } query Big { signatureRequests(first: 100) { edges { node { product { code } applicant { firstName } shipment { speed } } } } }");
    expect(memo.errors(two, {}, "Small")).toEqual([]);
    expect(memo.errors(two, {}, "Big")[0]?.extensions?.code).toBe(operationLimitErrors(schema, two, limits, {}, "Big")[0]?.extensions?.code ?? undefined);
  });
});
