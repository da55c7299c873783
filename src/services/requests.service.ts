import { Types } from "mongoose";
import {
  ApplicantModel,
  SignatureRequestModel,
  type RequestStatus,
  type SignatureRequestFields,
  type TenantMode,
} from "../models/index.js";
import { BadUserInputError } from "../errors/index.js";
import { blindIndex, escapeRegex, sanitizeFilterString } from "../security/index.js";
import type { TenantView } from "./tenants.service.js";
import type { RequestListCache } from "./request-list-cache.service.js";

/** A request as GraphQL serves it (loaders resolve product, applicant and shipment from the keys). */
export interface RequestView {
  id: string;
  requestCode: string | null;
  productCode: string;
  productMode: TenantMode;
  status: RequestStatus;
  statusHistory: { status: RequestStatus; at: Date }[];
  options: { assistance: boolean; urgent: boolean; videoRecognition: boolean; quantity: number };
  formUploaded: boolean;
  documentUploaded: boolean;
  device: { deviceNumber: string | null; cardCode: string | null; userCode: string | null; alias: string | null; iut: string | null } | null;
  credentials: { token: string | null; code: string | null; username: string | null } | null;
  failure: { code: string; message: string } | null;
  alerts: { code: string; message: string; upstreamId: string | null; at: Date }[];
  mode: TenantMode;
  createdAt: Date;
  updatedAt: Date;
  issuedAt: Date | null;
  expiresAt: Date | null;
  applicantId: string | null;
  shipmentId: string | null;
}

type StoredRequest = SignatureRequestFields & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

function someSet<T extends Record<string, unknown>>(o: T | null | undefined): T | null {
  return o && Object.values(o).some((v) => v !== null && v !== undefined) ? o : null;
}

/** Stored request (document or lean) → view. */
export function toRequestView(doc: StoredRequest): RequestView {
  const d = doc as StoredRequest;
  return {
    id: d._id.toHexString(),
    requestCode: d.requestCode ?? null,
    productCode: d.productCode,
    productMode: d.mode as TenantMode,
    status: d.status as RequestStatus,
    statusHistory: (d.statusHistory ?? []).map((h) => ({ status: h.status as RequestStatus, at: h.at })),
    options: {
      assistance: d.options?.assistance ?? false,
      urgent: d.options?.urgent ?? false,
      videoRecognition: d.options?.videoRecognition ?? false,
      quantity: d.options?.quantity ?? 1,
    },
    formUploaded: d.formUploaded ?? false,
    documentUploaded: d.documentUploaded ?? false,
    device: someSet(d.device as RequestView["device"]),
    credentials: someSet(d.credentials as RequestView["credentials"]),
    failure: d.failure?.code ? { code: d.failure.code, message: d.failure.message ?? "" } : null,
    alerts: (d.alerts ?? []).map((a) => ({ code: a.code, message: a.message, upstreamId: a.upstreamId ?? null, at: a.at })),
    mode: d.mode as TenantMode,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    issuedAt: d.issuedAt ?? null,
    expiresAt: d.expiresAt ?? null,
    applicantId: d.applicantId ? d.applicantId.toHexString() : null,
    shipmentId: d.shipmentId ? d.shipmentId.toHexString() : null,
  };
}

export interface RequestFilterInput {
  status?: RequestStatus[] | null;
  productCode?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  search?: string | null;
}

