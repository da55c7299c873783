import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxPut, sandboxRequests } from "../../helpers/hardening.js";
import { applicantInput, recipientInput } from "../../helpers/orders.js";
import { spawnTsGroup, type GroupChild } from "../../helpers/process-group.js";

/** placeOrder calls, each with its own idempotency key. */
const CALLS = 200;
/** Calls in flight at once. */
const CONCURRENCY = 12;
/** SIGKILLs of the gateway while the calls run, each followed by a restart. */
const KILLS = 3;
/** How long after the last restart every accepted order must be upstream, once. */
const SETTLE_WITHIN_MS = 90_000;
const ADMIN_TOKEN = `admin-${randomBytes(12).toString("hex")}`;
const PLACE = "mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }";
/** Mostly renewals (cheap), with signature kits (an applicant) and readers (a shipment) among them. */
function inputOf(i: number): Record<string, unknown> {
  if (i % 5 === 0) return { productCode: "KIT", signature: { applicant: applicantInput({ email: `unanswered.${i}@example.com` }) } };
  if (i % 5 === 1) return { productCode: "LETTORE", device: { recipient: recipientInput({ recipient: `Ufficio ${i}` }) } };
  return { productCode: "RINFIR", renewal: { assistance: false } };
}

interface Gateway {
  child: GroupChild;
  url: string;
}

/**
 * The gateway finishes what it accepted: clients stop at their first answer (they retry only
 * while they have none, i.e. on a connection error), so an order left SUBMITTING by a crash
 * reaches upstream only through the reconciler's resend of the sealed order.
 */
