/**
 * GraphQL over HTTP: the `products` query (a short and an 8-field selection) and a 50-request list
 * (with product, applicant and shipment) through the whole gateway, next to peers measured in the
 * same run: a bare Node HTTP server answering the same bytes (the ceiling), Fastify + Mercurius
 * with graphql-jit serving the same operation on the same schema from memory, and plain graphql-js
 * executing the same operation on the same schema and context behind a bare Node server (the
 * gateway minus Apollo and express), and the gateway itself with its fast path off (every request
 * through Apollo's pipeline). Each at 32 and 50 connections.
 *
 * Environment: BENCH_SECONDS (3), BENCH_ROUNDS (3), BENCH_CONNECTIONS ("32,50"),
 * BENCH_OPS (comma-separated names among products-short, products, list; all by default).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { execute, parse, printSchema } from "graphql";
import Fastify from "fastify";
import mercurius from "mercurius";
import { startTestGateway, type TestGateway } from "../test/helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../test/helpers/orders.js";
import { pino } from "pino";
import { buildContext } from "../src/context.js";
import { median, printTable } from "./lib.js";
import { sandboxPut } from "../test/helpers/sandbox-control.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "32,50").split(",").map(Number);
const OPS = process.env.BENCH_OPS?.split(",") ?? null;

export const LIST_50 = `{ signatureRequests(first: 50) { edges { cursor node {
  id requestCode status productCode createdAt
  product { code name family price { amountCents currency } }
  applicant { firstName lastName taxCodeMasked }
  shipment { speed trackingCode estimatedDelivery }
} } pageInfo { hasNextPage endCursor } } }`;
export const PRODUCTS = "{ products { code name authority family blank price { amountCents currency } requires } }";
export const PRODUCTS_SHORT = "{ products { code name price { amountCents currency } } }";
export const OPERATIONS = [
  ["products-short", "products (short)", PRODUCTS_SHORT],
  ["products", "products (8 fields)", PRODUCTS],
  ["list", "list of 50 requests", LIST_50],
] as const;

/**
 * Fastify + Mercurius (graphql-jit after the first request) on the gateway's SDL, answering from
 * memory with the data the gateway answered: what a compiled GraphQL stack costs on this machine.
 */
async function mercuriusPeer(sdl: string, data: Record<string, unknown>): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  await app.register(mercurius, {
    schema: sdl,
    resolvers: { Query: { products: () => data.products, signatureRequests: () => data.signatureRequests } } as never,
    jit: 1,
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function load(url: string, body: string, apiKey: string, connections: number): Promise<{ rps: number; p50: number; p99: number }> {
  const rps: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const result = await autocannon({
      url: `${url}/graphql`,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body,
      connections,
      duration: SECONDS,
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    rps.push(result.requests.average);
    p50.push(result.latency.p50);
    p99.push(result.latency.p99);
  }
  return { rps: median(rps), p50: median(p50), p99: median(p99) };
}

/** A test gateway (rate limits lifted) with one TEST tenant holding 50 orders: half signature kits, half readers. */
export async function startSeededGateway(env: Record<string, string> = {}): Promise<{ gw: TestGateway; apiKey: string }> {
  const gw = await startTestGateway(env);
  const { apiKey } = await gw.tenant("TEST", "bench");
  await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000 });
  for (let i = 0; i < 50; i++) {
    const input = i % 2 === 0
      ? { productCode: "KIT", signature: { applicant: applicantInput({ lastName: `Bench${i}` }) } }
      : { productCode: "LETTORE", device: { recipient: recipientInput() } };
    const res = await gw.graphql(PLACE_ORDER, { input, key: randomUUID() }, apiKey);
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  }
  return { gw, apiKey };
}

/** Runs the GraphQL benchmark (see the file comment). */
export async function run(): Promise<void> {
  const { gw, apiKey } = await startSeededGateway();

  const rows: (string | number)[][] = [];
  const sdl = printSchema(gw.server.schema);
  for (const [id, name, query] of OPERATIONS) {
    if (OPS !== null && !OPS.includes(id)) continue;
    const body = JSON.stringify({ query });
    const answer = await (await fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body })).text();
    const bytes = Buffer.from(answer);
    const data = (JSON.parse(answer) as { data: Record<string, unknown> }).data;

    const bare = await listen((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length }).end(bytes));
    });
    const document = parse(query);
    const logger = pino({ level: "silent" });
    const plain = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        // Parse the body like any server must; the document itself is parsed once, as Apollo caches it.
        JSON.parse(Buffer.concat(chunks).toString());
        const contextValue = await buildContext(req.headers.authorization, { adminToken: null, logger });
        const result = await execute({ schema: gw.server.schema, document, contextValue });
        const out = JSON.stringify(result);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) }).end(out);
      });
    });
    const merc = await mercuriusPeer(sdl, data);
    const mercAnswer = await (await fetch(`${merc.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body })).text();
    // The data must match; the gateway's answer also carries extensions.cost.
    const dataOf = (text: string) => JSON.stringify((JSON.parse(text) as { data?: unknown }).data);
    if (dataOf(mercAnswer) !== dataOf(answer)) throw new Error(`${name}: Mercurius answers differently from the gateway`);

    for (const connections of CONNECTIONS) {
      // Interleaved: each target runs while the machine is in about the same state.
      const ceiling = await load(bare.url, body, apiKey, connections);
      const jit = await load(merc.url, body, apiKey, connections);
      const graphqlJs = await load(plain.url, body, apiKey, connections);
      const gateway = await load(gw.url, body, apiKey, connections);
      // The same gateway with every request through Apollo's pipeline (GRAPHQL_FAST_PATH=off).
      gw.server.executor.fastPath = false;
      const apolloPath = await load(gw.url, body, apiKey, connections);
      gw.server.executor.fastPath = true;
      const label = `${name}, ${connections} conn`;
      rows.push([`${label}: bare node (ceiling)`, ceiling.rps, ceiling.p50, ceiling.p99, 1, ceiling.rps / jit.rps]);
      rows.push([`${label}: Fastify + Mercurius (jit)`, jit.rps, jit.p50, jit.p99, jit.rps / ceiling.rps, 1]);
      rows.push([`${label}: graphql-js, no Apollo`, graphqlJs.rps, graphqlJs.p50, graphqlJs.p99, graphqlJs.rps / ceiling.rps, graphqlJs.rps / jit.rps]);
      rows.push([`${label}: gateway`, gateway.rps, gateway.p50, gateway.p99, gateway.rps / ceiling.rps, gateway.rps / jit.rps]);
      rows.push([`${label}: gateway, fast path off`, apolloPath.rps, apolloPath.p50, apolloPath.p99, apolloPath.rps / ceiling.rps, apolloPath.rps / jit.rps]);
    }
    await bare.close();
    await plain.close();
    await merc.close();
  }
  console.log(`${SECONDS} s x ${ROUNDS} rounds each, medians; latencies in ms; ratios to the ceiling and to Mercurius+jit`);
  printTable(["target", "req/s", "p50 ms", "p99 ms", "x ceiling", "x jit"], rows);
  await gw.close();
}
