import { fromUpstreamProduct, type ProductFamily } from "../provider/index.js";
import { ProductModel, type ProductFields, type TenantMode } from "../models/index.js";
import { NotFoundError } from "../errors/index.js";
import { escapeRegex } from "../security/index.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

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

/**
 * The catalogue, per mode: read from upstream (the sandbox for TEST), cached in the Product
 * collection and refreshed when older than `ttlMs`, so product lookups by loaders stay local.
 */
export class ProductService {
  private readonly refreshedAt = new Map<TenantMode, number>();
  private readonly inflight = new Map<TenantMode, Promise<void>>();

  constructor(
    private readonly clients: UpstreamClients,
    private readonly ttlMs: number,
  ) {}

  /** Products matching `filter`, sorted by code. */
  async list(tenant: TenantView, filter: ProductFilterInput = {}): Promise<ProductView[]> {
    await this.ensureFresh(tenant);
    const query: Record<string, unknown> = { mode: tenant.mode };
    if (filter.family) query.family = filter.family;
    if (filter.authority) query.authority = filter.authority;
    if (typeof filter.blank === "boolean") query.blank = filter.blank;
    if (filter.search?.trim()) {
      const re = new RegExp(escapeRegex(filter.search.trim()), "i");
      query.$or = [{ code: re }, { name: re }];
    }
    const docs = await ProductModel.find(query).sort({ code: 1 }).lean();
    return docs.map(toProductView);
  }

  /** One product by code, or NOT_FOUND. */
  async get(tenant: TenantView, code: string): Promise<ProductView> {
    await this.ensureFresh(tenant);
    const doc = await ProductModel.findOne({ mode: tenant.mode, code }).lean();
    if (doc === null) throw new NotFoundError("product", code);
    return toProductView(doc);
  }

  /** Whether the tenant's catalogue lists `code`. */
  async has(tenant: TenantView, code: string): Promise<boolean> {
    await this.ensureFresh(tenant);
    return (await ProductModel.exists({ mode: tenant.mode, code })) !== null;
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
  }
}
