import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ALL_REQUESTS_SCOPE, RequestListCache, requestsScope } from "../../src/services/request-list-cache.service.js";
import type { RequestPage } from "../../src/services/requests.service.js";
import type { InvalidationBus } from "../../src/pubsub/index.js";

const T1 = "000000000000000000000001";
const T2 = "000000000000000000000002";

function page(ids: string[]): RequestPage {
  return {
    edges: ids.map((id) => ({ cursor: id, node: { id, statusHistory: [], alerts: [], applicantId: null, shipmentId: null } as never })),
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

/** An in-memory bus recording what is published. */
function fakeBus() {
  const listeners = new Set<(scope: string) => void>();
  const published: string[] = [];
  const bus: InvalidationBus = {
    publish(scope) {
      published.push(scope);
      for (const l of listeners) l(scope);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { bus, published, deliver: (scope: string) => listeners.forEach((l) => l(scope)) };
}

describe("RequestListCache", () => {
  it("stores nothing read before an invalidation of its tenant, and what was read after", () => {
    const { bus, deliver } = fakeBus();
    const cache = new RequestListCache({ enabled: true, maxBytes: 1 << 20, ttlMs: 60_000, invalidations: bus });
    const before = cache.ticket();
    deliver(requestsScope(T1));
    cache.storePage(T1, before, "k", page(["a"]));
    expect(cache.page(T1, "k")).toBeUndefined();
    const after = cache.ticket();
    cache.storePage(T1, after, "k", page(["b"]));
    expect(cache.page(T1, "k")?.edges[0]?.node.id).toBe("b");
    // Another tenant's invalidation leaves it; an invalidation of all does not.
    deliver(requestsScope(T2));
    expect(cache.page(T1, "k")).toBeDefined();
    deliver(ALL_REQUESTS_SCOPE);
    expect(cache.page(T1, "k")).toBeUndefined();
    cache.close();
  });

  it("shares one read among concurrent misses of a page, but not with a caller arriving after an invalidation", async () => {
    const { bus, deliver } = fakeBus();
    const cache = new RequestListCache({ enabled: true, maxBytes: 1 << 20, ttlMs: 60_000, invalidations: bus });
    const reads: ((page: RequestPage) => void)[] = [];
    const read = () => new Promise<RequestPage>((resolve) => reads.push(resolve));
    const first = cache.pageOr(T1, "k", read);
    const joined = cache.pageOr(T1, "k", read);
    expect(reads).toHaveLength(1);
    deliver(requestsScope(T1)); // a write lands while the read is under way
    const afterWrite = cache.pageOr(T1, "k", read);
    expect(reads).toHaveLength(2);
    reads[0]!(page(["old"]));
    reads[1]!(page(["new"]));
    expect((await first).edges[0]!.node.id).toBe("old");
    expect((await joined).edges[0]!.node.id).toBe("old");
    expect((await afterWrite).edges[0]!.node.id).toBe("new");
    // Only the read begun after the write was kept.
    expect(cache.page(T1, "k")?.edges[0]?.node.id).toBe("new");
    cache.close();
  });

  it("keys applicants and shipments per tenant, null meaning known missing", () => {
    const cache = new RequestListCache({ enabled: true, maxBytes: 1 << 20, ttlMs: 60_000 });
    const applicants = cache.applicants(T1);
    applicants.put(applicants.ticket(), [["x", null]]);
    expect(applicants.get("x")).toBeNull();
    expect(cache.applicants(T2).get("x")).toBeUndefined();
    expect(cache.shipments(T1).get("x")).toBeUndefined();
    cache.close();
  });

  it("reads again entries older than the TTL", () => {
    let now = 0;
    const cache = new RequestListCache({ enabled: true, maxBytes: 1 << 20, ttlMs: 1_000, now: () => now });
    cache.storePage(T1, cache.ticket(), "k", page(["a"]));
    now = 999;
    expect(cache.page(T1, "k")).toBeDefined();
    now = 1_000;
    expect(cache.page(T1, "k")).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
    cache.close();
  });

  it("keeps within its byte budget: a quarter per tenant, least recently used tenants out first", () => {
    // A one-request page is estimated at 2,012 bytes: 4 fit the budget, 1 per tenant.
    const cache = new RequestListCache({ enabled: true, maxBytes: 4 * 2_012 + 100, ttlMs: 60_000 });
    cache.storePage(T1, cache.ticket(), "a", page(["a"]));
    cache.storePage(T1, cache.ticket(), "b", page(["b"]));
    expect(cache.page(T1, "a")).toBeUndefined();
    expect(cache.page(T1, "b")).toBeDefined();
    for (let t = 2; t <= 5; t++) cache.storePage(`t${t}`, cache.ticket(), "a", page(["a"]));
    // Five tenants of one page each: the least recently used (T1) went.
    expect(cache.page(T1, "b")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ tenants: 4, entries: 4 });
    expect(cache.stats().bytes).toBeLessThanOrEqual(4 * 2_012 + 100);
    cache.close();
  });

  it("when disabled keeps nothing", () => {
    const cache = new RequestListCache({ enabled: false, maxBytes: 1 << 20, ttlMs: 60_000 });
    cache.storePage(T1, cache.ticket(), "k", page(["a"]));
    const applicants = cache.applicants(T1);
    applicants.put(applicants.ticket(), [["x", null]]);
    expect(cache.page(T1, "k")).toBeUndefined();
    expect(applicants.get("x")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ tenants: 0, entries: 0, bytes: 0 });
    cache.close();
  });
});

describe("the tenant-write choke point", () => {
  it("is not bypassed in src: no driver collection and no middleware: false on the models the cache reads", async () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");
    // The plugin names the bypasses in its own documentation.
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith(".ts") && !f.endsWith("tenant-writes.plugin.ts"));
    const bypasses: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(src, file), "utf8");
      if (/\b(SignatureRequestModel|ApplicantModel|ShipmentModel)\.collection\b/.test(text)) bypasses.push(`${file}: Model.collection`);
      if (/middleware:\s*false/.test(text)) bypasses.push(`${file}: middleware: false`);
    }
    expect(bypasses).toEqual([]);
  });
});
