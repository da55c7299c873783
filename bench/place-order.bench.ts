/**
 * `placeOrder` through the sandbox over loopback, with RATE_LIMIT=off: the whole gateway (GraphQL,
 * validation, idempotency, the provider client's HTTP call to /sandbox, the sandbox's order, the
 * stored request). Baselines in the same run: the sandbox's own REST order (`POST
 * /sandbox/richiesta/KIT` with the same key, no gateway in front), and a plain `insertOne` of a
 * document of the same size on the same engine. Target: ≥ 300 orders a second.
 *
 * The three cases take turns round by round, so a machine whose load changes during the run
 * weighs on each alike and the ratios stay readable. Also printed: the database commands one order
 * sends (gateway and sandbox together, its callback included), and the process's CPU time per
 * operation (all threads: the engine's worker too), steadier than rates on a shared machine.
 */
import { randomUUID } from "node:crypto";
import { startTestGateway } from "../test/helpers/gateway.js";
import { applicantInput, PLACE_ORDER } from "../test/helpers/orders.js";
import { sandboxPut } from "../test/helpers/sandbox-control.js";
import { validAnagrafica } from "../test/helpers/fixtures.js";
import { formatNumber, printTable, runConcurrent, summarise, type RoundResult, type RoundsSummary } from "./lib.js";

const OPS = 300;
const CONCURRENCY = 16;
const ROUNDS = 3;

/** Runs the benchmark and prints its table. */
export async function run(): Promise<void> {
  const gw = await startTestGateway({ RATE_LIMIT: "off" });
  try {
    const { apiKey } = await gw.tenant("TEST", "bench-orders");
    if ((await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000_000 })) !== 200) throw new Error("could not fill the sandbox wallet");
    // The catalogue is fetched once per process; keep that out of the timed rounds.
    await gw.graphql("{ products { code } }", {}, apiKey);

    const input = { productCode: "KIT", signature: { applicant: applicantInput() } };
    const placeOrder = async () => {
      const res = await gw.graphql(PLACE_ORDER, { input, key: randomUUID() }, apiKey);
      if (res.status !== 200 || res.body.errors) throw new Error(`placeOrder failed: ${res.status} ${JSON.stringify(res.body.errors)}`);
    };

    const restBody = JSON.stringify({ assistenza: false, urgenza: false, spedizione: "ordinaria", anagrafica: validAnagrafica() });
    const sandboxRest = async () => {
      const res = await fetch(`${gw.url}/sandbox/richiesta/KIT`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: restBody,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`sandbox order failed: ${res.status} ${text}`);
    };

    const scratch = gw.db.connection.collection("bench_place_order");
    const payload = { body: restBody, padding: "x".repeat(2_000) };
    const insert = async () => {
      await scratch.insertOne({ ...payload, at: new Date() });
    };

    // One order alone, its callback given time to land: every command it causes, in order.
    const commands = await gw.countCommands(async () => {
      await placeOrder();
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    const perOrder = commands.filter((c) => c.collection !== "webhookdeliveries");

    const cases = [placeOrder, sandboxRest, insert];
    const rounds: RoundResult[][] = cases.map(() => []);
    const cpuMs: number[] = cases.map(() => 0);
    for (let r = 0; r <= ROUNDS; r++) {
      for (const [i, op] of cases.entries()) {
        const cpu = process.cpuUsage();
        const round = await runConcurrent({ ops: OPS, concurrency: CONCURRENCY }, op);
        const used = process.cpuUsage(cpu);
        // Round 0 warms up.
        if (r === 0) continue;
        rounds[i]!.push(round);
        cpuMs[i]! += (used.user + used.system) / 1000;
      }
    }
    const [orders, rest, inserts] = rounds.map(summarise) as [RoundsSummary, RoundsSummary, RoundsSummary];
    const cpuPerOp = cpuMs.map((ms) => ms / (OPS * ROUNDS));

    const row = (name: string, s: RoundsSummary, cpu: number) => [
      name,
      formatNumber(s.medianOpsPerSec, 0),
      formatNumber(s.minOpsPerSec, 0),
      formatNumber(s.maxOpsPerSec, 0),
      formatNumber(s.p50Ms, 1),
      formatNumber(s.p99Ms, 1),
      formatNumber(cpu, 2),
    ];
    printTable(
      ["case (RATE_LIMIT=off, " + `${CONCURRENCY} in flight)`, "median/s", "min/s", "max/s", "p50 ms", "p99 ms", "CPU ms/op"],
      [
        row("placeOrder through the gateway and sandbox", orders, cpuPerOp[0]!),
        row("baseline: sandbox REST POST /richiesta/KIT", rest, cpuPerOp[1]!),
        row("baseline: plain insertOne, same engine", inserts, cpuPerOp[2]!),
      ],
    );
    const ratio = (a: RoundsSummary, b: RoundsSummary) => formatNumber(a.medianOpsPerSec / b.medianOpsPerSec, 3);
    console.log(`placeOrder / sandbox REST: ${ratio(orders, rest)}; placeOrder / insertOne: ${ratio(orders, inserts)}`);
    const byCollection = new Map<string, number>();
    for (const c of perOrder) byCollection.set(`${c.name} ${String(c.collection)}`, (byCollection.get(`${c.name} ${String(c.collection)}`) ?? 0) + 1);
    console.log(`database commands for one order: ${perOrder.length} (${[...byCollection].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(", ")})`);
  } finally {
    await gw.close();
  }
}
