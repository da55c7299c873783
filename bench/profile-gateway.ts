/**
 * Loads the gateway with one operation while the load generator runs in another process, and
 * CPU-profiles this process (V8's sampling profiler, as `--cpu-prof`) during the load only, so the
 * profile is the gateway's alone, without startup and seeding:
 *
 *   npx tsx bench/profile-gateway.ts products-short 50 10 /tmp/products.cpuprofile
 *   npx tsx bench/profile-shares.ts /tmp/products.cpuprofile
 *
 * Arguments: operation (products-short, products or list; see OPERATIONS in graphql.bench.ts),
 * connections (50), seconds (10), output file (none: no profile, only the load figures).
 * GRAPHQL_JIT, RATE_LIMIT and LIST_CACHE from the environment reach the gateway's configuration.
 * Prints requests per second, latencies, the gateway's CPU time per request (steadier than rates on
 * a shared machine) and the process's RSS before and after.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { OPERATIONS, startSeededGateway } from "./graphql.bench.js";

const [opId = "products-short", connections = "50", seconds = "10", out] = process.argv.slice(2);
const operation = OPERATIONS.find(([id]) => id === opId);
if (!operation) throw new Error(`unknown operation ${opId}: expected one of ${OPERATIONS.map(([id]) => id).join(", ")}`);

const passThrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => k === "GRAPHQL_JIT" || k === "RATE_LIMIT" || k === "LIST_CACHE")) as Record<string, string>;
const { gw, apiKey } = await startSeededGateway(passThrough);
const mib = () => `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`;
console.log(`gateway at ${gw.url}, seeded; RSS ${mib()}`);
const session = new Session();
if (out) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const autocannon = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
const child = spawn(
  process.execPath,
  [autocannon, "-j", "-c", connections, "-d", seconds, "-m", "POST", "-H", "content-type=application/json", "-H", `authorization=Bearer ${apiKey}`, "-b", JSON.stringify({ query: operation[2] }), `${gw.url}/graphql`],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const cpuBefore = process.cpuUsage();
let output = "";
child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
await new Promise<void>((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`autocannon exited with ${code}`)))));
const cpu = process.cpuUsage(cpuBefore);
const result = JSON.parse(output) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / result.requests.total;
console.log(
  `${opId}, ${connections} connections: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
    `${result.non2xx} non-2xx, ${result.errors} errors; gateway CPU ${cpuMsPerRequest.toFixed(2)} ms per request`,
);
if (out) {
  const { profile } = await session.post("Profiler.stop");
  await writeFile(out, JSON.stringify(profile));
  console.log(`profile written to ${out}`);
}
console.log(`RSS after load ${mib()}`);
await gw.close();
process.exit(0);
