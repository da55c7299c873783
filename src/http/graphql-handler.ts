import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Logger } from "pino";

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
}

/**
 * POST /graphql with a JSON body straight on node:http, without express: reads the body (within
 * `maxBodyBytes`), hands it to Apollo's `executeHTTPGraphQLRequest` (which applies CSRF
 * prevention and answers protocol errors) and writes its answer. Returns false for any other
 * request, or a JSON body in another charset or compressed, which express serves as before.
 */
export function createGraphqlHandler<TContext extends BaseContext>(opts: GraphqlHandlerOptions<TContext>) {
  const { apollo, maxBodyBytes, logger } = opts;

  async function handle(req: IncomingMessage, res: ServerResponse, search: string): Promise<void> {
    const declared = Number(req.headers["content-length"]);
    if (declared > maxBodyBytes) {
      req.resume();
      sendError(res, 413, "PAYLOAD_TOO_LARGE", "request entity too large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk);
    }
    if (tooLarge) {
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
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search, body },
      context: () => opts.context(req),
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
