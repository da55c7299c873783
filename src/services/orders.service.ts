import { createHash, randomBytes } from "node:crypto";
import { Types } from "mongoose";
import type { Logger } from "pino";
import {
  ApplicantModel,
  ShipmentModel,
  type ApplicantFields,
  type ShipmentFields,
  SignatureRequestModel,
  type RequestStatus,
  type SignatureRequestDocument,
} from "../models/index.js";
import {
  BadUserInputError,
  IdempotencyConflictError,
  NotFoundError,
  type FieldProblem,
} from "../errors/index.js";
import {
  fromUpstreamRequest,
  toUpstreamOrderBody,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  type ApplicantInput,
  type OrderInputByFamily,
  type ProductFamily,
  type ShippingSpeed,
} from "../provider/index.js";
import { checkFile, validateOrderInput, type PlaceOrderRequest } from "./order-input.validator.js";
import type { StatusTracker } from "./status-tracker.service.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";
import type { FieldCipherLike } from "./field-cipher.js";
import type { ProductService } from "./products.service.js";
import { assertNoOperators, blindIndex, maskDocumentNumber, maskTaxCode } from "../security/index.js";
import { hashSecret } from "./secrets.service.js";
import { normalizeTaxCode, ownerFilter } from "./requests.service.js";

export interface OrderServiceOptions {
  clients: UpstreamClients;
  products: ProductService;
  tracker: StatusTracker;
  cipher: FieldCipherLike;
  /** Keyed hash for exact search on encrypted tax codes. */
  blindIndexKey: Buffer;
  /** Base of the callback URLs handed upstream. */
  publicUrl: () => string;
  logger: Logger;
  /** How soon the reconciler first looks at an order whose POST had no clear answer. */
  reconcileAfterMs: number;
}

/** A stored applicant or shipment, as the loaders read them. */
export type StoredApplicant = ApplicantFields & { _id: Types.ObjectId };
export type StoredShipment = ShipmentFields & { _id: Types.ObjectId; createdAt: Date };

/**
 * What placeOrder answers: the request, and the applicant and shipment it has just stored (null
 * when the order has none, or when the answer is an earlier order's), so the caller need not read
 * them back.
 */
export interface PlacedOrder {
  request: SignatureRequestDocument;
  applicant: StoredApplicant | null;
  shipment: StoredShipment | null;
}

/** What is sealed into a request's pendingOrder until upstream has it: enough to send it again from nothing. */
interface PendingOrder {
  body: ReturnType<typeof toUpstreamOrderBody>;
  applicant: ApplicantInput | null;
  shipping: Record<string, unknown> | null;
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

/** Stable JSON (sorted keys) so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}


/**
 * Places orders and changes them upstream. An order is stored (SUBMITTING) before upstream is
 * called, keyed by the tenant's idempotency key, together with its prepared upstream body sealed
 * with the field cipher (erased once upstream has it). A POST is never retried blindly: when its
 * outcome is unknown the reconciler finds the upstream request by the gateway id echoed in
 * `callback.data`, and only when upstream has no trace of it once the attempt's deadline has
 * passed does it send the sealed body again (resendAbandoned), claiming each attempt with a
 * compare-and-set so that replicas never send the same attempt twice.
 */
export class OrderService {
  constructor(private readonly options: OrderServiceOptions) {}

