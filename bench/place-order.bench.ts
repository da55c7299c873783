/**
 * `placeOrder` through the sandbox over loopback, with RATE_LIMIT=off: the whole gateway (GraphQL,
 * validation, idempotency, the provider client's HTTP call to /sandbox, the sandbox's order, the
 * stored request). Baselines in the same run: the sandbox's own REST order (`POST
 * /sandbox/richiesta/KIT` with the same key, no gateway in front), and a plain `insertOne` of a
 * document of the same size on the same engine. Target: ≥ 300 orders a second.
 */
import { randomUUID } from "node:crypto";
import { startTestGateway } from "../test/helpers/gateway.js";
import { applicantInput, PLACE_ORDER } from "../test/helpers/orders.js";
import { sandboxPut } from "../test/helpers/sandbox-control.js";
import { validAnagrafica } from "../test/helpers/fixtures.js";
import { formatNumber, printTable, timedRounds, type RoundsSummary } from "./lib.js";

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
    const placeOrder = await timedRounds({ ops: OPS, concurrency: CONCURRENCY, rounds: ROUNDS }, async () => {
      const res = await gw.graphql(PLACE_ORDER, { input, key: randomUUID() }, apiKey);
      if (res.status !== 200 || res.body.errors) throw new Error(`placeOrder failed: ${res.status} ${JSON.stringify(res.body.errors)}`);
    });

    const restBody = JSON.stringify({ assistenza: false, urgenza: false, spedizione: "ordinaria", anagrafica: validAnagrafica() });
    const sandboxRest = await timedRounds({ ops: OPS, concurrency: CONCURRENCY, rounds: ROUNDS }, async () => {
      const res = await fetch(`${gw.url}/sandbox/richiesta/KIT`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: restBody,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`sandbox order failed: ${res.status} ${text}`);
    });

    const scratch = gw.db.connection.collection("bench_place_order");
    const payload = { body: restBody, padding: "x".repeat(2_000) };
    const insert = await timedRounds({ ops: OPS, concurrency: CONCURRENCY, rounds: ROUNDS }, async () => {
      await scratch.insertOne({ ...payload, at: new Date() });
    });

    const row = (name: string, s: RoundsSummary) => [
      name,
      formatNumber(s.medianOpsPerSec, 0),
      formatNumber(s.minOpsPerSec, 0),
      formatNumber(s.maxOpsPerSec, 0),
      formatNumber(s.p50Ms, 1),
      formatNumber(s.p99Ms, 1),
    ];
    printTable(
      ["case (RATE_LIMIT=off, " + `${CONCURRENCY} in flight)`, "median/s", "min/s", "max/s", "p50 ms", "p99 ms"],
      [
        row("placeOrder through the gateway and sandbox", placeOrder),
        row("baseline: sandbox REST POST /richiesta/KIT", sandboxRest),
        row("baseline: plain insertOne, same engine", insert),
      ],
    );
  } finally {
    await gw.close();
  }
}
