import { describe, expect, it } from "vitest";
import { buildSchema, parse } from "graphql";
import { CompiledExecutor } from "../../src/execution/compiled-executor.js";
import { LruCache } from "../../src/lru-cache.js";
import { loadConfig } from "../../src/config.js";

describe("LruCache", () => {
  it("keeps at most `size` entries, forgetting the least recently used", () => {
    const cache = new LruCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.length]).toEqual([1, 3, 2]);
  });
});

describe("CompiledExecutor", () => {
  const schema = buildSchema("type Query { hello(name: String!): String! }");
  (schema.getQueryType()!.getFields().hello!.resolve as unknown) = (_: unknown, args: { name: string }) => `hello ${args.name}`;

  it("compiles each (document, operation) once, within its bound", async () => {
    const executor = new CompiledExecutor(schema, 2);
    const run = (name: string, hash: string) =>
      executor.execute({ document: parse(`query Q($n: String!) { hello(name: $n) }`), documentHash: hash, operationName: "Q", variables: { n: name }, contextValue: {} });
    expect(await run("a", "h1")).toEqual({ data: { hello: "hello a" } });
    expect(await run("b", "h1")).toEqual({ data: { hello: "hello b" } });
    await run("c", "h2");
    await run("d", "h3");
    expect(executor.cached).toBe(2);
  });

  it("answers a variable that does not coerce as graphql-js does, with the variable's node", async () => {
    const executor = new CompiledExecutor(schema);
    const result = await executor.execute({ document: parse(`query Q($n: String!) { hello(name: $n) }`), documentHash: "h", operationName: "Q", variables: { n: 3 }, contextValue: {} });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.nodes?.[0]?.kind).toBe("VariableDefinition");
  });
});

describe("GRAPHQL_JIT", () => {
  it("is on by default, off with GRAPHQL_JIT=off, and refuses anything else", () => {
    expect(loadConfig({}).graphqlJit).toBe(true);
    expect(loadConfig({ GRAPHQL_JIT: "off" }).graphqlJit).toBe(false);
    expect(() => loadConfig({ GRAPHQL_JIT: "maybe" })).toThrow(/GRAPHQL_JIT/);
  });
});
