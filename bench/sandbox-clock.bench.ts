/**
 * Sandbox clock advance: how long `POST /sandbox/_clock/advance` takes (through the service, no
 * HTTP) when 1,000 open signature requests in identification become due and each passes two states
 * (in_riconoscimento → in_lavorazione → evasa), without and with callbacks to a local listener.
 * Baselines in the same run: 1,000 bare `updateOne` calls awaited one by one, and one bulkWrite of
 * 1,000 updates, on the same engine. Target (issue 10): the advance with callbacks under 500 ms on
 * the reference machine, where the bulkWrite baseline takes about 120 ms (so about 4× it).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import mongoose from "mongoose";
import { pino } from "pino";
import { loadEncryptionKeys } from "../src/security/index.js";
import { Types } from "mongoose";
import { startEngine } from "../src/db/embedded/index.js";
import { createSandbox, type Sandbox } from "../src/sandbox/index.js";
import { sandboxRequestModel, type SandboxRequestDoc } from "../src/sandbox/models/index.js";
import { formatNumber, median, printTable } from "./lib.js";
import { jpegBuffer, pdfBuffer, validOrderBody } from "../test/helpers/fixtures.js";

export const REQUESTS = 1_000;
const ROUNDS = 3;
const NOW = new Date("2026-06-10T08:00:00Z");
export const MONTH_SECONDS = 30 * 24 * 3600;

/** An engine, a sandbox on it and a callback listener, with a way to seed a tenant's due requests. */
export interface ClockBench {
  sandbox: Sandbox;
  connection: mongoose.Connection;
  /** Callbacks the listener has received so far. */
  received(): number;
  /** Gives `tenantId` REQUESTS requests in identification (one real order, cloned), with or without callbacks. */
  seed(tenantId: string, callbacks: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Starts what the benchmark (and bench/profile-clock.ts) advance clocks on. */
export async function startClockBench(): Promise<ClockBench> {
  const engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null });
  const connection = await mongoose
    .createConnection(`${engine.uri}/bench_sandbox`, { directConnection: true, retryWrites: false })
    .asPromise();
  let received = 0;
  const listener = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received += 1;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;
  const sandbox = createSandbox({
    connection,
    logger: pino({ level: "silent" }),
    resolveTenant: async () => null,
    cipher: await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true }),
    now: () => NOW,
    tickMs: 0,
    allowPrivateCallbackTargets: true,
  });
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
  const requests = sandboxRequestModel(connection);
  const modulo = (await pdfBuffer()).toString("base64");
  const documento = jpegBuffer().toString("base64");

  // One real order through the service, cloned: the clones are exactly what orders would store.
  async function seed(tenantId: string, callbacks: boolean): Promise<void> {
    await sandbox.service.setWallet(tenantId, 1_000_000);
    const body = { ...validOrderBody("firme"), ...(callbacks ? { callback: { url: hookUrl, method: "JSON" } } : { callback: undefined }) };
    const order = (await sandbox.service.order(tenantId, "FIR", body)) as { id: string };
    await sandbox.service.patch(tenantId, order.id, { modulo, documento });
    const proto = (await requests.findById(order.id).lean()) as SandboxRequestDoc;
    const clones = Array.from({ length: REQUESTS - 1 }, () => ({ ...proto, _id: new Types.ObjectId() }));
    await requests.insertMany(clones, { lean: true });
  }

  return {
    sandbox,
    connection,
    received: () => received,
    seed,
    async close() {
      await sandbox.stop();
      await connection.close();
      listener.closeAllConnections();
      await new Promise<void>((r) => listener.close(() => r()));
      await engine.close();
    },
  };
}

/** Runs the benchmark and prints its table. */
export async function run(): Promise<void> {
  const bench = await startClockBench();
  const { sandbox, connection } = bench;

  const rows: (string | number)[][] = [];
  for (const callbacks of [false, true]) {
    const times: number[] = [];
    let transitions = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const tenantId = `bench_${callbacks ? "cb" : "nocb"}_${r}`;
      await bench.seed(tenantId, callbacks);
      const t0 = performance.now();
      const result = await sandbox.service.advance(tenantId, MONTH_SECONDS);
      times.push(performance.now() - t0);
      transitions = result.transitions;
    }
    rows.push([
      `advance, ${REQUESTS} due, ${callbacks ? "with" : "no"} callbacks`,
      transitions,
      formatNumber(median(times), 0),
      formatNumber(Math.min(...times), 0),
      formatNumber(Math.max(...times), 0),
    ]);
  }

  const raw = connection.collection("bench_baseline");
  await raw.insertMany(Array.from({ length: REQUESTS }, (_, i) => ({ _id: i, n: 0 })) as never[]);
  const single: number[] = [];
  const bulk: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) await raw.updateOne({ _id: i } as never, { $set: { n: r } });
    single.push(performance.now() - t0);
    t0 = performance.now();
    await raw.bulkWrite(Array.from({ length: REQUESTS }, (_, i) => ({ updateOne: { filter: { _id: i } as never, update: { $set: { n: -r } } } })));
    bulk.push(performance.now() - t0);
  }
  rows.push([`baseline: ${REQUESTS} updateOne, one by one`, REQUESTS, formatNumber(median(single), 0), formatNumber(Math.min(...single), 0), formatNumber(Math.max(...single), 0)]);
  rows.push([`baseline: one bulkWrite of ${REQUESTS} updates`, REQUESTS, formatNumber(median(bulk), 0), formatNumber(Math.min(...bulk), 0), formatNumber(Math.max(...bulk), 0)]);
  printTable(["case", "writes/transitions", "median ms", "min ms", "max ms"], rows);
  console.log(`callbacks received by the listener: ${bench.received()}`);

  await bench.close();
}
