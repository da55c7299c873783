import DataLoader from "dataloader";
import { Types } from "mongoose";
import { ApplicantModel, ProductModel, ShipmentModel, type ApplicantFields, type ProductFields, type ShipmentFields, type TenantMode } from "./models/index.js";
import { toProductView, type ProductView } from "./services/products.service.js";
import { addBusinessDays } from "./calendar/business-time.js";
import type { RequestListCache, ViewShelf } from "./services/request-list-cache.service.js";

export interface ApplicantView {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  sex: string;
  birthDate: string;
  birthPlace: string;
  birthProvince: string;
  birthCountry: string;
  taxCodeMasked: string;
  residence: { address: string; city: string; province: string; postalCode: string; country: string };
  document: { type: string; numberMasked: string; issuedBy: string; issueDate: string; expiryDate: string };
}

export interface ShipmentView {
  id: string;
  speed: "STANDARD" | "PRIORITY" | "EXPRESS";
  recipient: string | null;
  address: { address: string | null; city: string | null; province: string | null; postalCode: string | null };
  trackingCode: string | null;
  envelopeNumber: string | null;
  estimatedDelivery: Date | null;
}

/** Business days from receipt of documents to delivery, per speed (Openapi's product page). */
export const SHIPPING_BUSINESS_DAYS = { PRIORITY: 1, EXPRESS: 3, STANDARD: 6 } as const;

/** Per-request loaders: each batch is one `$in` query, answered in key order, null for a missing key. */
export interface Loaders {
  /** Key: `${mode}:${code}`. */
  product: DataLoader<string, ProductView | null>;
  applicant: DataLoader<string, ApplicantView | null>;
  shipment: DataLoader<string, ShipmentView | null>;
  /**
   * The same answers as the loaders, but synchronous when the value is in memory already (the
   * catalogue, the request-list cache): fifty rows of a cached page then cost no promise each.
   */
  productOf(mode: TenantMode, code: string): ProductView | null | Promise<ProductView | null>;
  applicantOf(id: string): ApplicantView | null | Promise<ApplicantView | null>;
  shipmentOf(id: string): ShipmentView | null | Promise<ShipmentView | null>;
}

function byKey<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => map.get(k) ?? null);
}

function objectIds(keys: readonly string[]): Types.ObjectId[] {
  return keys.filter((k) => /^[0-9a-f]{24}$/i.test(k)).map((k) => new Types.ObjectId(k));
}

/** Where the product loader reads the catalogue from memory (ProductService.stored). */
export interface StoredCatalogue {
  stored(mode: TenantMode): Promise<ReadonlyMap<string, ProductView>>;
  /** The same map when already in memory, else undefined. */
  storedNow?(mode: TenantMode): ReadonlyMap<string, ProductView> | undefined;
}

/**
 * Creates the loaders for one GraphQL request, scoped to one tenant: a key of another tenant
 * resolves to null. With `listCache`, applicants and shipments already read are answered from it.
 */
export function createLoaders(tenantId: string, catalogue?: StoredCatalogue, listCache?: RequestListCache): Loaders {
  const tenant = new Types.ObjectId(tenantId);
  // Applicants and shipments are kept with the tenant's list pages, and dropped with them.
  const applicants = listCache?.enabled ? listCache.applicants(tenantId) : undefined;
  const shipments = listCache?.enabled ? listCache.shipments(tenantId) : undefined;
  const loaders = {
    product: new DataLoader<string, ProductView | null>(async (keys) => {
      if (catalogue !== undefined) {
        return Promise.all(
          keys.map(async (k) => {
            const [mode, code] = k.split(":") as [TenantMode, string];
            return (await catalogue.stored(mode)).get(code) ?? null;
          }),
        );
      }
      const pairs = keys.map((k) => k.split(":") as [string, string]);
      const modes = [...new Set(pairs.map(([m]) => m))];
      const filter = { $or: modes.map((mode) => ({ mode, code: { $in: pairs.filter(([m]) => m === mode).map(([, c]) => c) } })) };
      const rows = await ProductModel.find(filter as Record<string, unknown>).lean<ProductFields[]>();
      return byKey(keys, rows, (r) => `${r.mode}:${r.code}`).map((r) => (r ? toProductView(r) : null));
    }),
    applicant: new DataLoader<string, ApplicantView | null>((keys) => cachedBatch(keys, applicants, (ids) => applicantsOf(tenant, ids))),
    shipment: new DataLoader<string, ShipmentView | null>((keys) => cachedBatch(keys, shipments, (ids) => shipmentsOf(tenant, ids))),
  };
  return {
    ...loaders,
    productOf: (mode, code) => {
      const known = catalogue?.storedNow?.(mode);
      return known !== undefined ? (known.get(code) ?? null) : loaders.product.load(`${mode}:${code}`);
    },
    applicantOf: (id) => {
      const known = applicants?.get(id);
      return known !== undefined ? known : loaders.applicant.load(id);
    },
    shipmentOf: (id) => {
      const known = shipments?.get(id);
      return known !== undefined ? known : loaders.shipment.load(id);
    },
  };
}

