import type http from "node:http";
import { WebSocketServer } from "ws";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import type { Logger } from "pino";
import { buildContext, type Context, type ContextDeps } from "../context.js";
import { crossOriginOf } from "../http/cors.js";
import { sessionScopeErrorsFor } from "../security/session-scopes.js";
import { createLoaders, type Loaders } from "../loaders.js";
import type { FeedService } from "../services/events.service.js";
import type { FeedContext } from "../resolvers/feed/index.js";

export interface GraphqlWsOptions {
  httpServer: http.Server;
  schema: GraphQLSchema;
  feed: FeedService;
  /** How callers are resolved (admin token, API keys, session tokens), as over HTTP. */
  contextDeps: ContextDeps;
  /** PUBLIC_URL: a page served from it is same-origin. */
  publicUrl: string | null;
  logger: Logger;
  /** The same normalisation HTTP responses get (unknown errors → INTERNAL_SERVER_ERROR). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The limits HTTP operations get (depth, aliases, complexity, ...): errors for an operation past them. */
  /** Most open connections per tenant in this process (MAX_WS_PER_TENANT); unset: no cap. */
  maxConnectionsPerTenant?: number;
  limitErrors?: (document: DocumentNode, variables: Record<string, unknown> | null | undefined, operationName: string | null | undefined) => GraphQLError[];
  /** Charges the caller for an operation within the limits (rate limits): errors refuse it. */
  admit?: (
    caller: Context,
    document: DocumentNode,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
  ) => Promise<GraphQLError[]>;
}

/** What a connection keeps between its operations: the caller, resolved once at connection_init. */
type ConnectionExtra = {
  caller?: Context;
  /** The tenant this connection counts against, once accepted. */
  countedFor?: string;
};

/**
 * Close code for a connection over the tenant's cap (MAX_WS_PER_TENANT): in the 4000-4999 range
 * left to applications, outside graphql-ws's own codes (4400-4499 are the protocol's, 4429 among
 * them), so a client can tell it apart and retry later.
 */
export const TOO_MANY_CONNECTIONS = 4008;

/** The error with `extensions.code` set as Apollo sets it over HTTP (a code already there wins). */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === "string") return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError ?? undefined, extensions: { ...error.extensions, code } });
}

/**
 * Variables that do not coerce to their declared types, as BAD_USER_INPUT (what Apollo answers over
 * HTTP); graphql-js alone reports them without a code, which the edge would turn into INTERNAL_SERVER_ERROR.
 * An operation name that picks no operation is OPERATION_RESOLUTION_FAILURE, as over HTTP.
 */
function variableErrors(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined, operationName: string | null | undefined): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    // Apollo's answer over HTTP for the same mistake.
    const message = operationName ? `Unknown operation named "${operationName}".` : "Must provide operation name if query contains multiple operations.";
    return [new GraphQLError(message, { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })];
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
  return "errors" in coerced && coerced.errors ? coerced.errors.map((e) => withCode(e, "BAD_USER_INPUT")) : [];
}

/** Parsed and validated documents by query text, shared by every subscriber sending the same query. */
class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | readonly GraphQLError[]>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly max: number,
  ) {}

  /** The document, or its syntax or validation errors. */
  get(query: string): DocumentNode | readonly GraphQLError[] {
    const hit = this.entries.get(query);
    if (hit !== undefined) return hit;
    let result: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query);
      const errors = validate(this.schema, document);
      result = errors.length > 0 ? errors.map((e) => withCode(e, "GRAPHQL_VALIDATION_FAILED")) : document;
    } catch (err) {
      // Only parse throws here; validate reports its errors.
      result = [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), "GRAPHQL_PARSE_FAILED")];
    }
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(query, result);
    return result;
  }
}

/**
 * graphql-js's `subscribe`, except that subscribers of one tenant running the same document with
 * the same variables on the same event object share one execution: fanning one event out to
 * thousands of subscribers then costs one execution, not thousands. (Results cannot differ: same
 * tenant, same operation, same event; the feed hands every live subscriber the same event object.)
 */
function sharedSubscribe(formatErrors: (result: ExecutionResult) => ExecutionResult): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  // A number per document object: subscribers sending the same text share one (DocumentCache).
  const documentIdOf = new WeakMap<DocumentNode, number>();
  let lastDocumentId = 0;
  const documentIds = (document: DocumentNode): number => {
    let id = documentIdOf.get(document);
    if (id === undefined) documentIdOf.set(document, (id = ++lastDocumentId));
    return id;
  };
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return formatErrors(source);
    const events = source[Symbol.asyncIterator]();
    const tenant = (args.contextValue as Context).tenant;
    const ids = documentIds(args.document);
    // A session token's subject sees only its own requests: its results are never shared with another's.
    const key = `${tenant?.id ?? ""}\n${tenant?.subject === undefined ? "" : JSON.stringify(tenant.subject)}\n${ids}\n${args.operationName ?? ""}\n${JSON.stringify(args.variableValues ?? {})}`;
    const run = (event: unknown): Promise<ExecutionResult> => {
      const once = async () => formatErrors(await execute({ ...args, rootValue: event }));
      if (typeof event !== "object" || event === null) return once();
      let byOperation = results.get(event);
      if (byOperation === undefined) results.set(event, (byOperation = new Map()));
      let result = byOperation.get(key);
      if (result === undefined) byOperation.set(key, (result = once()));
      return result;
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const next = await events.next();
        return next.done ? { done: true, value: undefined } : { done: false, value: await run(next.value) };
      },
      async return() {
        await events.return?.();
        return { done: true, value: undefined };
      },
      async throw(err?: unknown) {
        await events.return?.();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };
}

