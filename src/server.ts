import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type Request, type Response } from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { bearerToken, buildContext, type Context } from "./context.js";
import { buildGatewaySchema } from "./schema.js";
import { AppError } from "./errors/index.js";
import { createSandbox, type Sandbox } from "./sandbox/index.js";
import { authenticateApiKey } from "./services/tenants.service.js";
import { sharedSecret } from "./services/secrets.service.js";
import { UpstreamClients } from "./services/upstream-clients.service.js";
import { StatusTracker } from "./services/status-tracker.service.js";
import { OrderService } from "./services/orders.service.js";
import { ProductService } from "./services/products.service.js";
import { RequestQueryService } from "./services/requests.service.js";
import { DownloadService, InvalidDownloadLinkError } from "./services/downloads.service.js";
import { SandboxControl } from "./services/sandbox-control.service.js";
import { TenantAdminService } from "./services/tenant-admin.service.js";
import { CallbackReceiver } from "./services/callbacks.service.js";
import { Reconciler } from "./services/reconciler.service.js";
import type { FieldCipherLike } from "./services/field-cipher.js";
import type { HttpTransport } from "./provider/index.js";
import { graphiqlRouter } from "./http/graphiql.js";
import { accessLog, logRequestOnFinish } from "./http/access-log.js";
import { createGraphqlHandler } from "./http/graphql-handler.js";
import { createMetrics } from "./observability/metrics.js";
import { Redis } from "ioredis";
import {
  createRateLimiter,
  defaultQueryLimits,
  generalRateLimit,
  placeOrderRateLimit,
  rateLimitMiddleware,
  rateLimitPlugin,
} from "./security/index.js";
import { memoisedQueryLimitsPlugin, QueryLimitsMemo } from "./security/query-limits-memo.js";
import { attachGraphqlWs, createFeedBus } from "./events/index.js";
import { compiledExecutorGateway, type ExecutorSwitch } from "./execution/compiled-executor.js";
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
  /** The executable schema (benchmarks run it without Apollo as a baseline). */
  readonly schema: GraphQLSchema;
  /** Which executor runs GraphQL operations (GRAPHQL_JIT); tests flip it to compare answers. */
  readonly executor: ExecutorSwitch;
  close(): Promise<void>;
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

/** Builds and starts the HTTP server: GraphQL, the sandbox, upstream callbacks, downloads, health. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, db, logger, cipher } = deps;
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  const app = express();
  app.disable("x-powered-by");
  // JSON POSTs to /graphql skip express (see createGraphqlHandler); everything else is express's.
  let graphqlHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | null = null;
  const httpServer = http.createServer((req, res) => {
    if (graphqlHandler === null || !graphqlHandler(req, res)) void app(req, res);
  });

  // Known once listening (PORT may be 0); everything that needs our own address reads it late.
  let ownUrl = "";
  const publicUrl = () => config.publicUrl ?? ownUrl;
  const sandboxBaseUrl = () => `${ownUrl}/sandbox`;

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
    transport: deps.transport,
    timeoutMs: timings.upstreamTimeoutMs,
  });
  const tracker = new StatusTracker({ checkDelayMs: timings.checkDelayMs, maxCheckDelayMs: timings.maxCheckDelayMs, logger });
  // Status feeds: every stored change becomes one logged event, then reaches subscribers and webhooks.
  const feedBus = createFeedBus({ redisUrl: config.redisUrl, logger: logger.child({ component: "feed-bus" }) });
  const eventLog = new EventLog({ bus: feedBus, logger: logger.child({ component: "event-log" }) });
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

  const schema = await buildGatewaySchema({
    adminEnabled: config.adminToken !== null,
    products,
    tenantAdmin: new TenantAdminService(cipher),
    orders,
    queries: new RequestQueryService(blindIndexKey),
    downloads,
    sandbox: new SandboxControl(clients, sandboxBaseUrl),
    webhooks,
    pubSub: feedBus.pubSub,
  });
  const development = config.nodeEnv === "development";
  const production = config.nodeEnv === "production";
  const metrics = createMetrics();
  // Rate limits per API key (token buckets); over Redis when configured, so every replica spends from one budget.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : undefined;
  redis?.on("error", (err) => logger.warn({ err: err.message }, "rate limit Redis unavailable; limits fall back to this process"));
  const generalLimiter = createRateLimiter({ ...generalRateLimit, points: config.rateLimitPerMinute, redis });
  const placeOrderLimiter = createRateLimiter({ ...placeOrderRateLimit, points: config.orderRateLimitPerMinute, redis });
  const queryLimits = defaultQueryLimits(config.nodeEnv);
  const executor: ExecutorSwitch = { jit: config.graphqlJit };
  const queryLimitsMemo = new QueryLimitsMemo(schema, queryLimits);
  const apollo = new ApolloServer<Context>({
    // Apollo's hook for a custom executor: operations compiled by graphql-jit (GRAPHQL_JIT=off: graphql-js).
    gateway: compiledExecutorGateway(schema, executor),
    formatError: formatError(logger, development),
    includeStacktraceInErrorResponses: false,
    // Apollo's default landing page loads from a CDN; we serve GraphiQL from local files instead.
    // Introspection stays on here: complexityPlugin refuses it in production with INTROSPECTION_DISABLED.
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; without this plugin Apollo need not wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      metrics.graphqlPlugin,
      // A plugin, not validationRules: Apollo would rewrite the limits' codes to GRAPHQL_VALIDATION_FAILED.
      memoisedQueryLimitsPlugin(queryLimitsMemo),
      rateLimitPlugin<Context>({ general: generalLimiter, perRootField: { placeOrder: placeOrderLimiter }, keyOf: (ctx) => ctx.apiKeyHash }),
    ],
  });
  await apollo.start();

  const httpLogger = logger.child({ component: "http" });
  graphqlHandler = createGraphqlHandler({
    apollo,
    context: (req) => buildContext(req.headers.authorization, { adminToken: config.adminToken, logger, catalogue: products }),
    maxBodyBytes: MAX_GRAPHQL_BODY_BYTES,
    logger,
    onRequest: (req, res) => logRequestOnFinish(httpLogger, req, res),
  });
  app.use(accessLog(httpLogger));
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
      limiter: generalLimiter,
      keyOf: (req) => {
        const token = bearerToken(req.get("authorization"));
        // The gateway's own calls for its tenants were already counted at the GraphQL edge.
        return token === null || clients.verifySandboxToken(token) !== null ? null : token;
      },
      onLimited: (res, err) =>
        res.json({ data: null, success: false, message: `rate limit exceeded: retry in ${Math.ceil(err.retryAfterMs / 1000)} s`, error: 429 }),
    }),
    sandbox.router,
  );
  if (!production) app.use(graphiqlRouter());

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
      context: ({ req }) => buildContext(req.headers.authorization, { adminToken: config.adminToken, logger, catalogue: products }),
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
    adminToken: config.adminToken,
    logger,
    formatError: formatError(logger, development),
    limitErrors: (document, variables, operationName) => queryLimitsMemo.errors(document, variables, operationName),
  });

  return {
    url: ownUrl,
    port,
    httpServer,
    sandbox,
    reconciler,
    tracker,
    schema,
    executor,
    async close() {
      await reconciler.stop();
      await graphqlWs.dispose();
      await webhooks.stop();
      await feedBus.close();
      await sandbox.stop();
      redis?.disconnect();
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