describe("placeOrder answered, then the gateway crashes: every accepted order reaches upstream once, without the client", () => {
  let engine: GroupChild | null = null;
  let mongoUri: string;
  let dbDir: string;
  let dataDir: string;
  let gateway: Gateway | null = null;
  const encryptionKey = randomBytes(32).toString("base64");
  const gateways: GroupChild[] = [];

  async function startGateway(): Promise<Gateway> {
    const child = spawnTsGroup("src/main.ts", [], {
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      MONGODB_URI: `${mongoUri}/fgw`,
      DATA_DIR: dataDir,
      DATA_ENCRYPTION_KEY: encryptionKey,
      ADMIN_TOKEN,
      RATE_LIMIT_PER_MINUTE: "1000000",
      ORDER_RATE_LIMIT_PER_MINUTE: "1000000",
      LOG_LEVEL: "info",
      // Short background timings (the Timings mechanism). An attempt's deadline is 2 x 8 s: longer
      // than a restart, so a client whose call died with the gateway gets its retry answered
      // SUBMITTING by the next one, and only the reconciler can then send the order; and long
      // enough that, on a loaded machine, the in-process sandbox has stored any POST it received
      // before the order is sent again (a POST stored later is the duplicate this test must not see).
      RECONCILE_INTERVAL_MS: "200",
      RECONCILE_AFTER_MS: "500",
      RECONCILE_CHECK_DELAY_MS: "500",
      UPSTREAM_TIMEOUT_MS: "8000",
    });
    gateways.push(child);
    const m = await child.waitFor(/"url":"(http:\/\/[^"]+)"/, 60_000);
    return { child, url: m[1]! };
  }

  beforeAll(async () => {
    dbDir = await mkdtemp(path.join(tmpdir(), "fgw-unanswered-db-"));
    dataDir = await mkdtemp(path.join(tmpdir(), "fgw-unanswered-data-"));
    engine = spawnTsGroup("src/db/embedded/cli.ts", ["--port", "0", "--dbpath", dbDir], {});
    mongoUri = (await engine.waitFor(/ready (mongodb:\/\/127\.0\.0\.1:\d+)/, 60_000))[1]!;
    gateway = await startGateway();
  }, 120_000);
  afterAll(async () => {
    for (const g of gateways) await g.kill("SIGKILL");
    if (engine) {
      const stopped = engine.kill("SIGTERM");
      const timer = setTimeout(() => engine?.killGroup("SIGKILL"), 10_000);
      await stopped;
      clearTimeout(timer);
    }
    await rm(dbDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it(`settles each of ${CALLS} answered orders upstream exactly once within ${SETTLE_WITHIN_MS / 1000} s of the last of ${KILLS} SIGKILLs`, async () => {
    const created = await fetch(`${gateway!.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: 'mutation { createTenant(input: {name: "unanswered", mode: TEST}) { tenant { id } apiKey } }' }),
    });
    const tenant = ((await created.json()) as { data: { createTenant: { tenant: { id: string }; apiKey: string } } }).data.createTenant;
    expect(await sandboxPut(gateway!.url, tenant.apiKey, "_wallet", { balance: 1_000_000_000 })).toBe(200);

    const keys = Array.from({ length: CALLS }, (_, i) => `unanswered-${i}-${randomBytes(6).toString("hex")}`);
    /** The first answer of each call: an id (any status), or the errors it carried. */
    const answers = new Map<string, { id: string; status: string } | { errors: unknown[] }>();
    let attempts = 0;

    /** One call: retried (same key, same input) only while there is no answer at all. */
    async function call(key: string, input: Record<string, unknown>): Promise<void> {
      for (;;) {
        const g = gateway;
        if (g !== null) {
          attempts++;
          type Answer = { data?: { placeOrder: { id: string; status: string } } | null; errors?: unknown[] };
          let body = null as Answer | null;
          try {
            const res = await fetch(`${g.url}/graphql`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${tenant.apiKey}` },
              body: JSON.stringify({ query: PLACE, variables: { input, key } }),
              signal: AbortSignal.timeout(30_000),
            });
            body = (await res.json()) as Answer;
          } catch {
            // No answer (connection reset or refused: the gateway died under us): retry on the next one.
          }
          if (body !== null) {
            answers.set(key, body.data?.placeOrder ?? { errors: body.errors ?? [] });
            return;
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }

    async function worker(queue: number[]): Promise<void> {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await call(keys[i]!, inputOf(i));
    }

    let lastRestartAt = 0;
    async function killer(): Promise<void> {
      for (let i = 0; i < KILLS; i++) {
        // Kill somewhere inside the i-th slice of the run, so every kill lands while calls are in flight.
        const at = Math.floor((CALLS * (i + 0.3 + Math.random() * 0.5)) / (KILLS + 1));
        while (answers.size < at) await new Promise((r) => setTimeout(r, 5));
        const victim = gateway!;
        gateway = null;
        await victim.child.kill("SIGKILL");
        gateway = await startGateway();
        lastRestartAt = Date.now();
      }
    }

    const queue = keys.map((_, i) => i);
    await Promise.all([killer(), ...Array.from({ length: CONCURRENCY }, () => worker(queue))]);
    expect(answers.size).toBe(CALLS);
    const ids = new Map<string, string>();
    for (const [k, a] of answers) if ("id" in a) ids.set(k, a.id);
    // Every call was answered with an id: each was accepted.
    expect([...answers.values()].filter((a) => !("id" in a))).toEqual([]);
    const answeredSubmitting = [...answers.values()].filter((a) => "status" in a && a.status === "SUBMITTING").length;

    const client = await MongoClient.connect(mongoUri);
    try {
      const db = client.db("fgw");
      const requests = db.collection("signaturerequests");
      type Row = { _id: { toHexString(): string }; idempotencyKey: string; status: string; applicantId: unknown; shipmentId: unknown; submitAttempts?: number; pendingOrder?: string | null };
      const rows = async () =>
        (await requests
          .find({ idempotencyKey: { $in: keys } }, { projection: { idempotencyKey: 1, status: 1, applicantId: 1, shipmentId: 1, submitAttempts: 1, pendingOrder: 1 } })
          .toArray()) as unknown as Row[];
      const upstreamCounts = async () => {
        const perRequest = new Map<string, number>();
        for (const r of await sandboxRequests(gateway!.url, tenant.apiKey)) {
          const id = r.callback?.data?.gatewayRequestId;
          if (id) perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
        }
        return perRequest;
      };

      // Nobody calls again: the gateway alone must bring every order upstream.
      let here: Row[] = [];
      let upstream = new Map<string, number>();
      for (;;) {
        here = await rows();
        if (here.length === CALLS && here.every((r) => r.status !== "SUBMITTING")) {
          upstream = await upstreamCounts();
          if ([...ids.values()].every((id) => upstream.has(id))) break;
        }
        if (Date.now() - lastRestartAt > SETTLE_WITHIN_MS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const settledAfterMs = Date.now() - lastRestartAt;
      upstream = await upstreamCounts();

      const logs = gateways.map((g) => g.stdout()).join("\n").split("\n");
      const resentBy = (via: string) => logs.filter((l) => l.includes("sending it again") && l.includes(`"via":"${via}"`)).length;
      const duplicates = [...ids.values()].filter((id) => (upstream.get(id) ?? 0) > 1);
      const figures = {
        calls: CALLS,
        attempts,
        answeredSubmitting,
        here: here.length,
        upstream: [...upstream.values()].reduce((a, b) => a + b, 0),
        submitting: here.filter((r) => r.status === "SUBMITTING").length,
        failed: here.filter((r) => r.status === "FAILED").length,
        duplicates: duplicates.length,
        resentByReconciler: resentBy("reconciler"),
        resentOnClientRetry: resentBy("client retry"),
        // Attempts claimed (a claim whose look upstream found the order sends nothing).
        claimedMoreThanOnce: here.filter((r) => (r.submitAttempts ?? 0) > 1).length,
        stillSealed: here.filter((r) => r.pendingOrder).length,
        settledAfterMs,
      };
      console.log(`crash-unanswered figures: ${JSON.stringify(figures)}`);

      expect({ here: figures.here, upstream: figures.upstream, submitting: figures.submitting, failed: figures.failed, duplicates: figures.duplicates }).toEqual({
        here: CALLS,
        upstream: CALLS,
        submitting: 0,
        failed: 0,
        duplicates: 0,
      });
      // One stored request per key, the one the client was told about, and upstream under its id.
      for (const r of here) expect(r._id.toHexString()).toBe(ids.get(r.idempotencyKey));
      for (const id of ids.values()) expect(upstream.get(id)).toBe(1);
      // Nothing sealed is left once upstream has the order.
      expect(figures.stillSealed).toBe(0);
      // Each request's applicant and shipment exist, even when the crash came between their writes.
      const applicantIds = here.map((r) => r.applicantId).filter((v) => v !== null);
      const shipmentIds = here.map((r) => r.shipmentId).filter((v) => v !== null);
      expect(applicantIds).toHaveLength(CALLS / 5);
      expect(await db.collection("applicants").countDocuments({ _id: { $in: applicantIds as never[] } })).toBe(applicantIds.length);
      expect(await db.collection("shipments").countDocuments({ _id: { $in: shipmentIds as never[] } })).toBe(shipmentIds.length);
    } finally {
      await client.close();
    }
  }, 420_000);
});
