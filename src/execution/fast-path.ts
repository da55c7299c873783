import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode } from "graphql";
import type { OperationExecutor } from "./compiled-executor.js";
import { LruCache } from "../lru-cache.js";
import type { CostExtension, CostLimiter, ThrottleStatus } from "../security/rate-limit.js";
import type { Principal } from "../security/principal.js";
import type { OperationAnalysis } from "../security/query-limits.js";

/** Queries remembered once Apollo has accepted them; the least recently used one goes first. */
export const DEFAULT_PREPARED_SIZE = 500;
/** Longer documents are not remembered (they take Apollo's path every time). */
const MAX_PREPARED_QUERY_LENGTH = 16 * 1024;

/** A query Apollo parsed, validated and resolved once: what the fast path needs to run it again. */
export interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Apollo's hash of the query text: the compiled executor's cache key, shared with Apollo's path. */
  queryHash: string;
}

/** A JSON POST body as Apollo reads it; anything else is not for the fast path. */
interface RequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

const preparedKey = (query: string, operationName: string | null) => `${operationName ?? ""}\u0000${query}`;

/**
 * Query operations (not mutations, not subscriptions) that went through Apollo's whole pipeline
 * once: parsed, validated and resolved to one operation. Filled by `plugin`, read by the fast path.
 */
export class PreparedOperations {
  private readonly cache: LruCache<PreparedOperation>;

  constructor(size = DEFAULT_PREPARED_SIZE) {
    this.cache = new LruCache(size);
  }

  get(query: string, operationName: string | null): PreparedOperation | undefined {
    return this.cache.get(preparedKey(query, operationName));
  }

  get size(): number {
    return this.cache.length;
  }

  /** Records each query operation Apollo resolves; the document it hands over is already validated. */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    const cache = this.cache;
    return {
      async requestDidStart() {
        return {
          async didResolveOperation({ request, document, operation, queryHash }) {
            const query = request.query;
            if (query === undefined || query.length > MAX_PREPARED_QUERY_LENGTH || operation?.operation !== "query") return;
            cache.set(preparedKey(query, request.operationName ?? null), { document, operation, queryHash });
          },
        };
      },
    };
  }
}

/** What the fast path needs to know of the caller, as built by the GraphQL context. */
export interface FastPathContext {
  principal: Principal | null;
}

/** The fast path's answer: written as is. */
export interface FastAnswer {
  kind: "answer";
  body: string;
  /** The operation's resolved name and type, for the metrics. */
  operationName: string | null;
}

/**
 * Apollo's path must answer: `prepaid` is set when the operation's cost was already drawn (the
 * cost limiter must not draw it again).
 */
export interface FastFallback {
  kind: "fallback";
  prepaid: PrepaidCost | null;
}

/** A cost already drawn for this request's context by the fast path. */
export interface PrepaidCost {
  cost: number;
  throttleStatus: ThrottleStatus;
}

// On the context object itself: Apollo hands its plugins a shallow copy (Object.assign keeps symbols).
const PREPAID = Symbol("cost drawn by the fast path");

/** Marks `context` as having paid `cost` already (before the request goes to Apollo). */
export function setPrepaidCost(context: object, cost: PrepaidCost): void {
  (context as { [PREPAID]?: PrepaidCost })[PREPAID] = cost;
}

/** The cost the fast path drew for this context (or a shallow copy of it), if any. */
export function prepaidCostOf(context: object): PrepaidCost | undefined {
  return (context as { [PREPAID]?: PrepaidCost })[PREPAID];
}

export interface FastPathOptions<TContext extends FastPathContext> {
  prepared: PreparedOperations;
  run: OperationExecutor;
  /** The query limits and cost of an operation (remembered per document): QueryLimitsMemo.analyse. */
  analyse: (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null) => OperationAnalysis;
  /** Extra refusals of the operation for this caller (session scopes); empty when it may run. */
  refusals: (context: TContext, prepared: PreparedOperation) => readonly GraphQLError[];
  limiter: CostLimiter;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Apollo's answer to a query it has already accepted, without Apollo's per-request pipeline: the
 * same query limits, session scopes and cost limits, the same executor, the same bytes out. It
 * answers only the common case, a query that runs without any error; everything else (unknown
 * documents, mutations, limits refused, budgets exhausted, errors of any kind, unusual bodies)
 * falls back to Apollo, which then answers exactly as it always does. A cost drawn before the
 * fallback travels with it (`prepaid`), so nothing is charged twice.
 */
export function createFastPath<TContext extends FastPathContext>(opts: FastPathOptions<TContext>) {
  const { prepared, limiter } = opts;
  const fallback: FastFallback = { kind: "fallback", prepaid: null };

  return {
    /** The prepared operation `body` asks for, when the fast path may take it; else undefined. */
    lookup(body: unknown): { prepared: PreparedOperation; variables: Record<string, unknown> | undefined } | undefined {
      if (!isRecord(body)) return undefined;
      const { query, variables, operationName, extensions } = body as RequestBody;
      if (typeof query !== "string") return undefined;
      // Extensions (persisted queries and the like) are Apollo's to interpret.
      if (extensions !== undefined && extensions !== null && !(isRecord(extensions) && Object.keys(extensions).length === 0)) return undefined;
      if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
      if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return undefined;
      const found = prepared.get(query, (operationName as string | null | undefined) ?? null);
      if (found === undefined) return undefined;
      return { prepared: found, variables: (variables as Record<string, unknown> | null | undefined) ?? undefined };
    },

    /** Runs a looked-up operation for `context`: the answer's body, or a fallback to Apollo. */
    async execute(
      found: { prepared: PreparedOperation; variables: Record<string, unknown> | undefined },
      operationName: string | null,
      context: TContext,
    ): Promise<FastAnswer | FastFallback> {
      const { prepared: op, variables } = found;
      const { errors, cost } = opts.analyse(op.document, variables, operationName);
      if (errors.length > 0 || cost === null || opts.refusals(context, op).length > 0) return fallback;
      let throttleStatus: ThrottleStatus | null = null;
      const principal = context.principal;
      if (limiter.settings.enabled && principal !== null) {
        if (cost > limiter.maxCost(principal)) return fallback;
        // Queries select no order field: only the cost is drawn. A refusal spends nothing, so
        // Apollo's path draws (and most likely refuses) again, answering as it always does.
        const charge = await limiter.charge(principal, cost);
        if (!charge.allowed) return fallback;
        throttleStatus = charge.throttleStatus;
      }
      const prepaid = throttleStatus === null ? null : { cost, throttleStatus };
      let result: ExecutionResult;
      try {
        result = await opts.run({
          document: op.document,
          documentHash: op.queryHash,
          // As Apollo's path names it: the name asked for, else the resolved operation's (one compiled entry for both).
          operationName: operationName ?? op.operation.name?.value ?? null,
          variables,
          contextValue: context,
        });
      } catch {
        // Apollo's path runs it again and reports whatever went wrong as it always does.
        return { kind: "fallback", prepaid };
      }
      if (result.errors !== undefined && result.errors.length > 0) return { kind: "fallback", prepaid };
      const extensions = { ...result.extensions, cost: { requestedQueryCost: cost, throttleStatus } satisfies CostExtension };
      // As Apollo writes a single result: errors, data, extensions, in that order, and a newline.
      return { kind: "answer", body: `${JSON.stringify({ data: result.data, extensions })}\n`, operationName: op.operation.name?.value ?? null };
    },
  };
}

export type FastPath = ReturnType<typeof createFastPath>;
