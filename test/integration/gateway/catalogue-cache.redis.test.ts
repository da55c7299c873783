import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { createFeedBus, type FeedBus } from "../../../src/events/index.js";
import { ProductService } from "../../../src/services/products.service.js";
import type { UpstreamClients } from "../../../src/services/upstream-clients.service.js";
import type { TenantView } from "../../../src/services/tenants.service.js";
import type { UpstreamProduct } from "../../../src/provider/upstream.types.js";

const redisUrl = process.env.REDIS_URL ?? (process.env.CI ? "redis://127.0.0.1:6379" : undefined);
if (!redisUrl) console.warn("REDIS_URL is not set: skipping the catalogue invalidation test across replicas");

const logger = pino({ level: "silent" });
const tenant = { id: "000000000000000000000001", mode: "LIVE" } as TenantView;

/** An upstream whose catalogue the test edits, counting how often it is read. */
function fakeUpstream(products: UpstreamProduct[]) {
  const state = { products, reads: 0 };
  const clients = {
    forTenant: async () => ({
      listProducts: async () => {
        state.reads += 1;
        return state.products.map((p) => ({ ...p }));
      },
    }),
  } as unknown as UpstreamClients;
  return { state, clients };
}

describe("catalogue served from memory", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it("answers list, get and has without a database round trip once read", async () => {
    const { clients } = fakeUpstream([
      { nome: "Kit", tipo: "Infocert", codice_prodotto: "KIT", prezzo: 70 },
      { nome: "Lettore", tipo: "Infocert", codice_prodotto: "LETTORE", prezzo: 15, vergine: true },
    ]);
    const products = new ProductService(clients, 60_000);
    expect((await products.list(tenant)).map((p) => p.code)).toEqual(["KIT", "LETTORE"]);
    const commands = await gw.countCommands(async () => {
      expect((await products.list(tenant, { blank: true })).map((p) => p.code)).toEqual(["LETTORE"]);
      expect((await products.list(tenant, { search: "lett" })).map((p) => p.code)).toEqual(["LETTORE"]);
      expect((await products.get(tenant, "KIT")).price).toEqual({ amountCents: 7000, currency: "EUR" });
      expect(await products.has(tenant, "NOPE")).toBe(false);
    });
    expect(commands).toEqual([]);
    await expect(products.get(tenant, "NOPE")).rejects.toMatchObject({ extensions: { code: "NOT_FOUND" } });
  });

  describe.skipIf(!redisUrl)("across two replicas sharing Redis", () => {
    // A channel of our own: other test files' replicas share this Redis.
    const invalidationChannel = `test:invalidate:${randomUUID()}`;
    let busA: FeedBus;
    let busB: FeedBus;
    beforeAll(() => {
      busA = createFeedBus({ redisUrl: redisUrl!, logger, invalidationChannel });
      busB = createFeedBus({ redisUrl: redisUrl!, logger, invalidationChannel });
    });
    afterAll(async () => {
      await Promise.all([busA.close(), busB.close()]);
    });

    it("a refresh on one replica drops the other's snapshot, which then serves the new catalogue", async () => {
      const upstream = fakeUpstream([{ nome: "Firma remota", tipo: "Aruba", codice_prodotto: "OTPMOB", prezzo: 30 }]);
      // Replica A refreshes from upstream on every call; replica B would keep its copy for an hour.
      const replicaA = new ProductService(upstream.clients, 0, busA.invalidations);
      const replicaB = new ProductService(upstream.clients, 3_600_000, busB.invalidations);
      try {
        expect((await replicaB.get(tenant, "OTPMOB")).price.amountCents).toBe(3000);
        // Let B's subscription reach Redis before A publishes.
        await new Promise((r) => setTimeout(r, 100));

        upstream.state.products = [{ nome: "Firma remota", tipo: "Aruba", codice_prodotto: "OTPMOB", prezzo: 45 }];
        // B still serves its snapshot: nothing told it yet.
        expect((await replicaB.get(tenant, "OTPMOB")).price.amountCents).toBe(3000);
        const readsBefore = upstream.state.reads;
        expect((await replicaA.get(tenant, "OTPMOB")).price.amountCents).toBe(4500);
        expect(upstream.state.reads).toBe(readsBefore + 1);

        await vi.waitFor(async () => expect((await replicaB.get(tenant, "OTPMOB")).price.amountCents).toBe(4500), { timeout: 5_000, interval: 20 });
        // B read the collection A wrote, not upstream.
        expect(upstream.state.reads).toBe(readsBefore + 1);
      } finally {
        replicaA.close();
        replicaB.close();
      }
    });
  });
});
