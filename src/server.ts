import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type Request, type Response } from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { unwrapResolverError } from "@apollo/server/errors";
import { getOperationAST, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { bearerToken, buildContext, type Context } from "./context.js";
import { buildGatewaySchema } from "./schema.js";
import { AppError } from "./errors/index.js";
import { createSandbox, type Sandbox } from "./sandbox/index.js";
import { sandboxCallbackModel } from "./sandbox/models/index.js";
import { applyRetention, StatusEventModel } from "./models/index.js";
import { authenticateApiKey, authenticateApiKeyWithId, isListedOrigin } from "./services/tenants.service.js";
import { SessionTokenService } from "./services/session-tokens.service.js";
import { BrowserAccessService } from "./services/browser-access.service.js";
import { sessionScopeErrors, sessionScopePlugin } from "./security/session-scopes.js";
import { crossOriginOf, handleCors } from "./http/cors.js";
import { sharedSecret } from "./services/secrets.service.js";
import { UpstreamClients } from "./services/upstream-clients.service.js";
import { StatusTracker } from "./services/status-tracker.service.js";
import { OrderService } from "./services/orders.service.js";
import { ProductService } from "./services/products.service.js";
import { RequestQueryService } from "./services/requests.service.js";
import { RequestListCache } from "./services/request-list-cache.service.js";
import { DownloadService, InvalidDownloadLinkError } from "./services/downloads.service.js";
import { SandboxControl } from "./services/sandbox-control.service.js";
import { SandboxAdmin } from "./services/sandbox-admin.service.js";
import { SpidService } from "./services/spid.service.js";
import { WebhookTools } from "./services/webhook-tools.service.js";
import { TimelineService } from "./services/timeline.service.js";
import { TenantAdminService } from "./services/tenant-admin.service.js";
import { CallbackReceiver } from "./services/callbacks.service.js";
import { Reconciler } from "./services/reconciler.service.js";
import type { FieldCipherLike } from "./services/field-cipher.js";
import { createNodeHttpTransport, type HttpTransport } from "./provider/index.js";
import { trackConnections, type ShutdownOptions } from "./http/graceful-shutdown.js";
import { graphiqlRouter } from "./http/graphiql.js";
import { dashboardRouter } from "./http/dashboard.js";
import { accessLog, logRequestOnFinish } from "./http/access-log.js";
import { createGraphqlHandler } from "./http/graphql-handler.js";
import { createMetrics } from "./observability/metrics.js";
import {
  complexityPlugin,
  costLimitPlugin,
  createCostLimiter,
  createTokenBuckets,
  defaultQueryLimits,
  rateLimitMiddleware,
  requestAnalyser,
  RateLimitedError,
  QueryTooComplexError,
  countRootFields,
  costLimitsOf,
} from "./security/index.js";
import { QueryLimitsMemo } from "./security/query-limits-memo.js";
import { attachGraphqlWs, createFeedBus, redisClient } from "./events/index.js";
import { compiledExecutorGateway, operationExecutor, type ExecutorSwitch } from "./execution/compiled-executor.js";
import { createFastPath, prepaidCostOf, PreparedOperations } from "./execution/fast-path.js";
import { EventLog, FeedService } from "./services/events.service.js";
import { DEFAULT_RETRY_SCHEDULE_MS, WebhookService } from "./services/webhooks.service.js";

/** Largest GraphQL request body: room for two documents of MAX_FILE_BYTES in base64, no more. */
export const MAX_GRAPHQL_BODY = "9mb";
/** MAX_GRAPHQL_BODY in bytes, as express reads "9mb". */
export const MAX_GRAPHQL_BODY_BYTES = 9 * 1024 * 1024;

/** Timings of background work; tests shorten them. */
export interface Timings {
  reconcileIntervalMs: number;
  reconcileAfterMs: number;
  reconcileGiveUpAfterMs: number;
  checkDelayMs: number;
  maxCheckDelayMs: number;
  upstreamTimeoutMs: number;
  sandboxTickMs: number;
  /** How long the sandbox's timeout fault holds an answer. */
  sandboxFaultHoldMs: number;
  /** Delay before each webhook attempt (Standard Webhooks' schedule by default). */
  webhookRetryScheduleMs: number[];
  webhookPollIntervalMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  reconcileIntervalMs: 2_000,
  reconcileAfterMs: 15_000,
  reconcileGiveUpAfterMs: 10 * 60_000,
  checkDelayMs: 60_000,
  maxCheckDelayMs: 60 * 60_000,
  upstreamTimeoutMs: 15_000,
  sandboxTickMs: 1_000,
  sandboxFaultHoldMs: 30_000,
  webhookRetryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS,
  webhookPollIntervalMs: 1_000,
};

export interface ServerDeps {
  config: Config;
  db: Database;
  logger: Logger;
  cipher: FieldCipherLike;
  timings?: Partial<Timings>;
  /** Replaces the provider client's HTTP transport (tests). */
  transport?: HttpTransport;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: http.Server;
  readonly sandbox: Sandbox;
  readonly reconciler: Reconciler;
  readonly tracker: StatusTracker;
  /** Mints and verifies session tokens (tests rotate its keys). */
  readonly sessions: SessionTokenService;
  /** Places and (re)sends orders (tests drive its resends directly). */
  readonly orders: OrderService;
  /** The executable schema (benchmarks run it without Apollo as a baseline). */
  readonly schema: GraphQLSchema;
  /** Which executor runs GraphQL operations (GRAPHQL_JIT), and whether the fast path answers (GRAPHQL_FAST_PATH); tests flip them to compare answers. */
  readonly executor: ExecutorSwitch & { fastPath: boolean };
  /** Pages of signatureRequests kept per tenant (LIST_CACHE); tests read its stats. */
  readonly listCache: RequestListCache;
  /** Stops within about `graceMs` (default 5 s) plus a second, whatever the load (see graceful-shutdown.ts). */
  close(options?: Pick<ShutdownOptions, "graceMs">): Promise<void>;
}

/**
 * Normalises errors at the edge: our AppErrors and GraphQL's own validation errors keep their code;
 * anything else becomes INTERNAL_SERVER_ERROR with a generic message (the original is logged).
 */
export function formatError(logger: Logger, includeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) return formatted;
    const code = formatted.extensions?.code;
    if (typeof code === "string" && code !== "INTERNAL_SERVER_ERROR") return formatted;
    logger.error({ err: original }, "unexpected error while executing a GraphQL operation");
    return {
      message: "internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        ...(includeStack && original instanceof Error ? { stacktrace: original.stack?.split("\n") } : {}),
      },
    };
  };
}

