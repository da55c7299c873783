import { fromUpstreamProduct, type ProductFamily } from "../provider/index.js";
import { ProductModel, type ProductFields, type TenantMode } from "../models/index.js";
import { NotFoundError } from "../errors/index.js";
import { escapeRegex } from "../security/index.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";
import type { InvalidationBus } from "../pubsub/index.js";

/** The orderable families, plus SPID: SPID_PER is bought with buySpidVoucher, not placeOrder. */
export type CatalogueFamily = ProductFamily | "SPID";

/** A catalogue entry as the gateway serves it. */
export interface ProductView {
  code: string;
  name: string;
  authority: string;
  family: CatalogueFamily;
  price: { amountCents: number; currency: string };
  blank: boolean;
  requires: string[];
}

export interface ProductFilterInput {
  family?: string | null;
  authority?: string | null;
  blank?: boolean | null;
  search?: string | null;
}

/** What an order of each family needs; shown to frontends so they can build the right form. */
const REQUIREMENTS: Record<CatalogueFamily, string[]> = {
  SIGNATURE: ["APPLICANT", "SHIPPING_ADDRESS", "SIGNED_FORM"],
  ARUBA: ["APPLICANT", "SHIPPING_ADDRESS", "ID_DOCUMENT_AT_ORDER", "SIGNED_FORM"],
  VIDEO: ["CONTACT"],
  DEVICE_ONLY: ["RECIPIENT"],
  RENEWAL: [],
  VIDEO_UPGRADE: ["EXISTING_REQUEST"],
  SPID: [],
};

/** Stored product → view. */
export function toProductView(p: Pick<ProductFields, "code" | "name" | "authority" | "family" | "priceCents" | "currency" | "blank">): ProductView {
  const family = p.family as CatalogueFamily;
  return {
    code: p.code,
    name: p.name,
    authority: p.authority,
    family,
    price: { amountCents: p.priceCents, currency: p.currency },
    blank: p.blank,
    requires: REQUIREMENTS[family],
  };
}

/** The scope a mode's catalogue is invalidated under on the invalidation bus. */
export const catalogueScope = (mode: TenantMode): string => `catalogue:${mode}`;

/** One mode's catalogue as served: sorted by code, and indexed by code. */
interface CatalogueSnapshot {
  sorted: ProductView[];
  byCode: Map<string, ProductView>;
}

/**
 * The catalogue, per mode: read from upstream (the sandbox for TEST), cached in the Product
 * collection and refreshed when older than `ttlMs`, so product lookups by loaders stay local.
 * Reads are served from a snapshot in memory, read from the collection once after each refresh:
 * the catalogue changes only on refresh. A refresh drops the snapshot on every replica through the
 * invalidation bus (each then reads the collection again on its next call).
 */
