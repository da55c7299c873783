/**
 * GraphQL over HTTP: the `products` query and a 50-request list (with product, applicant and
 * shipment) through the whole gateway, next to two baselines measured in the same run: a bare
 * Node HTTP server answering the same bytes (the ceiling), and plain graphql-js executing the same
 * operation on the same schema and context behind a bare Node server (the gateway minus Apollo
 * and express). Then the list query once more on two fresh gateways, the embedded engine in-process
 * and in a worker thread (the default), to show what moving it off the event loop buys.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { execute, parse } from "graphql";
import { startTestGateway, type TestGateway } from "../test/helpers/gateway.js";
import type { EngineThread } from "../src/db/connect.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../test/helpers/orders.js";
import { pino } from "pino";
import { buildContext } from "../src/context.js";
import { median, printTable } from "./lib.js";
import { sandboxPut } from "../test/helpers/sandbox-control.js";

const CONNECTIONS = 32;
const SECONDS = 3;
const ROUNDS = 3;

const LIST_50 = `{ signatureRequests(first: 50) { edges { cursor node {
  id requestCode status productCode createdAt
  product { code name family price { amountCents currency } }
  applicant { firstName lastName taxCodeMasked }
  shipment { speed trackingCode estimatedDelivery }
} } pageInfo { hasNextPage endCursor } } }`;
const PRODUCTS = "{ products { code name authority family blank price { amountCents currency } requires } }";

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function load(url: string, body: string, apiKey: string): Promise<{ rps: number; p50: number; p99: number }> {
  const rps: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const result = await autocannon({
      url: `${url}/graphql`,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body,
      connections: CONNECTIONS,
      duration: SECONDS,
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    rps.push(result.requests.average);
    p50.push(result.latency.p50);
    p99.push(result.latency.p99);
  }
  return { rps: median(rps), p50: median(p50), p99: median(p99) };
}

/** A tenant with 50 placed orders (half KIT with an applicant, half LETTORE with a shipment). */
async function seed(gw: TestGateway): Promise<string> {
  const { apiKey } = await gw.tenant("TEST", "bench");
  await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000 });
  for (let i = 0; i < 50; i++) {
    const input = i % 2 === 0
      ? { productCode: "KIT", signature: { applicant: applicantInput({ lastName: `Bench${i}` }) } }
      : { productCode: "LETTORE", device: { recipient: recipientInput() } };
    const res = await gw.graphql(PLACE_ORDER, { input, key: randomUUID() }, apiKey);
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  }
  return apiKey;
}

/** The list query against a fresh gateway whose embedded engine runs on `engineThread`. */
async function listOn(engineThread: EngineThread): Promise<{ rps: number; p50: number; p99: number }> {
  const gw = await startTestGateway({}, {}, { engineThread });
  try {
    const apiKey = await seed(gw);
    return await load(gw.url, JSON.stringify({ query: LIST_50 }), apiKey);
  } finally {
    await gw.close();
  }
}

/** Runs the GraphQL benchmark (see the file comment). */
export async function run(): Promise<void> {
  const gw = await startTestGateway();
  const apiKey = await seed(gw);

  const rows: (string | number)[][] = [];
  for (const [name, query] of [["products", PRODUCTS], ["list of 50 requests", LIST_50]] as const) {
    const body = JSON.stringify({ query });
    const answer = await (await fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body })).text();
    const bytes = Buffer.from(answer);

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

    const ceiling = await load(bare.url, body, apiKey);
    const graphqlJs = await load(plain.url, body, apiKey);
    const gateway = await load(gw.url, body, apiKey);
    await bare.close();
    await plain.close();
    rows.push([`${name}: bare node (ceiling)`, ceiling.rps, ceiling.p50, ceiling.p99, 1]);
    rows.push([`${name}: graphql-js, no Apollo`, graphqlJs.rps, graphqlJs.p50, graphqlJs.p99, graphqlJs.rps / ceiling.rps]);
    rows.push([`${name}: gateway (Apollo)`, gateway.rps, gateway.p50, gateway.p99, gateway.rps / ceiling.rps]);
    rows.push([`${name}: gateway / graphql-js`, "", "", "", gateway.rps / graphqlJs.rps]);
  }
  console.log(`${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds each, medians; latencies in ms`);
  printTable(["target", "req/s", "p50 ms", "p99 ms", "ratio"], rows);
  await gw.close();

  const inprocess = await listOn("inprocess");
  const worker = await listOn("worker");
  console.log("\nlist of 50 requests, embedded engine in-process vs in a worker thread (fresh gateway each)");
  printTable(
    ["engine", "req/s", "p50 ms", "p99 ms", "ratio"],
    [
      ["in-process", inprocess.rps, inprocess.p50, inprocess.p99, 1],
      ["worker thread", worker.rps, worker.p50, worker.p99, worker.rps / inprocess.rps],
    ],
  );
}
