import { tenantWritesPlugin } from "./tenant-writes.plugin.js";
import { Schema, model, type InferSchemaType, type HydratedDocument } from "mongoose";

/** Upstream's four `stato` values in English, plus the gateway's own SUBMITTING and FAILED. */
export const REQUEST_STATUSES = [
  "SUBMITTING",
  "IN_REGISTRAZIONE",
  "IN_RICONOSCIMENTO",
  "IN_LAVORAZIONE",
  "EVASA",
  "FAILED",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const historyEntrySchema = new Schema(
  {
    status: { type: String, required: true, enum: REQUEST_STATUSES },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const outboxEntrySchema = new Schema(
  {
    from: { type: String, required: true, enum: REQUEST_STATUSES },
    to: { type: String, required: true, enum: REQUEST_STATUSES },
    at: { type: Date, required: true },
    source: { type: String, required: true, enum: ["CALLBACK", "POLL", "MUTATION"] },
  },
  { _id: false },
);

const alertEntrySchema = new Schema(
  {
    code: { type: String, required: true },
    message: { type: String, required: true },
    upstreamId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/** A device order as the gateway knows it: intent first (SUBMITTING), then mirrored from upstream. */
const signatureRequestSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true },
    mode: { type: String, required: true, enum: ["TEST", "LIVE"] },
    productCode: { type: String, required: true },
    status: { type: String, required: true, enum: REQUEST_STATUSES },
    statusHistory: { type: [historyEntrySchema], default: [] },
    idempotencyKey: { type: String, default: null },
    /** The end user (session token subject) the order was placed for; null when placed with the secret key. */
    subject: { type: String, default: null },
    inputHash: { type: String, default: null },
    upstreamId: { type: String, default: null },
    requestCode: { type: String, default: null },
    applicantId: { type: Schema.Types.ObjectId, default: null },
    shipmentId: { type: Schema.Types.ObjectId, default: null },
    options: {
      assistance: { type: Boolean, default: false },
      urgent: { type: Boolean, default: false },
      videoRecognition: { type: Boolean, default: false },
      quantity: { type: Number, default: 1 },
    },
    formUploaded: { type: Boolean, default: false },
    documentUploaded: { type: Boolean, default: false },
    device: {
      deviceNumber: { type: String, default: null },
      cardCode: { type: String, default: null },
      userCode: { type: String, default: null },
      alias: { type: String, default: null },
      iut: { type: String, default: null },
    },
    credentials: {
      token: { type: String, default: null },
      code: { type: String, default: null },
      username: { type: String, default: null },
    },
    failure: {
      code: { type: String, default: null },
      message: { type: String, default: null },
    },
    callbackSecretHash: { type: String, default: null },
    issuedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    /** When the reconciler should look at this request next (null once final). */
    nextCheckAt: { type: Date, default: null },
    /** Polls in a row that found nothing new: the reconciler backs off with it. */
    unchangedChecks: { type: Number, default: 0 },
    /**
     * Status changes stored but not yet handed to the event log and webhooks: written in the same
     * update as the change, removed once delivered, so a crash in between loses no event.
     */
    outbox: { type: [outboxEntrySchema], default: [] },
    /** While set in the future, one process is (re)sending this SUBMITTING order upstream. */
    submitLeaseUntil: { type: Date, default: null },
    /**
     * POSTs of this order claimed so far (first send and resends). Each POST is preceded by a
     * compare-and-set from n to n+1, so two processes never send the same attempt.
     */
    submitAttempts: { type: Number, default: 0 },
    /**
     * What it takes to (re)send the order: the prepared upstream body (files included) and the
     * applicant and shipment to store, sealed with the field cipher. Erased once upstream has the
     * order (or the request fails).
     */
    pendingOrder: { type: String, default: null },
    /**
     * Bumped by every write of the status tracker and the reconciler; their writes are
     * compare-and-set on it, so a write computed from an older read never lands.
     */
    version: { type: Number, default: 0 },
    /** Anomalies found while mirroring upstream, such as DUPLICATE_UPSTREAM_ORDER. */
    alerts: { type: [alertEntrySchema], default: [] },
  },
  { timestamps: true },
);
signatureRequestSchema.index(
  // Per subject: two end users of one tenant cannot see (or collide with) each other's keys.
  { tenantId: 1, subject: 1, idempotencyKey: 1 },
  { unique: true, partialFilterExpression: { idempotencyKey: { $type: "string" } } },
);
signatureRequestSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
signatureRequestSchema.index({ tenantId: 1, upstreamId: 1 });
signatureRequestSchema.index({ nextCheckAt: 1 });
signatureRequestSchema.index({ "outbox.at": 1 });

// Every write reports its tenants, so caches of what these collections hold are dropped (request-list cache).
signatureRequestSchema.plugin(tenantWritesPlugin);

export type SignatureRequestFields = InferSchemaType<typeof signatureRequestSchema>;
export type SignatureRequestDocument = HydratedDocument<SignatureRequestFields>;
export const SignatureRequestModel = model("SignatureRequest", signatureRequestSchema);
