import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnTsGroup, type GroupChild } from "../../helpers/process-group.js";
import { sandboxPut, sandboxRequests } from "../../helpers/hardening.js";
import { applicantInput, recipientInput } from "../../helpers/orders.js";

/** placeOrder calls, each with its own idempotency key. */
const CALLS = 500;
/** Calls in flight at once. */
const CONCURRENCY = 12;
/** SIGKILLs of the gateway while the calls run, each followed by a restart. */
const KILLS = 4;
const ADMIN_TOKEN = `admin-${randomBytes(12).toString("hex")}`;
const PLACE = "mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }";
/** Mostly renewals (cheap), with signature kits (an applicant) and readers (a shipment) among them. */
function inputOf(i: number): Record<string, unknown> {
  if (i % 5 === 0) return { productCode: "KIT", signature: { applicant: applicantInput({ email: `crash.${i}@example.com` }) } };
  if (i % 5 === 1) return { productCode: "LETTORE", device: { recipient: recipientInput({ recipient: `Ufficio ${i}` }) } };
  return { productCode: "RINFIR", renewal: { assistance: false } };
}

interface Gateway {
  child: GroupChild;
  url: string;
}

describe("placeOrder across gateway crashes (SIGKILL mid-load, restarts, client retries)", () => {
  let engine: GroupChild;
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
      // Short background timings: orders whose answer was lost settle within the test.
      RECONCILE_INTERVAL_MS: "200",
      RECONCILE_AFTER_MS: "500",
      RECONCILE_CHECK_DELAY_MS: "500",
      UPSTREAM_TIMEOUT_MS: "2000",
    });
    gateways.push(child);
    const m = await child.waitFor(/"url":"(http:\/\/[^"]+)"/, 30_000);
    return { child, url: m[1]! };
  }

  beforeAll(async () => {
    dbDir = await mkdtemp(path.join(tmpdir(), "fgw-crash-db-"));
    dataDir = await mkdtemp(path.join(tmpdir(), "fgw-crash-data-"));
    engine = spawnTsGroup("src/db/embedded/cli.ts", ["--port", "0", "--dbpath", dbDir], {});
    mongoUri = (await engine.waitFor(/ready (mongodb:\/\/127\.0\.0\.1:\d+)/, 30_000))[1]!;
    gateway = await startGateway();
  }, 60_000);
  afterAll(async () => {
    for (const g of gateways) await g.kill("SIGKILL");
    if (engine) {
      const stopped = engine.kill("SIGTERM");
      const timer = setTimeout(() => engine.killGroup("SIGKILL"), 10_000);
      await stopped;
      clearTimeout(timer);
    }
    await rm(dbDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it(`keeps each of ${CALLS} idempotency keys to exactly one request, locally and upstream, through ${KILLS} SIGKILLs`, async () => {
    const created = await fetch(`${gateway!.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: 'mutation { createTenant(input: {name: "crash", mode: TEST}) { tenant { id } apiKey } }' }),
    });
    const tenant = ((await created.json()) as { data: { createTenant: { tenant: { id: string }; apiKey: string } } }).data.createTenant;
    expect(await sandboxPut(gateway!.url, tenant.apiKey, "_wallet", { balance: 1_000_000_000 })).toBe(200);

    const keys = Array.from({ length: CALLS }, (_, i) => `crash-${i}-${randomBytes(6).toString("hex")}`);
    const confirmed = new Map<string, string>();
    let attempts = 0;
    let done = 0;

    /** One call until confirmed: an answer whose status is past SUBMITTING. Anything else is retried, same key and input. */
    async function call(key: string, input: Record<string, unknown>): Promise<void> {
      for (;;) {
        const g = gateway;
        if (g !== null) {
          attempts++;
          try {
            const res = await fetch(`${g.url}/graphql`, {
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${tenant.apiKey}` },
              body: JSON.stringify({ query: PLACE, variables: { input, key } }),
              signal: AbortSignal.timeout(5_000),
            });
            const body = (await res.json()) as { data?: { placeOrder: { id: string; status: string } } | null; errors?: unknown[] };
            const placed = body.data?.placeOrder;
            if (placed && placed.status !== "SUBMITTING") {
              expect(placed.status).not.toBe("FAILED");
              confirmed.set(key, placed.id);
              done++;
              return;
            }
          } catch {
            // The gateway died under us (connection reset or refused): retry on the next one.
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }

    async function worker(queue: number[]): Promise<void> {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await call(keys[i]!, inputOf(i));
    }

    async function killer(): Promise<number> {
      let kills = 0;
      for (let i = 0; i < KILLS; i++) {
        // Kill somewhere inside the i-th slice of the run, so every kill lands while calls are in flight.
        const at = Math.floor((CALLS * (i + 0.3 + Math.random() * 0.5)) / (KILLS + 1));
        while (done < at) await new Promise((r) => setTimeout(r, 5));
        const victim = gateway!;
        gateway = null;
        await victim.child.kill("SIGKILL");
        kills++;
        gateway = await startGateway();
      }
      return kills;
    }

    const queue = keys.map((_, i) => i);
    const [kills] = await Promise.all([killer(), ...Array.from({ length: CONCURRENCY }, () => worker(queue))]);
    expect(kills).toBe(KILLS);
    expect(confirmed.size).toBe(CALLS);
    expect(attempts).toBeGreaterThanOrEqual(CALLS);

    // Locally: one stored request per key, and it is the one the client was told about.
    const client = await MongoClient.connect(mongoUri);
    try {
      const db = client.db("fgw");
      const rows = await db.collection("signaturerequests").find({ idempotencyKey: { $in: keys } }, { projection: { idempotencyKey: 1, status: 1, applicantId: 1, shipmentId: 1 } }).toArray();
      // Each request's applicant and shipment exist, even when the crash came between their writes.
      const applicantIds = rows.map((r) => r.applicantId).filter((v) => v !== null);
      const shipmentIds = rows.map((r) => r.shipmentId).filter((v) => v !== null);
      expect(applicantIds).toHaveLength(CALLS / 5);
      expect(await db.collection("applicants").countDocuments({ _id: { $in: applicantIds } })).toBe(applicantIds.length);
      expect(await db.collection("shipments").countDocuments({ _id: { $in: shipmentIds } })).toBe(shipmentIds.length);
      const perKey = new Map<string, string[]>();
      for (const r of rows) perKey.set(r.idempotencyKey as string, [...(perKey.get(r.idempotencyKey as string) ?? []), r._id.toHexString()]);
      const lostLocally = keys.filter((k) => !perKey.has(k));
      const duplicatedLocally = [...perKey.values()].filter((ids) => ids.length > 1);
      expect({ lost: lostLocally.length, duplicated: duplicatedLocally.length }).toEqual({ lost: 0, duplicated: 0 });
      for (const k of keys) expect(perKey.get(k)).toEqual([confirmed.get(k)]);
      expect(rows.filter((r) => r.status === "SUBMITTING" || r.status === "FAILED")).toEqual([]);
    } finally {
      await client.close();
    }

    // Upstream: one sandbox request per gateway request, found by the id echoed in callback.data.
    const upstream = await sandboxRequests(gateway!.url, tenant.apiKey);
    const perRequest = new Map<string, number>();
    for (const r of upstream) {
      const id = r.callback?.data?.gatewayRequestId;
      if (id) perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
    }
    const ids = [...confirmed.values()];
    const lostUpstream = ids.filter((id) => !perRequest.has(id));
    const duplicatedUpstream = ids.filter((id) => (perRequest.get(id) ?? 0) > 1);
    expect({ lost: lostUpstream.length, duplicated: duplicatedUpstream.length, total: upstream.length }).toEqual({ lost: 0, duplicated: 0, total: CALLS });
  }, 300_000);
});
