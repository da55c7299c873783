import { Types } from "mongoose";
import type { Logger } from "pino";
import { SpidVoucherModel, type SpidVoucherStatus } from "../models/index.js";
import { AppError, BadUserInputError, NotFoundError } from "../errors/index.js";
import { UpstreamRejectedError, UpstreamUnavailableError } from "../provider/index.js";
import { boundedText } from "./input-bounds.js";
import type { FieldCipherLike } from "./field-cipher.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

/** SPID_PER's list price (Namirial, 14.20 EUR), stored on each purchase. */
export const SPID_PRICE_CENTS = 1420;
export const SPID_PRODUCT_CODE = "SPID_PER";
export const MAX_SPID_PAGE = 100;

export interface SpidVoucherView {
  id: string;
  idempotencyKey: string;
  productCode: string;
  status: SpidVoucherStatus;
  price: { amountCents: number; currency: string };
  /** Decrypted only for the owner; null unless ISSUED. */
  voucherUrl: string | null;
  expiresAt: Date | null;
  failure: { code: string | null; message: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

interface VoucherRow {
  _id: Types.ObjectId;
  idempotencyKey: string;
  productCode: string;
  status: SpidVoucherStatus;
  priceCents: number;
  currency: string;
  voucherUrlEncrypted: string | null;
  expiresAt: Date | null;
  failure?: { code: string | null; message: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SpidServiceOptions {
  clients: UpstreamClients;
  cipher: FieldCipherLike;
  logger: Logger;
}

/**
 * Buys personal SPID vouchers (GET /spid_personale). That GET spends money, returns no id, and
 * upstream has no list to check afterwards, so: the intent is stored first under the caller's
 * idempotency key, upstream is called exactly once (the provider client does not retry it), and an
 * unclear outcome (timeout, connection reset, 5xx) is stored as OUTCOME_UNKNOWN, never retried.
 */
export class SpidService {
  constructor(private readonly options: SpidServiceOptions) {}

  /** Buys one voucher; the same key returns the same purchase (in whatever state it is). */
  async buy(tenant: TenantView, idempotencyKey: string): Promise<SpidVoucherView> {
    boundedText(idempotencyKey, "idempotencyKey", "idempotencyKey", { min: 1 });
    const existing = await SpidVoucherModel.findOne({ tenantId: tenant.id, idempotencyKey }).lean<VoucherRow | null>();
    if (existing !== null) return this.view(await this.settleInterrupted(existing));
    // Resolved before the intent: a live tenant without an Openapi token is refused with nothing stored.
    const client = await this.options.clients.forTenant(tenant);
    let intent: VoucherRow;
    try {
      const created = await SpidVoucherModel.create({
        tenantId: tenant.id,
        mode: tenant.mode,
        idempotencyKey,
        productCode: SPID_PRODUCT_CODE,
        priceCents: SPID_PRICE_CENTS,
        currency: "EUR",
        status: "PENDING",
      });
      intent = created.toObject() as unknown as VoucherRow;
    } catch (err) {
      // The same key at the same moment: the first one's purchase is the answer.
      if ((err as { code?: number }).code !== 11000) throw err;
      const winner = await SpidVoucherModel.findOne({ tenantId: tenant.id, idempotencyKey }).lean<VoucherRow | null>();
      if (winner === null) throw err;
      return this.view(winner);
    }
    let update: Record<string, unknown>;
    try {
      const { url } = await client.buySpidVoucher();
      const expiresAt = new Date();
      expiresAt.setUTCFullYear(expiresAt.getUTCFullYear() + 1);
      update = { status: "ISSUED", voucherUrlEncrypted: this.options.cipher.encrypt(url), expiresAt };
    } catch (err) {
      if (err instanceof UpstreamRejectedError) {
        update = { status: "REJECTED", failure: { code: String(err.upstreamCode ?? err.status), message: err.upstreamMessage } };
      } else if (err instanceof UpstreamUnavailableError) {
        this.options.logger.warn({ voucherId: intent._id.toHexString(), reason: err.reason, status: err.status }, "SPID voucher purchase outcome unknown");
        update = { status: "OUTCOME_UNKNOWN", failure: { code: err.reason.toUpperCase(), message: "upstream's answer was lost: the voucher may or may not have been bought and paid; check the wallet before buying again" } };
      } else if (err instanceof AppError) {
        update = { status: "OUTCOME_UNKNOWN", failure: { code: err.code, message: err.message } };
      } else {
        update = { status: "OUTCOME_UNKNOWN", failure: { code: "INTERNAL", message: "the purchase stopped unexpectedly; its outcome is unknown" } };
        this.options.logger.error({ err, voucherId: intent._id.toHexString() }, "SPID voucher purchase failed unexpectedly");
      }
    }
    const settled = await SpidVoucherModel.findOneAndUpdate({ _id: intent._id, status: "PENDING" }, { $set: update }, { returnDocument: "after" }).lean<VoucherRow | null>();
    return this.view(settled ?? intent);
  }

  /**
   * A purchase still PENDING long after any upstream call would have ended was interrupted (the
   * process stopped mid-call): its outcome is unknown, and it is said so rather than called again.
   */
  private async settleInterrupted(row: VoucherRow): Promise<VoucherRow> {
    if (row.status !== "PENDING" || Date.now() - row.createdAt.getTime() < this.interruptedAfterMs()) return row;
    const failure = { code: "INTERRUPTED", message: "the purchase was interrupted before upstream's answer was stored; its outcome is unknown" };
    const settled = await SpidVoucherModel.findOneAndUpdate({ _id: row._id, status: "PENDING" }, { $set: { status: "OUTCOME_UNKNOWN", failure } }, { returnDocument: "after" }).lean<VoucherRow | null>();
    return settled ?? row;
  }

  private interruptedAfterMs(): number {
    return Math.max(60_000, this.options.clients.timeoutMs * 4);
  }

  /** The tenant's purchases, newest first. */
  async list(tenant: TenantView, first: number): Promise<SpidVoucherView[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SPID_PAGE) {
      throw new BadUserInputError("invalid page size", [{ path: "first", message: `expected 1 to ${MAX_SPID_PAGE}, received ${first}` }]);
    }
    const rows = await SpidVoucherModel.find({ tenantId: tenant.id }).sort({ createdAt: -1, _id: -1 }).limit(first).lean<VoucherRow[]>();
    return rows.map((r) => this.view(r));
  }

  /** One of the tenant's purchases; NOT_FOUND otherwise. */
  async get(tenant: TenantView, id: string): Promise<SpidVoucherView> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError("SPID voucher", id);
    const row = await SpidVoucherModel.findOne({ _id: id, tenantId: tenant.id }).lean<VoucherRow | null>();
    if (row === null) throw new NotFoundError("SPID voucher", id);
    return this.view(row);
  }

  private view(r: VoucherRow): SpidVoucherView {
    return {
      id: r._id.toHexString(),
      idempotencyKey: r.idempotencyKey,
      productCode: r.productCode,
      status: r.status,
      price: { amountCents: r.priceCents, currency: r.currency },
      voucherUrl: r.voucherUrlEncrypted ? this.options.cipher.decrypt(r.voucherUrlEncrypted) : null,
      expiresAt: r.expiresAt ?? null,
      failure: r.failure?.code || r.failure?.message ? { code: r.failure.code ?? null, message: r.failure.message ?? null } : null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }
}
