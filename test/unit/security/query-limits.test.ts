import { ApolloServer } from "@apollo/server";
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import {
  complexityPlugin,
  defaultQueryLimits,
  MAX_INTROSPECTION_OFTYPE_NESTING,
  operationComplexity,
  operationLimitErrors,
  queryLimitRules,
  type QueryLimits,
} from "../../../src/security/query-limits.js";

// A self-referencing type makes arbitrarily deep queries possible, as real schemas with
// back-references (request → tenant → requests) do.
const typeDefs = /* GraphQL */ `
  type Node {
    id: ID!
    name: String
    parent: Node
    children(first: Int): [Node!]!
  }
  type Query {
    node(id: ID!): Node
    nodes(first: Int): [Node!]!
    version: String
    ${Array.from({ length: 20 }, (_, i) => `f${i}: Int`).join("\n    ")}
  }
`;

const schema: GraphQLSchema = buildSchema(typeDefs);
const leaf = { id: "n1", name: "leaf", parent: null, children: [] };
const rootValue = {
  node: () => leaf,
  nodes: () => [leaf],
  version: () => "1",
  ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, () => i])),
};

async function run(query: string, limits: QueryLimits, variables?: Record<string, unknown>) {
  const server = new ApolloServer({
    schema,
    rootValue,
    // Our rule decides; Apollo's own rule would answer first with GRAPHQL_VALIDATION_FAILED.
    introspection: true,
    plugins: [complexityPlugin(schema, limits)],
  });
  await server.start();
  try {
    const res = await server.executeOperation({ query, ...(variables ? { variables } : {}) });
    if (res.body.kind !== "single") throw new Error(`expected a single result, got ${res.body.kind}`);
    return { status: res.http.status, result: res.body.singleResult };
  } finally {
    await server.stop();
  }
}

const codes = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (r.errors ?? []).map((e) => e.extensions?.code);

const dev = defaultQueryLimits("development");
const prod = defaultQueryLimits("production");

function nested(depth: number): string {
  // `node` is the first level, `id` the last.
  let q = "id";
  for (let i = 2; i < depth; i++) q = `parent { ${q} }`;
  return `{ node(id: "n1") { ${q} } }`;
}

describe("defaultQueryLimits", () => {
  it("turns introspection off only in production", () => {
    expect(defaultQueryLimits("production").introspection).toBe(false);
    expect(defaultQueryLimits("development").introspection).toBe(true);
    expect(defaultQueryLimits("test").introspection).toBe(true);
  });
});