export interface RequestPage {
  edges: { cursor: string; node: RequestView }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Opaque cursor: the sort key (createdAt, _id) of the last row seen. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.getTime()}:${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: Types.ObjectId } {
  const m = /^(\d{1,15}):([0-9a-f]{24})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw new BadUserInputError("invalid cursor", [{ path: "after", message: "expected a cursor returned by a previous page" }]);
  return { createdAt: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

export const MAX_PAGE_SIZE = 100;

/** The form tax codes are indexed in (blind index), so a search finds them however they were typed. */
export function normalizeTaxCode(s: string): string {
  return s.trim().toUpperCase();
}

/**
 * What scopes a query to the caller's requests: its tenant's, and with a session token only its
 * subject's. Every read or write of a request by id goes through this filter.
 */
export function ownerFilter(tenant: TenantView): { tenantId: string; subject?: string } {
  return tenant.subject === undefined ? { tenantId: tenant.id } : { tenantId: tenant.id, subject: tenant.subject };
}

/**
 * The list's arguments and the caller's scope as one string: two calls with the same key read the
 * same page (the tenant is the cache's other key).
 */
export function listCacheKey(tenant: TenantView, first: number, after: string | null | undefined, filter: RequestFilterInput): string {
  return JSON.stringify([
    tenant.subject === undefined ? null : tenant.subject,
    first,
    after ?? null,
    filter.status?.length ? [...new Set(filter.status)].sort() : null,
    filter.productCode || null,
    filter.createdAfter ? filter.createdAfter.getTime() : null,
    filter.createdBefore ? filter.createdBefore.getTime() : null,
    filter.search || null,
  ]);
}

/** Reads requests, always scoped to the caller's tenant (and session subject). */
export class RequestQueryService {
  /** `cache`: pages kept in memory until a write to the tenant's requests (see RequestListCache). */
  constructor(
    private readonly blindIndexKey: Buffer,
    private readonly cache?: RequestListCache,
  ) {}

  /** The tenant's request by id, or null (a foreign id is indistinguishable from a missing one). */
  async get(tenant: TenantView, id: string): Promise<RequestView | null> {
    if (!/^[0-9a-f]{24}$/i.test(id)) return null;
    const doc = await SignatureRequestModel.findOne({ _id: id, ...ownerFilter(tenant) }).lean<StoredRequest>();
    return doc ? toRequestView(doc) : null;
  }

  /** A page of the tenant's requests, newest first, as a Relay connection. */
  async list(tenant: TenantView, first: number, after: string | null | undefined, filter: RequestFilterInput = {}): Promise<RequestPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new BadUserInputError("invalid page size", [{ path: "first", message: `expected 1 to ${MAX_PAGE_SIZE}, received ${first}` }]);
    }
    if (this.cache === undefined || !this.cache.enabled) return this.read(tenant, first, after, filter);
    return this.cache.pageOr(tenant.id, listCacheKey(tenant, first, after, filter), () => this.read(tenant, first, after, filter));
  }

  private async read(tenant: TenantView, first: number, after: string | null | undefined, filter: RequestFilterInput): Promise<RequestPage> {
    const and: Record<string, unknown>[] = [{ tenantId: new Types.ObjectId(tenant.id) }];
    if (tenant.subject !== undefined) and.push({ subject: tenant.subject });
    if (filter.status?.length) and.push({ status: { $in: filter.status } });
    if (filter.productCode) and.push({ productCode: sanitizeFilterString(filter.productCode, "filter.productCode") });
    if (filter.createdAfter) and.push({ createdAt: { $gt: filter.createdAfter } });
    if (filter.createdBefore) and.push({ createdAt: { $lt: filter.createdBefore } });
    const search = filter.search ? sanitizeFilterString(filter.search, "filter.search").trim() : "";
    if (search) {
      const re = new RegExp(`^${escapeRegex(search)}`, "i");
      const applicants = await ApplicantModel.find(
        { tenantId: tenant.id, $or: [{ lastName: re }, { email: search.toLowerCase() }, { taxCodeHash: blindIndex(this.blindIndexKey, normalizeTaxCode(search)) }] },
        { _id: 1 },
      ).lean();
      and.push({ $or: [{ requestCode: search }, { applicantId: { $in: applicants.map((a) => a._id) } }] });
    }
    if (after) {
      const c = decodeCursor(after);
      and.push({ $or: [{ createdAt: { $lt: c.createdAt } }, { createdAt: c.createdAt, _id: { $lt: c.id } }] });
    }
    // A lone condition goes bare: the engine matches plain equalities without compiling a query.
    const rows = await SignatureRequestModel.find(and.length === 1 ? and[0]! : { $and: and })
      .sort({ createdAt: -1, _id: -1 })
      .limit(first + 1)
      .lean<StoredRequest[]>();
    const page = rows.slice(0, first).map(toRequestView);
    const edges = page.map((node) => ({ cursor: encodeCursor(node.createdAt, node.id), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
