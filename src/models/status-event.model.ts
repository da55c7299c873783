import { Schema, model, type InferSchemaType } from "mongoose";
import { REQUEST_STATUSES } from "./signature-request.model.js";

export const CHANGE_SOURCES = ["CALLBACK", "POLL", "MUTATION"] as const;

/** One stored status change: the tenant's feed is these, ordered by `seq`. */
const statusEventSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true, ref: "Tenant" },
    /** Per-tenant, gap-free in the normal case, assigned atomically from the feed counter. */
    seq: { type: Number, required: true },
    requestId: { type: Schema.Types.ObjectId, required: true, ref: "SignatureRequest" },
    from: { type: String, required: true, enum: REQUEST_STATUSES },
    to: { type: String, required: true, enum: REQUEST_STATUSES },
    at: { type: Date, required: true },
    source: { type: String, required: true, enum: CHANGE_SOURCES },
    /** The request's session subject, so an end user's feed replays only its own events. */
    subject: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
statusEventSchema.index({ tenantId: 1, seq: 1 }, { unique: true });
// Expiry (EVENT_RETENTION_DAYS) is a TTL index on createdAt kept by applyRetention at start-up, not
// declared here: its lifetime is configuration, and a changed one replaces the index.
// Guard against one change stored twice (a callback and a poll racing past the tracker's compare-and-set).
statusEventSchema.index({ requestId: 1, from: 1, to: 1, at: 1 }, { unique: true });

export type StatusEventFields = InferSchemaType<typeof statusEventSchema>;
export const StatusEventModel = model("StatusEvent", statusEventSchema);

/** Per-tenant sequence counters (`_id` = tenant id), advanced with `$inc` + upsert. */
const feedCounterSchema = new Schema({
  _id: { type: String, required: true },
  seq: { type: Number, required: true, default: 0 },
});

export const FeedCounterModel = model("FeedCounter", feedCounterSchema, "feedcounters");
