/**
 * Subscription fan-out: N real WebSocket subscribers (graphql-ws, `statusEvents`) on one gateway
 * process, one status change to all of them. Latency runs from the moment the upstream callback is
 * POSTed to the gateway to the moment each subscriber's socket receives the event; memory is the
 * gateway process's heap and RSS growth per subscriber. The baseline, in the same run: a bare `ws`
 * server broadcasting the same bytes to the same number of plain sockets.
 *
 * The subscribers live in a child process (this same file, started with FANOUT_CLIENTS=1) so the
 * gateway's memory figures hold only the server side; both processes stamp times with
 * `performance.timeOrigin + performance.now()`, one wall clock on one machine.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { performance } from "node:perf_hooks";
import WebSocket, { WebSocketServer } from "ws";
import { sandboxPut } from "../test/helpers/sandbox-control.js";

// FANOUT_SIZES=5000 FANOUT_ROUNDS=10 narrow a run (for profiling).
const SIZES = (process.env.FANOUT_SIZES ?? "1000,5000").split(",").map(Number);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
const CONNECT_CONCURRENCY = 250;
const QUERY = "subscription { statusEvents { cursor sequence requestId from to at source } }";

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// Child: the subscribers.

type ToChild =
  | { cmd: "connect"; url: string; n: number; key: string | null }
  | { cmd: "times"; sequence: number }
  | { cmd: "close" };
type FromChild = { ok: "connected"; n: number } | { ok: "times"; times: number[] } | { ok: "closed" } | { error: string };

async function clientMain(): Promise<void> {
  let sockets: WebSocket[] = [];
  /** sequence → receipt time per socket index. */
  const received = new Map<number, number[]>();
  const waiters: Array<() => void> = [];
  const send = (m: FromChild) => process.send!(m);

  /** Arrivals not yet read: stamping comes first and parsing later, so one socket's handling does not delay the next stamp. */
  let arrivals: Array<{ index: number; at: number; data: WebSocket.RawData }> = [];
  const onMessage = (index: number, data: WebSocket.RawData) => {
    arrivals.push({ index, at: now(), data });
    if (arrivals.length === 1) setImmediate(drain);
  };
  const drain = () => {
    const batch = arrivals;
    arrivals = [];
    for (const { index, at, data } of batch) {
      const msg = JSON.parse(String(data)) as { type: string; payload?: { data?: { statusEvents?: { sequence: number } } } };
      const seq = msg.payload?.data?.statusEvents?.sequence;
      if (msg.type !== "next" || seq === undefined) continue;
      let times = received.get(seq);
      if (!times) received.set(seq, (times = []));
      times[index] = at;
    }
    for (const w of waiters.splice(0)) w();
  };

  const open = (url: string, key: string | null, index: number) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = key === null ? new WebSocket(url) : new WebSocket(url, "graphql-transport-ws");
      ws.once("error", reject);
      ws.on("message", (data) => {
        if (key !== null && String(data).includes('"connection_ack"')) {
          ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY } }));
          resolve(ws);
          return;
        }
        onMessage(index, data);
      });
      ws.once("open", () => {
        if (key === null) resolve(ws);
        else ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${key}` } }));
      });
    });

  process.on("message", (m: ToChild) => {
    void (async () => {
      try {
        if (m.cmd === "connect") {
          received.clear();
          sockets = new Array<WebSocket>(m.n);
          let next = 0;
          const lane = async () => {
            while (next < m.n) {
              const i = next++;
              sockets[i] = await open(m.url, m.key, i);
            }
          };
          await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane));
          send({ ok: "connected", n: sockets.length });
        } else if (m.cmd === "times") {
          const complete = () => {
            const times = received.get(m.sequence);
            return times !== undefined && times.filter((t) => t !== undefined).length === sockets.length ? times : null;
          };
          let times = complete();
          while (times === null) {
            await new Promise<void>((resolve) => waiters.push(resolve));
            times = complete();
          }
          send({ ok: "times", times });
        } else {
          await Promise.all(
            sockets.map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once("close", () => resolve()), ws.close())))),
          );
          sockets = [];
          send({ ok: "closed" });
        }
      } catch (err) {
        send({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
      }
    })();
  });
  process.send!({ ok: "closed" });
}

if (process.env.FANOUT_CLIENTS === "1") await clientMain();

// ---------------------------------------------------------------------------------------------
// Parent: the gateway, the baseline server, the measurements.

class Clients {
  private readonly child: ChildProcess;
  private pending: ((m: FromChild) => void) | null = null;
  readonly ready: Promise<FromChild>;

  constructor() {
    this.child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
      env: { ...process.env, FANOUT_CLIENTS: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((resolve) => (this.pending = resolve));
    this.child.on("message", (m: FromChild) => {
      const p = this.pending;
      this.pending = null;
      p?.(m);
    });
  }

  request(m: ToChild): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      this.pending = (answer) => ("error" in answer ? reject(new Error(answer.error)) : resolve(answer));
      this.child.send(m);
    });
  }

  async times(sequence: number): Promise<number[]> {
    return ((await this.request({ cmd: "times", sequence })) as { times: number[] }).times;
  }

  kill(): void {
    this.child.kill();
  }
}

function gcNow(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gcNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Figures {
  p50: number;
  p99: number;
  heapPerSub: number;
  rssPerSub: number;
}

/** A captured upstream callback, replayed at will to cause one status change. */
interface Captured {
  path: string;
  contentType: string;
  body: string;
}

/** Runs the fan-out benchmark (see the file comment). */
export async function run(): Promise<void> {
  const { startTestGateway } = await import("../test/helpers/gateway.js");
  const { PLACE_ORDER, recipientInput } = await import("../test/helpers/orders.js");
  const { printTable } = await import("./lib.js");

  // Upstream's callbacks go here first: held, so each can be replayed to the gateway when measuring.
  const captured: Captured[] = [];
  const catcher = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      captured.push({ path: req.url!, contentType: String(req.headers["content-type"] ?? "application/json"), body });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => catcher.listen(0, "127.0.0.1", () => resolve()));
  // The reconciler stays idle: it would apply the held changes itself.
  // Thousands of subscribers of one tenant, one socket each: past the default MAX_WS_PER_TENANT.
  const gw = await startTestGateway({ PUBLIC_URL: `http://127.0.0.1:${(catcher.address() as AddressInfo).port}`, MAX_WS_PER_TENANT: "1000000" }, { reconcileIntervalMs: 3_600_000 });
  const { apiKey } = await gw.tenant("TEST", "bench");
  await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000 });
  const changes = SIZES.length * (ROUNDS + 1);
  for (let i = 0; i < changes; i++) {
    const res = await gw.graphql(PLACE_ORDER, { input: { productCode: "LETTORE", device: { recipient: recipientInput() } }, key: randomUUID() }, apiKey);
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  }
  captured.length = 0;
  // Card readers ship: one EVASA callback each, held by the catcher.
  await gw.graphql("mutation { advanceSandboxClock(seconds: 5184000) { now } }", {}, apiKey);
  const evasa = captured.filter((c) => c.body.includes(`"stato":"evasa"`));
  if (evasa.length < changes) throw new Error(`expected ${changes} EVASA callbacks, captured ${evasa.length}`);
  let sequence = changes; // each placement was one event

  const clients = new Clients();
  await clients.ready;
  const rows: (string | number)[][] = [];
  /** How long the callback POST itself took (stored, logged, published), per round. */
  const callbackMs: number[] = [];
  const fmt = (f: Figures) => [f.p50.toFixed(1), f.p99.toFixed(1), (f.heapPerSub / 1024).toFixed(1), (f.rssPerSub / 1024).toFixed(1)];
  try {
    for (const n of SIZES) {
      // The gateway.
      const before = await settledMemory();
      await clients.request({ cmd: "connect", url: `${gw.url.replace(/^http/, "ws")}/graphql`, n, key: apiKey });
      const fire = async () => {
        const callback = evasa.shift()!;
        const t0 = now();
        const res = await fetch(`${gw.url}${callback.path}`, { method: "POST", headers: { "content-type": callback.contentType }, body: callback.body });
        if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${await res.text()}`);
        callbackMs.push(now() - t0);
        return { t0, sequence: ++sequence };
      };
      // Warm-up: once every subscriber has this event, every subscription is live.
      await clients.times((await fire()).sequence);
      const after = await settledMemory();
      const latencies: number[] = [];
      callbackMs.length = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { t0, sequence: s } = await fire();
        for (const t of await clients.times(s)) latencies.push(t - t0);
      }
      await clients.request({ cmd: "close" });
      const gateway: Figures = {
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        heapPerSub: (after.heap - before.heap) / n,
        rssPerSub: (after.rss - before.rss) / n,
      };

      // The baseline: the same bytes to the same number of bare sockets.
      const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
      await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
      const baseBefore = await settledMemory();
      await clients.request({ cmd: "connect", url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, n, key: null });
      const baseAfter = await settledMemory();
      const baseLatencies: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const s = 1_000_000 + round;
        const bytes = JSON.stringify({
          id: "1",
          type: "next",
          payload: { data: { statusEvents: { cursor: "c2VxOjE", sequence: s, requestId: "6b0a52fc0b5fb65913bff03d", from: "IN_LAVORAZIONE", to: "EVASA", at: new Date().toISOString(), source: "CALLBACK" } } },
        });
        const t0 = now();
        for (const ws of wss.clients) ws.send(bytes);
        for (const t of await clients.times(s)) baseLatencies.push(t - t0);
      }
      await clients.request({ cmd: "close" });
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const baseline: Figures = {
        p50: pct(baseLatencies, 50),
        p99: pct(baseLatencies, 99),
        heapPerSub: (baseAfter.heap - baseBefore.heap) / n,
        rssPerSub: (baseAfter.rss - baseBefore.rss) / n,
      };
      rows.push([`gateway statusEvents`, n, ...fmt(gateway), pct(callbackMs, 50).toFixed(1)]);
      rows.push([`bare ws broadcast (baseline)`, n, ...fmt(baseline), "-"]);
    }
  } finally {
    clients.kill();
    await gw.close();
    await new Promise((resolve) => catcher.close(resolve));
  }
  printTable(["fan-out of one event", "subscribers", "p50 ms", "p99 ms", "heap KiB/sub", "rss KiB/sub", "callback POST ms"], rows);
  console.log("latency: callback POST received by the gateway → event on each subscriber's socket; targets p99 < 200 ms and < 20 KiB per subscriber at 5,000");
}