export class ProductService {
  private readonly refreshedAt = new Map<TenantMode, number>();
  private readonly inflight = new Map<TenantMode, Promise<void>>();
  private readonly snapshots = new Map<TenantMode, CatalogueSnapshot>();
  private readonly loading = new Map<TenantMode, Promise<CatalogueSnapshot>>();
  /** Bumped by each invalidation, so a read begun before it does not install a stale snapshot. */
  private readonly generation = new Map<TenantMode, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly clients: UpstreamClients,
    private readonly ttlMs: number,
    private readonly invalidations?: InvalidationBus,
  ) {
    this.unsubscribe = invalidations?.subscribe((scope) => {
      for (const mode of ["TEST", "LIVE"] as const) if (scope === catalogueScope(mode)) this.drop(mode);
    }) ?? (() => {});
  }

  /** Products matching `filter`, sorted by code. */
  async list(tenant: TenantView, filter: ProductFilterInput = {}): Promise<ProductView[]> {
    const { sorted } = await this.snapshot(tenant);
    const search = filter.search?.trim() ? new RegExp(escapeRegex(filter.search.trim()), "i") : null;
    if (!filter.family && !filter.authority && typeof filter.blank !== "boolean" && search === null) return sorted;
    return sorted.filter(
      (p) =>
        (!filter.family || p.family === filter.family) &&
        (!filter.authority || p.authority === filter.authority) &&
        (typeof filter.blank !== "boolean" || p.blank === filter.blank) &&
        (search === null || search.test(p.code) || search.test(p.name)),
    );
  }

  /** One product by code, or NOT_FOUND. */
  async get(tenant: TenantView, code: string): Promise<ProductView> {
    const product = (await this.snapshot(tenant)).byCode.get(code);
    if (product === undefined) throw new NotFoundError("product", code);
    return product;
  }

  /** Whether the tenant's catalogue lists `code`. */
  async has(tenant: TenantView, code: string): Promise<boolean> {
    return (await this.snapshot(tenant)).byCode.has(code);
  }

  /** Stops listening for invalidations. */
  close(): void {
    this.unsubscribe();
  }

  /**
   * The mode's products by code as stored, without refreshing from upstream (the loaders' lookup of
   * the product a request was ordered with, which stays in the collection once listed).
   */
  async stored(mode: TenantMode): Promise<ReadonlyMap<string, ProductView>> {
    return (await this.snapshotOf(mode)).byCode;
  }

  /** `stored(mode)` when it is in memory already, without a promise; undefined otherwise. */
  storedNow(mode: TenantMode): ReadonlyMap<string, ProductView> | undefined {
    return this.snapshots.get(mode)?.byCode;
  }

  private async snapshot(tenant: TenantView): Promise<CatalogueSnapshot> {
    const at = this.refreshedAt.get(tenant.mode);
    if (at === undefined || Date.now() - at >= this.ttlMs) await this.ensureFresh(tenant);
    return this.snapshotOf(tenant.mode);
  }

  private async snapshotOf(mode: TenantMode): Promise<CatalogueSnapshot> {
    const known = this.snapshots.get(mode);
    if (known !== undefined) return known;
    let pending = this.loading.get(mode);
    if (pending === undefined) {
      const generation = this.generation.get(mode) ?? 0;
      pending = this.read(mode)
        .then((snapshot) => {
          if ((this.generation.get(mode) ?? 0) === generation) this.snapshots.set(mode, snapshot);
          return snapshot;
        })
        .finally(() => this.loading.delete(mode));
      this.loading.set(mode, pending);
    }
    return pending;
  }

  private async read(mode: TenantMode): Promise<CatalogueSnapshot> {
    const docs = await ProductModel.find({ mode }).sort({ code: 1 }).lean();
    // Frozen: every caller shares these objects.
    const sorted = Object.freeze(docs.map((d) => Object.freeze(toProductView(d)))) as ProductView[];
    return { sorted, byCode: new Map(sorted.map((p) => [p.code, p])) };
  }

  private drop(mode: TenantMode): void {
    this.generation.set(mode, (this.generation.get(mode) ?? 0) + 1);
    this.snapshots.delete(mode);
  }

  private async ensureFresh(tenant: TenantView): Promise<void> {
    const at = this.refreshedAt.get(tenant.mode);
    if (at !== undefined && Date.now() - at < this.ttlMs) return;
    let pending = this.inflight.get(tenant.mode);
    if (!pending) {
      pending = this.refresh(tenant).finally(() => this.inflight.delete(tenant.mode));
      this.inflight.set(tenant.mode, pending);
    }
    await pending;
  }

  private async refresh(tenant: TenantView): Promise<void> {
    const client = await this.clients.forTenant(tenant);
    const products = (await client.listProducts())
      .map(fromUpstreamProduct)
      .map((p) => ({ ...p, family: p.family ?? (p.code === "SPID_PER" ? ("SPID" as const) : null) }))
      .filter((p) => p.family !== null && p.authority !== null);
    if (products.length > 0) {
      await ProductModel.bulkWrite(
        products.map((p) => ({
          updateOne: {
            filter: { mode: tenant.mode, code: p.code },
            update: { $set: { name: p.name, authority: p.authority, family: p.family, priceCents: p.priceCents, currency: p.currency, blank: p.blank } },
            upsert: true,
          },
        })),
      );
    }
    this.refreshedAt.set(tenant.mode, Date.now());
    // This replica at once (the bus may be slow or down), then every replica.
    this.drop(tenant.mode);
    this.invalidations?.publish(catalogueScope(tenant.mode));
  }
}