/** Answers the keys the cache holds, reads the others in one query and keeps them. */
async function cachedBatch<T>(keys: readonly string[], cache: ViewShelf<T> | undefined, read: (ids: readonly string[]) => Promise<(T | null)[]>): Promise<(T | null)[]> {
  if (cache === undefined) return read(keys);
  const out: (T | null)[] = new Array(keys.length);
  const missing: string[] = [];
  const at: number[] = [];
  keys.forEach((key, i) => {
    const hit = cache.get(key);
    if (hit === undefined) {
      missing.push(key);
      at.push(i);
    } else out[i] = hit;
  });
  if (missing.length === 0) return out;
  const ticket = cache.ticket();
  const views = await read(missing);
  views.forEach((view, j) => (out[at[j]!] = view));
  cache.put(ticket, missing.map((id, j) => [id, views[j]!]));
  return out;
}

async function applicantsOf(tenant: Types.ObjectId, keys: readonly string[]): Promise<(ApplicantView | null)[]> {
  const rows = await ApplicantModel.find({ _id: { $in: objectIds(keys) }, tenantId: tenant }).lean();
  return byKey(keys, rows, (r) => r._id.toHexString()).map((a) => (a ? toApplicantView(a) : null));
}

async function shipmentsOf(tenant: Types.ObjectId, keys: readonly string[]): Promise<(ShipmentView | null)[]> {
  const rows = await ShipmentModel.find({ _id: { $in: objectIds(keys) }, tenantId: tenant }).lean();
  return byKey(keys, rows, (r) => r._id.toHexString()).map((s) => (s ? toShipmentView(s) : null));
}

/** A stored applicant as the API shows it (the loader's mapping, also used to prime it). */
export function toApplicantView(a: ApplicantFields & { _id: Types.ObjectId }): ApplicantView {
  return {
    id: a._id.toHexString(),
    firstName: a.firstName,
    lastName: a.lastName,
    email: a.email,
    phone: a.phone,
    sex: a.sex,
    birthDate: a.birthDate,
    birthPlace: a.birthPlace,
    birthProvince: a.birthProvince,
    birthCountry: a.birthCountry,
    taxCodeMasked: a.taxCodeMasked,
    residence: a.residence!,
    document: {
      type: a.document!.type,
      numberMasked: a.document!.numberMasked,
      issuedBy: a.document!.issuedBy,
      issueDate: a.document!.issueDate,
      expiryDate: a.document!.expiryDate,
    },
  };
}

/** A stored shipment as the API shows it (the loader's mapping, also used to prime it). */
export function toShipmentView(s: ShipmentFields & { _id: Types.ObjectId; createdAt: Date }): ShipmentView {
  return {
    id: s._id.toHexString(),
    speed: s.speed as ShipmentView["speed"],
    recipient: s.recipient ?? null,
    address: {
      address: s.address?.address ?? null,
      city: s.address?.city ?? null,
      province: s.address?.province ?? null,
      postalCode: s.address?.postalCode ?? null,
    },
    trackingCode: s.trackingCode ?? null,
    envelopeNumber: s.envelopeNumber ?? null,
    estimatedDelivery: addBusinessDays(s.shippedAt ?? s.createdAt, SHIPPING_BUSINESS_DAYS[s.speed as ShipmentView["speed"]]),
  };
}