  /** placeOrder: idempotent per (tenant, key); see the class comment. */
  async placeOrder(tenant: TenantView, input: PlaceOrderRequest, idempotencyKey: string): Promise<PlacedOrder> {
    if (!KEY_PATTERN.test(idempotencyKey)) {
      throw new BadUserInputError("invalid idempotency key", [
        { path: "idempotencyKey", message: "expected 8 to 128 characters among letters, digits and _ . : -" },
      ]);
    }
    // GraphQL's types already refuse objects where strings belong; this guards the service boundary too.
    assertNoOperators(input, "input");
    const { family, problems } = validateOrderInput(input, new Date());
    if (problems.length > 0 || family === null) throw new BadUserInputError(`invalid order: ${problems.map((p) => p.path).join(", ")}`, problems);

    // The product must be in the caller's catalogue: this also keeps the local product cache,
    // which request listings resolve products from, filled.
    if (!(await this.options.products.has(tenant, input.productCode))) {
      throw new BadUserInputError("unknown product", [{ path: "input.productCode", message: `${input.productCode} is not in the ${tenant.mode} catalogue` }]);
    }
    const inputHash = createHash("sha256").update(canonical(input)).digest("hex");

    const id = new Types.ObjectId();
    // Throws BAD_USER_INPUT for anything the mapping refuses: still nothing stored.
    const { familyInput, body, callbackSecretHash } = await this.prepare(tenant, id, family, input);

    const applicant = "applicant" in familyInput ? (familyInput as { applicant: ApplicantInput }).applicant : null;
    const applicantId = applicant ? new Types.ObjectId() : null;
    const shipping = this.shippingOf(family, familyInput);
    const shipmentId = shipping ? new Types.ObjectId() : null;
    const pending: PendingOrder = { body, applicant, shipping };
    const now = new Date();
    // Inserted first, looked up only when the key is taken: the unique (tenant, subject, key) index
    // is the idempotency check, so a new order costs no read. The insert also claims the first POST
    // (attempt 0 -> 1, deadline attemptDeadlineMs): nobody else sends it before the deadline, and a
    // resend after it claims attempt 2 with a compare-and-set (see resendAbandoned).
    try {
      await SignatureRequestModel.create({
        _id: id,
        tenantId: tenant.id,
        mode: tenant.mode,
        productCode: input.productCode,
        status: "SUBMITTING",
        statusHistory: [{ status: "SUBMITTING", at: now }],
        idempotencyKey,
        subject: tenant.subject ?? null,
        inputHash,
        applicantId,
        shipmentId,
        options: this.optionsOf(familyInput),
        callbackSecretHash,
        nextCheckAt: new Date(now.getTime() + this.options.reconcileAfterMs),
        submitLeaseUntil: new Date(now.getTime() + this.attemptDeadlineMs),
        submitAttempts: 1,
        pendingOrder: this.sealIfFindable(family, pending),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const existing = await this.byIdempotencyKey(tenant, idempotencyKey, inputHash);
      if (existing === null) throw err;
      const request = existing.status === "SUBMITTING" && !existing.upstreamId ? await this.resubmitIfAbandoned(tenant, existing, family, input) : existing;
      return { request, applicant: null, shipment: null };
    }
    // Fresh ids: nothing to look for before inserting them.
    const stored = await this.storeDependents(tenant, id, applicantId, shipmentId, pending, false);
    return { request: await this.submit(tenant, id, input.productCode, body), ...stored };
  }

  /**
   * How long one attempt owns the order: twice the upstream timeout, so a POST still in flight has
   * timed out before anyone looks again and sends it anew.
   */
  get attemptDeadlineMs(): number {
    return 2 * this.options.clients.timeoutMs;
  }

  /**
   * A retry (same key, same input) of an order still SUBMITTING with no upstream id: sent again
   * under the same id if its last attempt's deadline has passed and upstream has no trace of it,
   * exactly as the reconciler would (see resendAbandoned). A request stored before orders were kept
   * sealed is sent from the retry's input.
   */
  private async resubmitIfAbandoned(
    tenant: TenantView,
    existing: SignatureRequestDocument,
    family: ProductFamily,
    input: PlaceOrderRequest,
  ): Promise<SignatureRequestDocument> {
    return (await this.resendAbandoned(tenant, existing, { family, input }, "client retry")) ?? existing;
  }

  /**
   * Sends again an order still SUBMITTING whose last attempt's deadline has passed: claims the
   * next attempt with a compare-and-set on `submitAttempts` (two processes never both send), looks
   * upstream for orders echoing our id, and only if there is none POSTs the sealed body again.
   * Returns null when the order is not abandoned (another attempt owns it, or someone else claimed it).
   */
  async resendAbandoned(
    tenant: Pick<TenantView, "id" | "mode">,
    request: SignatureRequestDocument,
    fromInput: { family: ProductFamily; input: PlaceOrderRequest } | null,
    via: string,
  ): Promise<SignatureRequestDocument | null> {
    if (request.status !== "SUBMITTING" || request.upstreamId) return null;
    if (!request.pendingOrder && fromInput === null) return null;
    const claimed = await this.claimAttempt(request._id, request.submitAttempts ?? 0);
    if (claimed === null) return null;
    const id = claimed._id;
    const client = await this.options.clients.forTenant(tenant);
    const found = (await client.listRequests(claimed.productCode)).map(fromUpstreamRequest).filter((r) => r.gatewayRequestId === id.toHexString());
    if (found.length > 0) return (await this.options.tracker.applyEchoed(id, found, "POLL"))!;

    let pending: PendingOrder;
    if (claimed.pendingOrder) {
      pending = this.open(claimed.pendingOrder);
    } else {
      const { family, input } = fromInput!;
      const { familyInput, body, callbackSecretHash } = await this.prepare({ ...tenant, name: "" }, id, family, input);
      const applicant = "applicant" in familyInput ? (familyInput as { applicant: ApplicantInput }).applicant : null;
      pending = { body, applicant, shipping: this.shippingOf(family, familyInput) };
      await SignatureRequestModel.updateOne({ _id: id }, { $set: { callbackSecretHash, pendingOrder: this.sealIfFindable(family, pending) }, $inc: { version: 1 } });
    }
    // The crash may have come between storing the request and its applicant or shipment.
    await this.storeDependents(tenant, id, claimed.applicantId, claimed.shipmentId, pending);
    // The deadline runs from the POST, not from the claim: renew it, still holding this attempt. If
    // looking upstream took so long that someone claimed the next attempt meanwhile, leave it to them.
    const now = Date.now();
    const renewed = await SignatureRequestModel.updateOne(
      { _id: id, status: "SUBMITTING", upstreamId: null, submitAttempts: claimed.submitAttempts },
      { $set: { submitLeaseUntil: new Date(now + this.attemptDeadlineMs) } },
    );
    if (renewed.matchedCount !== 1) return null;
    this.options.logger.info(
      { requestId: id.toHexString(), attempt: claimed.submitAttempts, via },
      "order never reached upstream and its last attempt's deadline has passed; sending it again",
    );
    return this.submit(tenant, id, claimed.productCode, pending.body);
  }

  /**
   * Claims attempt `attempts` -> `attempts + 1` of a SUBMITTING order not yet upstream, once the
   * previous attempt's deadline has passed, with a new deadline of attemptDeadlineMs. Null when
   * someone else holds or took the attempt. (The first attempt is claimed by the order's insert.)
   */
  private async claimAttempt(id: Types.ObjectId, attempts: number): Promise<SignatureRequestDocument | null> {
    const now = Date.now();
    const filter: Record<string, unknown> = {
      _id: id,
      status: "SUBMITTING",
      upstreamId: null,
      submitAttempts: attempts > 0 ? attempts : { $in: [0, null] },
      $or: [
        { submitLeaseUntil: { $lt: new Date(now) } },
        { submitLeaseUntil: null, createdAt: { $lt: new Date(now - this.attemptDeadlineMs) } },
      ],
    };
    return SignatureRequestModel.findOneAndUpdate(
      filter,
      { $set: { submitLeaseUntil: new Date(now + this.attemptDeadlineMs) }, $inc: { submitAttempts: 1, version: 1 } },
      { returnDocument: "after" },
    );
  }

  /**
   * Stores the applicant and shipment of order `id`, both at once, and returns what it stored. With
   * `mayExist` (a resend: a crash may have come after either write) each is first looked for; a
   * concurrent restorer's duplicate key counts as stored (and is not returned).
   */
  private async storeDependents(
    tenant: Pick<TenantView, "id">,
    id: Types.ObjectId,
    applicantId: Types.ObjectId | null | undefined,
    shipmentId: Types.ObjectId | null | undefined,
    pending: PendingOrder,
    mayExist = true,
  ): Promise<{ applicant: StoredApplicant | null; shipment: StoredShipment | null }> {
    const storeOnce = async <T>(write: () => Promise<T | null>): Promise<T | null> => {
      try {
        return await write();
      } catch (err) {
        // Two processes restoring the same one at once: the other stored it.
        if ((err as { code?: number }).code !== 11000) throw err;
        return null;
      }
    };
    const { applicant, shipping } = pending;
    const [storedApplicant, storedShipment] = await Promise.all([
      applicantId && applicant
        ? storeOnce(async () => {
            if (mayExist && (await ApplicantModel.exists({ _id: applicantId }))) return null;
            return this.storeApplicant(applicantId, tenant, applicant);
          })
        : null,
      shipmentId && shipping
        ? storeOnce(async () => {
            if (mayExist && (await ShipmentModel.exists({ _id: shipmentId }))) return null;
            const doc = await ShipmentModel.create({ _id: shipmentId, tenantId: tenant.id, requestId: id, ...shipping });
            return doc.toObject() as StoredShipment;
          })
        : null,
    ]);
    return { applicant: storedApplicant, shipment: storedShipment };
  }

  /**
   * The order sealed for resends, or null for a family whose body carries no callback (a video
   * upgrade): upstream would not echo our id, so "no trace upstream" could never be established
   * and such an order is never resent by the reconciler.
   */
  private sealIfFindable(family: ProductFamily, pending: PendingOrder): string | null {
    if (family === "VIDEO_UPGRADE") return null;
    return this.options.cipher.encrypt(JSON.stringify(pending));
  }

  private open(sealed: string): PendingOrder {
    return JSON.parse(this.options.cipher.decrypt(sealed)) as PendingOrder;
  }

  // POSTs a stored SUBMITTING order once (its attempt already claimed); see the class comment for what an unclear outcome means.
  private async submit(tenant: Pick<TenantView, "id" | "mode">, id: Types.ObjectId, productCode: string, body: ReturnType<typeof toUpstreamOrderBody>): Promise<SignatureRequestDocument> {
    const client = await this.options.clients.forTenant(tenant);
    try {
      const created = await client.createRequest(productCode, body);
      return (await this.options.tracker.apply(id, fromUpstreamRequest(created), "MUTATION"))!;
    } catch (err) {
      if (err instanceof UpstreamRejectedError) {
        await this.options.tracker.fail(id, err.code, err.message, "MUTATION");
        throw err;
      }
      // Timeout, 5xx, network: upstream may or may not have the order. Keep SUBMITTING; the
      // reconciler looks for it by our id in callback.data instead of ordering twice.
      this.options.logger.warn({ requestId: id.toHexString(), err: (err as Error).message }, "order outcome unknown; left to the reconciler");
      if (err instanceof UpstreamUnavailableError) return (await SignatureRequestModel.findById(id))!;
      throw err;
    }
  }

  /** Uploads the signed form and/or the ID document upstream. */
  async uploadDocuments(
    tenant: TenantView,
    requestId: string,
    files: { signedForm?: { fileName: string; contentBase64: string } | null; idDocument?: { fileName: string; contentBase64: string } | null },
  ): Promise<SignatureRequestDocument> {
    const problems: FieldProblem[] = [];
    if (!files.signedForm && !files.idDocument) problems.push({ path: "signedForm", message: "expected signedForm, idDocument or both" });
    for (const [name, f] of Object.entries(files)) checkFile(problems, f, name);
    if (problems.length > 0) throw new BadUserInputError("invalid upload", problems);
    const request = await this.upstreamBacked(tenant, requestId);
    const client = await this.options.clients.forTenant(tenant);
    const answer = await client.uploadDocuments(request.upstreamId!, {
      ...(files.signedForm ? { modulo: files.signedForm.contentBase64.replace(/\s+/g, ""), nome_modulo: files.signedForm.fileName } : {}),
      ...(files.idDocument ? { documento: files.idDocument.contentBase64.replace(/\s+/g, ""), nome_documento: files.idDocument.fileName } : {}),
    });
    return (await this.options.tracker.apply(request._id, fromUpstreamRequest(answer), "MUTATION"))!;
  }

  /** Adds video recognition to an existing request (upstream's VIDEORIC). */
  async requestVideoRecognition(tenant: TenantView, requestId: string): Promise<SignatureRequestDocument> {
    const request = await this.upstreamBacked(tenant, requestId);
    const client = await this.options.clients.forTenant(tenant);
    const answer = await client.addVideoRecognition(request.upstreamId!, request.requestCode ?? undefined);
    return (await this.options.tracker.apply(request._id, fromUpstreamRequest(answer), "MUTATION"))!;
  }

  /** Reads the request from upstream now and stores what changed. */
  async refresh(tenant: TenantView, requestId: string): Promise<SignatureRequestDocument> {
    const request = await this.owned(tenant, requestId);
    if (!request.upstreamId) return request;
    const client = await this.options.clients.forTenant(tenant);
    const answer = await client.getRequest(request.upstreamId);
    return (await this.options.tracker.apply(request._id, fromUpstreamRequest(answer), "POLL"))!;
  }

  /** The tenant's request, or NOT_FOUND (a foreign id answers exactly like a missing one). */
  async owned(tenant: TenantView, requestId: string): Promise<SignatureRequestDocument> {
    const doc = Types.ObjectId.isValid(requestId) && /^[0-9a-f]{24}$/i.test(requestId)
      ? await SignatureRequestModel.findOne({ _id: requestId, ...ownerFilter(tenant) })
      : null;
    if (doc === null) throw new NotFoundError("signature request", requestId);
    return doc;
  }

  private async upstreamBacked(tenant: TenantView, requestId: string): Promise<SignatureRequestDocument> {
    const request = await this.owned(tenant, requestId);
    if (!request.upstreamId) {
      throw new BadUserInputError("this request has not reached upstream yet", [
        { path: "requestId", message: `request is ${request.status}: wait until it leaves SUBMITTING` },
      ]);
    }
    return request;
  }

  private async byIdempotencyKey(tenant: TenantView, key: string, inputHash: string): Promise<SignatureRequestDocument | null> {
    // Keys are per subject: the secret key's own orders have none.
    const doc = await SignatureRequestModel.findOne({ tenantId: tenant.id, subject: tenant.subject ?? null, idempotencyKey: key });
    if (doc === null) return null;
    if (doc.inputHash !== inputHash) throw new IdempotencyConflictError(key);
    return doc;
  }

  /**
   * The upstream body for order `id`, with a fresh callback URL whose secret is kept only as the
   * returned hash. Throws BAD_USER_INPUT for anything the mapping refuses.
   */
  private async prepare(tenant: TenantView, id: Types.ObjectId, family: ProductFamily, input: PlaceOrderRequest) {
    const secret = randomBytes(24).toString("base64url");
    const callbackUrl = `${this.options.publicUrl()}/callbacks/firmadigitale/${id.toHexString()}/${secret}`;
    const familyInput = await this.familyInput(tenant, family, input, { url: callbackUrl, gatewayRequestId: id.toHexString() });
    return { familyInput, body: toUpstreamOrderBody(family, familyInput), callbackSecretHash: hashSecret(secret) };
  }

  private async familyInput(
    tenant: TenantView,
    family: ProductFamily,
    input: PlaceOrderRequest,
    callback: { url: string; gatewayRequestId: string },
  ): Promise<OrderInputByFamily[ProductFamily]> {
    switch (family) {
      case "SIGNATURE":
        return { ...(input.signature as object), callback } as OrderInputByFamily["SIGNATURE"];
      case "ARUBA":
        return { ...(input.aruba as object), callback } as OrderInputByFamily["ARUBA"];
      case "VIDEO":
        return { ...(input.video as object), callback } as OrderInputByFamily["VIDEO"];
      case "DEVICE_ONLY":
        return { ...(input.device as object), callback } as OrderInputByFamily["DEVICE_ONLY"];
      case "RENEWAL":
        return { ...(input.renewal as object), callback } as OrderInputByFamily["RENEWAL"];
      case "VIDEO_UPGRADE": {
        const target = await this.upstreamBacked(tenant, String(input.videoUpgrade?.requestId ?? ""));
        return { requestId: target.upstreamId!, requestCode: target.requestCode ?? undefined };
      }
      default: {
        const never: never = family;
        throw new Error(`unhandled family ${String(never)}`);
      }
    }
  }

  private optionsOf(input: object): Record<string, unknown> {
    const i = input as { assistance?: boolean; urgent?: boolean; videoRecognition?: boolean; quantity?: number };
    return { assistance: i.assistance ?? false, urgent: i.urgent ?? false, videoRecognition: i.videoRecognition ?? false, quantity: i.quantity ?? 1 };
  }

  private shippingOf(family: ProductFamily, input: object): Record<string, unknown> | null {
    const speed = ((input as { shipping?: ShippingSpeed }).shipping ?? "STANDARD") as ShippingSpeed;
    if (family === "SIGNATURE" || family === "ARUBA") {
      const s = (input as { applicant: ApplicantInput }).applicant.shipping;
      return { speed, recipient: s.recipient, email: null, phone: null, address: { address: s.address, city: s.city, province: s.province, postalCode: s.postalCode } };
    }
    if (family === "DEVICE_ONLY") {
      const r = (input as OrderInputByFamily["DEVICE_ONLY"]).recipient;
      return { speed, recipient: r.recipient, email: r.email, phone: r.phone, address: { address: r.address, city: r.city, province: r.province, postalCode: r.postalCode } };
    }
    return null;
  }

  private async storeApplicant(id: Types.ObjectId, tenant: Pick<TenantView, "id">, a: ApplicantInput): Promise<StoredApplicant> {
    const taxCode = normalizeTaxCode(a.taxCode);
    const doc = await ApplicantModel.create({
      _id: id,
      tenantId: tenant.id,
      firstName: a.firstName,
      lastName: a.lastName,
      email: a.email,
      phone: a.phone,
      sex: a.sex,
      birthDate: a.birthDate,
      birthPlace: a.birthPlace,
      birthProvince: a.birthProvince,
      birthCountry: a.birthCountry,
      taxCodeEnc: this.options.cipher.encrypt(taxCode),
      taxCodeHash: blindIndex(this.options.blindIndexKey, taxCode),
      taxCodeMasked: maskTaxCode(taxCode),
      residence: a.residence,
      document: {
        type: a.document.type,
        numberEnc: this.options.cipher.encrypt(a.document.number),
        numberMasked: maskDocumentNumber(a.document.number),
        issuedBy: a.document.issuedBy,
        issueDate: a.document.issueDate,
        expiryDate: a.document.expiryDate,
      },
    });
    return doc.toObject() as StoredApplicant;
  }
}

export type { RequestStatus };