/** The error without its `http` extension, which only HTTP answers use. */
function withoutHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

/** The API key from connection_init's payload: `{ authorization: "Bearer <key>" }` or `{ apiKey: "<key>" }`. */
export function authorizationFromParams(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (typeof params?.authorization === "string") return params.authorization;
  if (typeof params?.Authorization === "string") return params.Authorization;
  if (typeof params?.apiKey === "string") return /^Bearer\s/i.test(params.apiKey) ? params.apiKey : `Bearer ${params.apiKey}`;
  return undefined;
}

/**
 * Serves graphql-ws (`graphql-transport-ws`) on `/graphql` of the HTTP server. A missing, unknown,
 * expired or revoked credential closes the socket with 4401 (a session token's expiry closes it
 * then too); a credential that is valid but has no feed (the admin token), a page whose origin the
 * tenant does not list, or a secret key sent from a browser page, with 4403.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): { dispose(): Promise<void> } {
  const { feed } = options;
  // Open connections per tenant, in this process: the cap holds per replica.
  const open = new Map<string, number>();
  // Errors normalised as over HTTP, once per result (a shared result is formatted once for all its
  // subscribers); kept GraphQLErrors because graphql-ws serialises them itself.
  const formatErrors = (result: ExecutionResult): ExecutionResult => {
    if (!result.errors) return result;
    const errors = result.errors.map((error) => {
      const formatted = options.formatError(error.toJSON(), error);
      return new GraphQLError(formatted.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: formatted.extensions });
    });
    return { ...result, errors };
  };
  // graphql-ws messages are small; ws would otherwise accept frames of up to 100 MiB.
  const wss = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: 1024 * 1024 });
  // Thousands of subscribers send the same few queries: one AST for all of them, validated once.
  const documents = new DocumentCache(options.schema, 200);
  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema: options.schema,
      subscribe: sharedSubscribe(formatErrors),
      execute: async (args) => formatErrors(await execute(args)),
      async onConnect(ctx) {
        const crossOrigin = crossOriginOf(ctx.extra.request, options.publicUrl);
        const caller = await buildContext(authorizationFromParams(ctx.connectionParams), options.contextDeps, { crossOrigin });
        if (caller.authError !== null && caller.authError.code === "FORBIDDEN") {
          // A browser page from an origin the tenant does not list, or a secret key sent from a page.
          ctx.extra.socket.close(CloseCode.Forbidden, caller.authError.message.slice(0, 120));
          return false;
        }
        if (caller.tenant === null) {
          // graphql-ws answers `false` with 4403; an absent or wrong key is 4401, which we send ourselves.
          if (!caller.isAdmin) ctx.extra.socket.close(CloseCode.Unauthorized, "Unauthorized");
          return false;
        }
        // Closed while the key was checked: onClose has run already, so it must not be counted.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        const tenantId = caller.tenant.id;
        const count = open.get(tenantId) ?? 0;
        if (options.maxConnectionsPerTenant !== undefined && count >= options.maxConnectionsPerTenant) {
          ctx.extra.socket.close(TOO_MANY_CONNECTIONS, "Too many connections for this tenant");
          return false;
        }
        open.set(tenantId, count + 1);
        ctx.extra.countedFor = tenantId;
        // Loaders are per operation (see context below), not per connection.
        ctx.extra.caller = { ...caller, loaders: null };
        if (caller.session !== null) {
          // The token was checked once, here: the connection lives no longer than the token.
          const socket = ctx.extra.socket;
          const timer = setTimeout(() => socket.close(CloseCode.Unauthorized, "Unauthorized: the session token has expired"), Math.max(0, caller.session.expiresAt.getTime() - Date.now()));
          timer.unref();
          socket.once("close", () => clearTimeout(timer));
        }
        return true;
      },
      onClose(ctx) {
        const tenantId = ctx.extra.countedFor;
        if (tenantId === undefined) return;
        ctx.extra.countedFor = undefined;
        const left = (open.get(tenantId) ?? 1) - 1;
        if (left > 0) open.set(tenantId, left);
        else open.delete(tenantId);
      },
      async onSubscribe(ctx, _id, payload) {
        const document = documents.get(payload.query);
        if (Array.isArray(document)) return document as GraphQLError[];
        const refused = sessionScopeErrorsFor(document as DocumentNode, payload.operationName, ctx.extra.caller!);
        if (refused.length > 0) return refused.map(withoutHttp);
        const badVariables = variableErrors(options.schema, document as DocumentNode, payload.variables, payload.operationName);
        if (badVariables.length > 0) return badVariables;
        try {
          const limited = options.limitErrors?.(document as DocumentNode, payload.variables, payload.operationName);
          if (limited && limited.length > 0) return limited;
          const refused = await options.admit?.(ctx.extra.caller!, document as DocumentNode, payload.variables, payload.operationName);
          if (refused && refused.length > 0) return refused;
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        return { schema: options.schema, document: document as DocumentNode, variableValues: payload.variables, operationName: payload.operationName };
      },
      context(ctx): FeedContext {
        const caller = ctx.extra.caller!;
        const tenantId = caller.tenant!.id;
        // A fresh object per operation, its loaders made on first use: most subscribers never need
        // them, and thousands of idle DataLoaders would be most of a subscriber's memory.
        let loaders: Loaders | null = null;
        const context = { ...caller, feed } as FeedContext;
        Object.defineProperty(context, "loaders", {
          enumerable: true,
          get: () => (loaders ??= createLoaders(tenantId)),
          set: (value: Loaders | null) => {
            loaders = value;
          },
        });
        return context;
      },
    },
    wss,
  );
  return {
    async dispose() {
      await server.dispose();
    },
  };
}