/** Waits for every promise to settle, or for `ms`, whichever comes first; never rejects. */
async function settleWithin(ms: number, ...work: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(work), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Builds and starts the HTTP server: GraphQL, the sandbox, upstream callbacks, downloads, health. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, db, logger, cipher } = deps;
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const app = express();
  app.disable("x-powered-by");
  // JSON POSTs to /graphql skip express (see createGraphqlHandler); everything else is express's.
  let graphqlHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | null = null;
  const httpServer = http.createServer((req, res) => {
    // Cross-origin browser requests take express's path, where CORS is answered.
    if (graphqlHandler === null || crossOriginOf(req, config.publicUrl) !== null || !graphqlHandler(req, res)) void app(req, res);
  });
  const connections = trackConnections(httpServer);

  // Known once listening (PORT may be 0); everything that needs our own address reads it late.
  let ownUrl = "";
  const publicUrl = () => config.publicUrl ?? ownUrl;
  const sandboxBaseUrl = () => `${ownUrl}/sandbox`;

  // Our own keep-alive pool (to upstream and to our own sandbox), so close() can abort and drop it.
  const ownTransport = deps.transport ? null : createNodeHttpTransport();
  const transport = deps.transport ?? ownTransport!;

  const [sandboxKey, downloadKey, blindIndexKey] = await Promise.all([
    sharedSecret("sandbox-token"),
    sharedSecret("download-links"),
    sharedSecret("blind-index"),
  ]);
  const clients = new UpstreamClients({
    sandboxBaseUrl,
    liveBaseUrl: config.firmadigitaleUrl,
    sandboxKey,
    cipher,
    logger: logger.child({ component: "provider" }),
    transport,
    timeoutMs: timings.upstreamTimeoutMs,
  });
  const tracker = new StatusTracker({ checkDelayMs: timings.checkDelayMs, maxCheckDelayMs: timings.maxCheckDelayMs, logger });
  // Status feeds: every stored change becomes one logged event, then reaches subscribers and webhooks.
  const feedBus = createFeedBus({ redisUrl: config.redisUrl, logger: logger.child({ component: "feed-bus" }) });
  const eventLog = new EventLog({ bus: feedBus, logger: logger.child({ component: "event-log" }), retentionDays: config.eventRetentionDays });
  const webhooks = new WebhookService({
    cipher,
    logger: logger.child({ component: "webhooks" }),
    // Private targets are for development and tests only; production always refuses them.
    allowPrivateTargets: config.nodeEnv === "test" || (config.nodeEnv !== "production" && config.webhooksAllowPrivate),
    retryScheduleMs: timings.webhookRetryScheduleMs,
    pollIntervalMs: timings.webhookPollIntervalMs,
  });
  // Idempotent, so the tracker's outbox can run it again after a failure: a change already in the
  // log is not recorded twice, and its webhook deliveries are unique per (endpoint, event).
  tracker.onChange(async (change) => {
    const event = (await eventLog.record(change)) ?? (await eventLog.find(change));
    if (event !== null) await webhooks.enqueue(event);
  });
  const products = new ProductService(clients, 10 * 60_000, feedBus.invalidations);
  const orders = new OrderService({
    clients,
    products,
    tracker,
    cipher,
    blindIndexKey,
    publicUrl,
    logger,
    reconcileAfterMs: timings.reconcileAfterMs,
  });
  const reconciler = new Reconciler({
    clients,
    tracker,
    logger: logger.child({ component: "reconciler" }),
    intervalMs: timings.reconcileIntervalMs,
    leaseMs: Math.max(30_000, timings.upstreamTimeoutMs * 4),
    giveUpAfterMs: timings.reconcileGiveUpAfterMs,
    resender: orders,
    baseDelayMs: timings.checkDelayMs,
    maxDelayMs: timings.maxCheckDelayMs,
  });
  const downloads = new DownloadService({ key: downloadKey, publicUrl, clients, ttlSeconds: 300 });
  const callbacks = new CallbackReceiver(tracker);

  const sandbox = createSandbox({
    connection: db.connection,
    logger,
    cipher,
    tickMs: timings.sandboxTickMs,
    faultHoldMs: timings.sandboxFaultHoldMs,
    // Our own callbacks go to 127.0.0.1 in development; production keeps the guard on.
    allowPrivateCallbackTargets: config.nodeEnv !== "production",
    async resolveTenant(token) {
      const internal = clients.verifySandboxToken(token);
      if (internal !== null) return { tenantId: internal, mode: "TEST" };
      const tenant = await authenticateApiKey(token);
      return tenant ? { tenantId: tenant.id, mode: tenant.mode } : null;
    },
  });

  // The event log and the sandbox's callback log expire after their retention (TTL indexes).
  await applyRetention(StatusEventModel, "createdAt", config.eventRetentionDays);
  await applyRetention(sandboxCallbackModel(db.connection), "createdAt", config.sandboxCallbackRetentionDays);

  const sessions = new SessionTokenService({ cipher, logger: logger.child({ component: "session-tokens" }) });
  // Pages of signatureRequests, per tenant, until a write to its requests, applicants or shipments
  // (here or, through the bus, on another replica); 60 s at most should an invalidation be lost.
  const listCache = new RequestListCache({
    enabled: config.listCache,
    maxBytes: config.listCacheMaxMb * 2 ** 20,
    ttlMs: 60_000,
    invalidations: feedBus.invalidations,
  });
  const contextDeps = { adminToken: config.adminToken, logger, sessions, catalogue: products, listCache };
  const queries = new RequestQueryService(blindIndexKey, listCache);
  const sandboxAdmin = new SandboxAdmin(clients, sandboxBaseUrl);
  const webhookTools = new WebhookTools(webhooks, cipher);
  const schema = await buildGatewaySchema({
    sessions,
    browserAccess: new BrowserAccessService(),
    adminEnabled: config.adminToken !== null,
    products,
    tenantAdmin: new TenantAdminService(cipher),
    orders,
    queries,
    downloads,
    sandbox: new SandboxControl(clients, sandboxBaseUrl),
    webhooks,
    pubSub: feedBus.pubSub,
    sandboxAdmin,
    spid: new SpidService({ clients, cipher, logger: logger.child({ component: "spid" }) }),
    webhookTools,
    timelines: new TimelineService(queries, sandboxAdmin, webhookTools),
  });
  const development = config.nodeEnv === "development";
  const metrics = createMetrics();
  // Rate limits by cost per principal, under a tenant ceiling (token buckets); over Redis when
  // configured, so every replica spends from one budget. RATE_LIMIT=off opens no Redis connection.
  const redis =
    config.redisUrl && config.rateLimit ? new (redisClient())(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : undefined;
  redis?.on("error", (err) => logger.warn({ err: err.message }, "rate limit Redis unavailable; limits fall back to this process"));
  const costLimits = costLimitsOf(config);
  const costLimiter = createCostLimiter(costLimits, createTokenBuckets({ redis, keyPrefix: "rl" }));
  const queryLimits = defaultQueryLimits(config.nodeEnv);
  const executor = { jit: config.graphqlJit, fastPath: config.graphqlFastPath };
  const run = operationExecutor(schema, executor);
  // Queries Apollo has accepted once are answered without its pipeline; a cost drawn there before
  // handing a request back to Apollo travels on its context to the cost limit plugin (see fast-path.ts).
  const prepared = new PreparedOperations();
  // The query limits and the cost, remembered per document; one analysis per request, shared by
  // the query limits (refusals) and the rate limits (the cost).
  const queryLimitsMemo = new QueryLimitsMemo(schema, queryLimits);
  const analyse = requestAnalyser(schema, queryLimits, (d, v, o) => queryLimitsMemo.analyse(d, v, o));
  const apollo = new ApolloServer<Context>({
    // Apollo's hook for a custom executor: operations compiled by graphql-jit (GRAPHQL_JIT=off: graphql-js).
    gateway: compiledExecutorGateway(schema, run),
    formatError: formatError(logger, development),
    includeStacktraceInErrorResponses: false,
    // Apollo's default landing page loads from a CDN; we serve GraphiQL from local files instead.
    // Introspection stays on here: complexityPlugin refuses it in production with INTROSPECTION_DISABLED.
    introspection: true,
    // main.ts alone handles SIGINT/SIGTERM (Apollo's handler raced it, and a second stop() hung).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; without this plugin Apollo need not wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      metrics.graphqlPlugin,
      // A plugin, not validationRules: Apollo would rewrite the limits' codes to GRAPHQL_VALIDATION_FAILED.
      complexityPlugin(schema, queryLimits, analyse),
      // Before the rate limit: an operation a session token may not run costs it nothing.
      sessionScopePlugin<Context>(),
      costLimitPlugin<Context>({
        limiter: costLimiter,
        principalOf: (ctx) => ctx.principal,
        costOf: (rc) => (analyse(rc).errors.length > 0 ? null : analyse(rc).cost),
        // Both spend money upstream: each draws one order from the principal's order budget.
        orderFields: ["placeOrder", "buySpidVoucher"],
        prepaidOf: prepaidCostOf,
      }),
      prepared.plugin<Context>(),
    ],
  });
  await apollo.start();

  const httpLogger = logger.child({ component: "http" });
  const corsOptions = { publicUrl: () => config.publicUrl, isListed: isListedOrigin };
  const graphqlContext = (req: http.IncomingMessage) =>
    buildContext(req.headers.authorization, contextDeps, { crossOrigin: crossOriginOf(req, config.publicUrl) });
  graphqlHandler = createGraphqlHandler({
    apollo,
    context: graphqlContext,
    maxBodyBytes: MAX_GRAPHQL_BODY_BYTES,
    logger,
    onRequest: (req, res) => logRequestOnFinish(httpLogger, req, res),
    fastPath: {
      path: createFastPath<Context>({
        prepared,
        run,
        analyse: (document, variables, operationName) => queryLimitsMemo.analyse(document, variables, operationName),
        refusals: (ctx, op) => (ctx.session === null ? [] : sessionScopeErrors(op.operation, op.document, ctx.session.scopes)),
        limiter: costLimiter,
      }),
      enabled: () => executor.fastPath,
      record: (operationName, started) => metrics.recordFastOperation(operationName, started),
    },
  });
  app.use(accessLog(httpLogger));
  // CORS for browser pages of the tenants' allowed origins (session tokens); preflights end here,
  // before GraphiQL's routes would answer OPTIONS themselves.
  app.use("/graphql", (req, res, next) => {
    handleCors(req, res, corsOptions).then((handled) => {
      if (!handled) next();
    }, next);
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const ok = await db.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", database: ok ? "up" : "down" });
  });

  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(
    "/sandbox",
    rateLimitMiddleware({
      limiter: costLimiter,
      // Each call of the sandbox's REST API costs one point of the key's budget.
      principalOf: async (req) => {
        const token = bearerToken(req.get("authorization"));
        // The gateway's own calls for its tenants were already counted at the GraphQL edge.
        if (token === null || clients.verifySandboxToken(token) !== null) return null;
        const key = await authenticateApiKeyWithId(token);
        return key === null ? null : { kind: "apiKey", id: key.keyId, tenantId: key.tenant.id, mode: key.tenant.mode };
      },
      onLimited: (res, err) =>
        res.json({ data: null, success: false, message: `rate limit exceeded: retry in ${Math.ceil(err.retryAfterMs / 1000)} s`, error: 429 }),
    }),
    sandbox.router,
  );
  // The dashboard and the GraphiQL it links to: off in production unless DASHBOARD=on.
  if (config.dashboard) {
    app.use(graphiqlRouter());
    app.use("/dashboard", dashboardRouter(config.dashboardDir ?? undefined));
  }

  app.post(
    "/callbacks/firmadigitale/:requestId/:secret",
    express.json({ limit: "1mb" }),
    express.urlencoded({ extended: false, limit: "1mb" }),
    async (req: Request, res: Response) => {
      const outcome = await callbacks.receive(String(req.params.requestId), String(req.params.secret), req.body);
      const status = outcome === "applied" ? 200 : outcome === "unknown_request" ? 404 : 400;
      res.status(status).json({ received: outcome === "applied", outcome });
    },
  );

  app.get("/downloads/forms/:file", async (req: Request, res: Response) => {
    const id = String(req.params.file).replace(/\.pdf$/, "");
    try {
      const pdf = await downloads.openForm(id, String(req.query.expires ?? ""), String(req.query.signature ?? ""));
      res.type("application/pdf").setHeader("content-disposition", `inline; filename="modulo-${id}.pdf"`);
      res.send(pdf);
    } catch (err) {
      if (err instanceof InvalidDownloadLinkError) {
        const code = err.reason === "expired" ? "LINK_EXPIRED" : "NOT_FOUND";
        res.status(err.reason === "expired" ? 410 : 404).json({
          error: { code, message: err.reason === "expired" ? "this download link has expired: ask for a new one with registrationFormUrl" : "no such download link" },
        });
        return;
      }
      throw err;
    }
  });

  app.use(
    "/graphql",
    // Two base64 files of MAX_FILE_BYTES each fit; anything larger is refused before parsing.
    express.json({ limit: MAX_GRAPHQL_BODY }),
    expressMiddleware(apollo, {
      context: ({ req }) => graphqlContext(req),
    }),
  );

  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, "unhandled HTTP error");
    res.status(status).json({
      errors: [
        {
          message: status === 500 ? "internal server error" : String((err as Error).message),
          extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : status === 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST" },
        },
      ],
    });
  };
  app.use(onError);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  ownUrl = `http://${config.host}:${port}`;
  logger.info({ url: ownUrl }, "gateway listening");
  sandbox.start();
  reconciler.start();
  webhooks.start();
  const graphqlWs = attachGraphqlWs({
    httpServer,
    schema,
    feed: new FeedService(eventLog, feedBus),
    maxConnectionsPerTenant: config.maxWsPerTenant,
    contextDeps,
    publicUrl: config.publicUrl,
    logger,
    formatError: formatError(logger, development),
    limitErrors: (document, variables, operationName) => queryLimitsMemo.errors(document, variables, operationName),
    // Each operation over the socket (a subscription when it starts) costs its complexity once; the
    // events it then receives are the server's doing and cost nothing.
    async admit(caller, document, variables, operationName) {
      const principal = caller.principal;
      if (!costLimits.enabled || principal === null) return [];
      const { errors, cost } = queryLimitsMemo.analyse(document, variables, operationName);
      if (errors.length > 0 || cost === null) return errors;
      const max = costLimiter.maxCost(principal);
      if (cost > max) return [new QueryTooComplexError(max, cost)];
      const operation = getOperationAST(document, operationName);
      const orders = operation ? countRootFields(operation.selectionSet, document, new Set(["placeOrder"])) : 0;
      const res = await costLimiter.charge(principal, cost, orders);
      return res.allowed ? [] : [new RateLimitedError(res.retryAfterMs)];
    },
  });

  return {
    url: ownUrl,
    port,
    httpServer,
    sandbox,
    reconciler,
    tracker,
    sessions,
    orders,
    schema,
    executor,
    listCache,
    async close(options = {}) {
      // Background loops stop taking new work now; a pass under way is not waited for beyond the grace period.
      const loops = Promise.allSettled([reconciler.stop(), webhooks.stop(), sandbox.stop()]);
      await connections.shutdown({
        graceMs: options.graceMs,
        closeWebSockets: () => graphqlWs.dispose(),
        onGraceExpired: () => ownTransport?.close?.(),
      });
      ownTransport?.close?.();
      await settleWithin(1_000, loops, feedBus.close(), apollo.stop());
      listCache.close();
      redis?.disconnect();
    },
  };
}
