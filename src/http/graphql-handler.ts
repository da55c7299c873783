import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Logger } from "pino";
import { setPrepaidCost, type FastPath, type FastPathContext } from "../execution/fast-path.js";

/** Answers a request in the shape the express error handler gives (server.ts `onError`). */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** Whether a POST body can take the direct path: JSON in UTF-8, not compressed (others go to express). */
function plainJson(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  if (type === undefined) return false;
  const semi = type.indexOf(";");
  if ((semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() !== "application/json") return false;
  if (semi !== -1) {
    const params = type.slice(semi + 1).toLowerCase().replace(/\s/g, "");
    if (params !== "" && params !== "charset=utf-8") return false;
  }
  const encoding = req.headers["content-encoding"];
  return encoding === undefined || encoding.toLowerCase() === "identity";
}

export interface GraphqlHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Largest body in bytes; larger ones are answered 413 PAYLOAD_TOO_LARGE. */
  maxBodyBytes: number;
  logger: Logger;
  /** Called once per request taken, to log it (the access log). */
  onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** Queries Apollo has already accepted, answered without its pipeline (see execution/fast-path.ts). */
  fastPath?: {
    path: FastPath;
    /** Read per request (GRAPHQL_FAST_PATH; tests compare both paths on one server). */
    enabled: () => boolean;
    /** The metrics of an operation answered on the fast path. */
    record: (operationName: string | null, startedNs: bigint) => void;
  };
}

/** The body's chunks, or null past `max` bytes (reading stops there). Events, not an async iterator: cheaper per request. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer[] | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks));
    req.once("error", reject);
    // A client gone before the end: nothing to answer.
    req.once("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}

/** Accept headers under which Apollo answers a single result as application/json (others go to Apollo). */
const JSON_ACCEPTS = new Set(["*/*", "application/json", "application/json, */*", "application/json,*/*"]);

function writeJson(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * POST /graphql with a JSON body straight on node:http, without express: reads the body (within
 * `maxBodyBytes`); answers a query Apollo has already accepted on the fast path when it can, and
 * otherwise hands the body to Apollo's `executeHTTPGraphQLRequest` (which applies CSRF prevention
 * and answers protocol errors) and writes its answer. Returns false for any other
 * request, or a JSON body in another charset or compressed, which express serves as before.
 */
export function createGraphqlHandler<TContext extends BaseContext & FastPathContext>(opts: GraphqlHandlerOptions<TContext>) {
  const { apollo, maxBodyBytes, logger, fastPath } = opts;

  /**
   * Answers on the fast path when it can ("answered"). Otherwise, when it built the caller's context
   * on the way, returns it for Apollo (carrying any cost already drawn); undefined when it did not.
   */
  async function answerFast(
    fast: NonNullable<GraphqlHandlerOptions<TContext>["fastPath"]>,
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): Promise<"answered" | (() => Promise<TContext>) | undefined> {
    const accept = req.headers.accept;
    if ((accept !== undefined && !JSON_ACCEPTS.has(accept)) || !fast.enabled()) return undefined;
    const found = fast.path.lookup(body);
    if (found === undefined) return undefined;
    const started = process.hrtime.bigint();
    // A context that cannot be built is Apollo's to report: it builds it again.
    const built = await opts.context(req).catch(() => null);
    if (built === null) return undefined;
    const operationName = (body as { operationName?: string | null }).operationName ?? null;
    const outcome = await fast.path.execute(found, operationName, built);
    if (outcome.kind === "answer") {
      writeJson(res, outcome.body);
      fast.record(outcome.operationName, started);
      return "answered";
    }
    // The cost limit plugin reads it (prepaidCostOf) and draws nothing more.
    if (outcome.prepaid !== null) setPrepaidCost(built, outcome.prepaid);
    return async () => built;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, search: string): Promise<void> {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBodyBytes) {
      req.resume();
      sendError(res, 413, "PAYLOAD_TOO_LARGE", "request entity too large");
      return;
    }
    const chunks = await readBody(req, maxBodyBytes);
    if (chunks === null) {
      sendError(res, 413, "PAYLOAD_TOO_LARGE", "request entity too large");
      req.destroy();
      return;
    }
    const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      // As express.json (strict): an empty body is {}, anything else must be an object or an array.
      body = text.trim() === "" ? {} : JSON.parse(text);
      if (body === null || typeof body !== "object") throw new SyntaxError(`Unexpected token in JSON: ${JSON.stringify(text.slice(0, 20))} is not an object or an array`);
    } catch (err) {
      sendError(res, 400, "BAD_REQUEST", (err as Error).message);
      return;
    }
    const fast = fastPath !== undefined ? await answerFast(fastPath, req, res, body) : undefined;
    if (fast === "answered") return;
    const context = fast ?? (() => opts.context(req));
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search, body },
      context,
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === "complete") {
      res.setHeader("content-length", Buffer.byteLength(answer.body.string));
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /** Takes the request if it is a JSON POST to /graphql (true), else leaves it to the caller (false). */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const q = url.indexOf("?");
    if ((q === -1 ? url : url.slice(0, q)) !== "/graphql" || !plainJson(req)) return false;
    opts.onRequest(req, res);
    handle(req, res, q === -1 ? "" : url.slice(q)).catch((err: unknown) => {
      logger.error({ err }, "unhandled HTTP error");
      if (!res.headersSent) sendError(res, 500, "INTERNAL_SERVER_ERROR", "internal server error");
      else res.destroy();
    });
    return true;
  };
}