describe("complexityPlugin", () => {
  it("lets a normal query through", async () => {
    const { status, result } = await run(`{ version node(id: "n1") { id name children(first: 5) { id } } }`, prod);
    expect(result.errors).toBeUndefined();
    expect(status).toBeUndefined();
    expect(result.data).toEqual({ version: "1", node: { id: "n1", name: "leaf", children: [] } });
  });

  it("refuses an operation 50 levels deep with QUERY_TOO_DEEP and HTTP 400", async () => {
    const { status, result } = await run(nested(50), dev);
    expect(codes(result)).toEqual(["QUERY_TOO_DEEP"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ maxDepth: 12, depth: 50 });
    expect(result.data).toBeUndefined();
    expect(status).toBe(400);
  });

  it("accepts an operation exactly at the depth limit", async () => {
    const { result } = await run(nested(12), dev);
    expect(result.errors).toBeUndefined();
  });

  it("measures depth through fragments and inline fragments", async () => {
    const query = `
      query { node(id: "n1") { ...A } }
      fragment A on Node { parent { ... on Node { parent { ...B } } } }
      fragment B on Node { parent { parent { id } } }
    `;
    expect(codes((await run(query, { ...dev, maxDepth: 5 })).result)).toEqual(["QUERY_TOO_DEEP"]);
    expect((await run(query, { ...dev, maxDepth: 6 })).result.errors).toBeUndefined();
  });

  it("refuses 1,000 aliases with TOO_MANY_ALIASES", async () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: version`).join(" ")} }`;
    const { status, result } = await run(query, dev);
    expect(codes(result)).toEqual(["TOO_MANY_ALIASES"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ maxAliases: 30, aliases: 1000 });
    expect(status).toBe(400);
  });

  it("counts the aliases of a fragment at each place it is spread", async () => {
    const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: name`).join(" ");
    const query = `
      { node(id: "n1") { ...F parent { ...F parent { ...F parent { ...F } } } } }
      fragment F on Node { ${aliases} }
    `;
    const { result } = await run(query, dev);
    expect(codes(result)).toEqual(["TOO_MANY_ALIASES"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ aliases: 40 });
  });

  it("refuses 20 root fields with TOO_MANY_ROOT_FIELDS", async () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `f${i}`).join(" ")} }`;
    const { status, result } = await run(query, dev);
    expect(codes(result)).toEqual(["TOO_MANY_ROOT_FIELDS"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ maxRootFields: 10, rootFields: 20 });
    expect(status).toBe(400);
  });

  it("counts root fields selected through a fragment, and a repeated field once", async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `f${i}`).join(" ");
    expect(codes((await run(`{ ...R } fragment R on Query { ${fields} }`, dev)).result)).toEqual([
      "TOO_MANY_ROOT_FIELDS",
    ]);
    expect((await run(`{ f1 f1 f1 f1 f1 f1 f1 f1 f1 f1 f1 f1 }`, dev)).result.errors).toBeUndefined();
  });

  it("refuses a costly list with QUERY_TOO_COMPLEX, multiplying by `first`", async () => {
    const query = `{ nodes(first: 100) { id children(first: 100) { id name } } }`;
    const { status, result } = await run(query, dev);
    expect(codes(result)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ maxComplexity: 1000 });
    expect(result.data).toBeUndefined();
    expect(status).toBe(400);
  });

  it("reads `first` from variables", async () => {
    const query = `query Q($n: Int) { nodes(first: $n) { id name } }`;
    expect((await run(query, dev, { n: 5 })).result.errors).toBeUndefined();
    expect(codes((await run(query, dev, { n: 100_000 })).result)).toEqual(["QUERY_TOO_COMPLEX"]);
  });

  it("leaves invalid variables to execution, which reports BAD_USER_INPUT", async () => {
    const query = `query Q($n: Int) { nodes(first: $n) { id } }`;
    expect(codes((await run(query, dev, { n: "many" })).result)).toEqual(["BAD_USER_INPUT"]);
  });

  it("refuses introspection in production with INTROSPECTION_DISABLED", async () => {
    const { status, result } = await run(`{ __schema { queryType { name } } }`, prod);
    expect(codes(result)).toEqual(["INTROSPECTION_DISABLED"]);
    expect(status).toBe(400);
    expect(codes((await run(`{ __type(name: "Node") { name } }`, prod)).result)).toEqual(["INTROSPECTION_DISABLED"]);
  });

  it("keeps __typename available in production", async () => {
    const { result } = await run(`{ __typename node(id: "n1") { __typename id } }`, prod);
    expect(result.errors).toBeUndefined();
  });

  it("lets the standard introspection query through outside production", async () => {
    const { result } = await run(getIntrospectionQuery(), dev);
    expect(result.errors).toBeUndefined();
  });

  it("refuses introspection nesting lists of fields inside lists of types with QUERY_TOO_DEEP", async () => {
    const query = `{ __schema { types { fields { type { fields { name } } } } } }`;
    const { result } = await run(query, dev);
    expect(codes(result)).toEqual(["QUERY_TOO_DEEP"]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ scope: "introspection", depth: 3 });
  });

  it("refuses an __Type.ofType chain 40 levels deep with QUERY_TOO_DEEP (HTTP 400), before execution", async () => {
    const chain = (n: number): string => (n === 0 ? "name" : `kind ofType { ${chain(n - 1)} }`);
    const { status, result } = await run(`{ __type(name: "Node") { ${chain(40)} } }`, dev);
    expect(codes(result)).toEqual(["QUERY_TOO_DEEP"]);
    expect(status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ scope: "ofType", depth: 40, maxDepth: MAX_INTROSPECTION_OFTYPE_NESTING });
    // Through a fragment as well, and inside __schema.
    const viaFragment = `{ __schema { queryType { ...T } } } fragment T on __Type { ${chain(40)} }`;
    expect(codes((await run(viaFragment, dev)).result)).toEqual(["QUERY_TOO_DEEP"]);
    // GraphiQL's own query nests exactly the maximum, and passes (see the test above).
    expect(getIntrospectionQuery().match(/ofType/g)?.length).toBe(MAX_INTROSPECTION_OFTYPE_NESTING);
    expect((await run(`{ __type(name: "Node") { ${chain(MAX_INTROSPECTION_OFTYPE_NESTING)} } }`, dev)).result.errors).toBeUndefined();
  });

  it("answers a fragment cycle with graphql's validation error, without hanging", async () => {
    const query = `
      { node(id: "n1") { ...A } }
      fragment A on Node { parent { ...B } }
      fragment B on Node { parent { ...A } }
    `;
    const { result } = await run(query, dev);
    expect(codes(result)).toContain("GRAPHQL_VALIDATION_FAILED");
    expect(result.data).toBeUndefined();
  });
});

