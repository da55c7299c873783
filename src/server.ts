import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler } from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { buildContext, type Context } from "./context.js";
import { buildGatewaySchema } from "./schema.js";
import { AppError } from "./errors/index.js";

export interface ServerDeps {
  config: Config;
  db: Database;
  logger: Logger;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly httpServer: http.Server;
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

/** Builds and starts the HTTP server: GraphQL, health and readiness. */
export async function startServer(deps: ServerDeps): Promise<RunningServer> {
  const { config, db, logger } = deps;
  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer(app);

  const schema = await buildGatewaySchema({ adminEnabled: config.adminToken !== null });
  const development = config.nodeEnv === "development";
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError(logger, development),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const ok = await db.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", database: ok ? "up" : "down" });
  });

  app.use(
    "/graphql",
    express.json({ limit: "2mb" }),
    expressMiddleware(apollo, {
      context: ({ req }) => buildContext(req.headers.authorization, { adminToken: config.adminToken, logger }),
    }),
  );

  const onError: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, "unhandled HTTP error");
    res.status(status).json({
      errors: [{ message: status === 500 ? "internal server error" : String((err as Error).message), extensions: { code: status === 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST" } }],
    });
  };
  app.use(onError);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url }, "gateway listening");

  return {
    url,
    port,
    httpServer,
    async close() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
