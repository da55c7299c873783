import { createRequire } from "node:module";
import { execute, getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import type * as GraphqlJit from "graphql-jit";
import { LruCache } from "../lru-cache.js";

// The CommonJS build, loaded with require on purpose (as graphql-query-complexity in query-limits.ts):
// the ESM build imports `graphql/index.mjs`, a second graphql realm that rejects our schema.
const { compileQuery, isCompiledQuery } = createRequire(import.meta.url)("graphql-jit") as typeof GraphqlJit;

type Compiled = GraphqlJit.CompiledQuery;
/** Apollo's gateway interface, as its options type declares it. */
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type GatewayExecutor = Awaited<ReturnType<GatewayInterface["load"]>>["executor"];

/** Compiled operations kept; the least recently used one goes first. */
export const DEFAULT_COMPILED_CACHE_SIZE = 1000;

export interface ExecuteArgs {
  document: DocumentNode;
  /** Identifies the document's text (Apollo's queryHash); with the operation name, the cache key. */
  documentHash: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
  contextValue: unknown;
}

/**
 * Runs operations with graphql-jit: each (document, operation) is compiled once into JavaScript and
 * kept in a bounded LRU cache. Where jit cannot compile (it answers errors instead of a compiled
 * query), graphql-js executes instead, so answers and errors stay those of graphql-js.
 */
export class CompiledExecutor {
  private readonly cache: LruCache<Compiled | null>;

  constructor(
    private readonly schema: GraphQLSchema,
    cacheSize = DEFAULT_COMPILED_CACHE_SIZE,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** How many compiled operations (or fallbacks) are cached. */
  get cached(): number {
    return this.cache.length;
  }

  execute(args: ExecuteArgs): Promise<ExecutionResult> | ExecutionResult {
    const key = `${args.documentHash}:${args.operationName ?? ""}`;
    let compiled = this.cache.get(key);
    if (compiled === undefined) {
      // jit runs a document's only operation whatever name was asked for; graphql-js answers an
      // unknown name with the error Apollo turns into OPERATION_RESOLUTION_FAILURE.
      const result = getOperationAST(args.document, args.operationName ?? undefined) ? compileQuery(this.schema, args.document, args.operationName ?? undefined) : null;
      // null remembers that this operation runs on graphql-js.
      compiled = result !== null && isCompiledQuery(result) ? result : null;
      this.cache.set(key, compiled);
    }
    if (compiled === null) return this.executeWithGraphqlJs(args);
    const out = compiled.query(undefined, args.contextValue, args.variables ?? {});
    return isPromise(out) ? out.then((r) => this.settle(r, args)) : this.settle(out, args);
  }

  private executeWithGraphqlJs(args: ExecuteArgs): Promise<ExecutionResult> | ExecutionResult {
    return execute({
      schema: this.schema,
      document: args.document,
      operationName: args.operationName,
      variableValues: args.variables,
      contextValue: args.contextValue,
    });
  }

  private settle(result: ExecutionResult, args: ExecuteArgs): Promise<ExecutionResult> | ExecutionResult {
    // No data at all: the variables did not coerce and nothing ran. graphql-js reports that with the
    // variable's AST node, which Apollo needs to answer BAD_USER_INPUT; its messages are the reference.
    if (result.data === undefined && result.errors?.length) return this.executeWithGraphqlJs(args);
    return asGraphqlJsErrors(result);
  }
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown }).then === "function";
}

/**
 * jit's errors lack graphql-js's always-present `extensions` (Apollo reads `extensions.code` on
 * each error), so each becomes a graphql-js GraphQLError with the same message, locations, path,
 * original error and extensions: error formatting cannot tell the executors apart.
 */
function asGraphqlJsErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const converted = new GraphQLError(e.message, {
      path: e.path,
      originalError: e.originalError ?? undefined,
      extensions: e.extensions ?? undefined,
    });
    if (e.locations) (converted as { locations?: unknown }).locations = e.locations;
    return converted;
  });
  return { ...result, errors };
}

/** Which executor runs operations; `jit` may change at run time (tests compare both on one server). */
export interface ExecutorSwitch {
  jit: boolean;
}

/** Runs one operation with the executor `options.jit` selects at the time of the call. */
export type OperationExecutor = (args: ExecuteArgs) => Promise<ExecutionResult> | ExecutionResult;

/** An executor honouring the switch: graphql-jit (compiled once per document and operation) or graphql-js. */
export function operationExecutor(schema: GraphQLSchema, options: ExecutorSwitch & { cacheSize?: number }): OperationExecutor {
  const compiled = new CompiledExecutor(schema, options.cacheSize);
  return (args) =>
    options.jit
      ? compiled.execute(args)
      : execute({ schema, document: args.document, operationName: args.operationName, variableValues: args.variables, contextValue: args.contextValue });
}

/**
 * Apollo Server's custom-executor hook: a `gateway` that serves `schema` (announced synchronously,
 * as Apollo expects) and executes each operation with `run` (see operationExecutor).
 */
export function compiledExecutorGateway(schema: GraphQLSchema, run: OperationExecutor): GatewayInterface {
  const executor: GatewayExecutor = async (ctx) =>
    run({
      document: ctx.document,
      documentHash: ctx.queryHash,
      // The name asked for: ctx.operationName is the resolved operation's, null when none matched.
      operationName: ctx.request.operationName ?? ctx.operationName,
      variables: ctx.request.variables,
      contextValue: ctx.context,
    });
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}