describe("queryLimitRules", () => {
  it("reports each limit with its own code when run by graphql's validate (e.g. graphql-ws onSubscribe)", () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: version`).join(" ");
    const roots = Array.from({ length: 11 }, (_, i) => `f${i}`).join(" ");
    const doc = parse(`{ ${aliases} ${roots} __schema { queryType { name } } }`);
    const errors = validate(schema, doc, [...specifiedRules, ...queryLimitRules(prod)]);
    expect(errors.map((e) => e.extensions.code).sort()).toEqual([
      "INTROSPECTION_DISABLED",
      "TOO_MANY_ALIASES",
      "TOO_MANY_ROOT_FIELDS",
    ]);
  });

  it("terminates on fragment cycles, leaving the report to NoFragmentCycles", () => {
    const doc = parse(`{ node(id: "n1") { ...A } } fragment A on Node { parent { ...A } }`);
    const errors = validate(schema, doc, queryLimitRules(dev));
    expect(errors).toEqual([]);
  });
});

describe("operationComplexity", () => {
  it("costs a list as 1 + first × its children, and an unbounded list as 10 items", () => {
    const cost = (q: string) => operationComplexity(schema, parse(q), undefined, undefined);
    expect(cost(`{ version }`)).toBe(1);
    expect(cost(`{ nodes(first: 3) { id name } }`)).toBe(1 + 3 * 2);
    expect(cost(`{ nodes { id } }`)).toBe(1 + 10 * 1);
    expect(cost(`{ nodes(first: 2) { children(first: 4) { id } } }`)).toBe(1 + 2 * (1 + 4 * 1));
  });

  it("refuses a document whose fragments expand past the node limit with QUERY_TOO_COMPLEX", () => {
    // Each fragment spreads the previous one four times: 4^8 selections from a tiny document.
    const defs = [`fragment F0 on Node { id name }`];
    for (let i = 1; i <= 8; i++) {
      defs.push(`fragment F${i} on Node { parent { ...F${i - 1} } children { ...F${i - 1} } p1: parent { ...F${i - 1} } p2: parent { ...F${i - 1} } }`);
    }
    const doc = parse(`{ node(id: "n1") { ...F8 } } ${defs.join(" ")}`);
    expect(() => operationComplexity(schema, doc, undefined, undefined, 1000)).toThrowError(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "QUERY_TOO_COMPLEX" }) }),
    );
  });
});

describe("operationLimitErrors", () => {
  it("returns the coded errors for callers outside Apollo (graphql-ws onSubscribe), empty when within limits", () => {
    expect(operationLimitErrors(schema, parse(`{ version }`), dev)).toEqual([]);
    const deep = operationLimitErrors(schema, parse(nested(20)), dev);
    expect(deep.map((e) => e.extensions.code)).toEqual(["QUERY_TOO_DEEP"]);
    const costly = operationLimitErrors(schema, parse(`query Q($n: Int) { nodes(first: $n) { id } }`), dev, { n: 5000 }, "Q");
    expect(costly.map((e) => e.extensions.code)).toEqual(["QUERY_TOO_COMPLEX"]);
  });
});
