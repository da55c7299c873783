import { Schema, type Connection, type Model, type Types } from "mongoose";

/** Where a callback delivery stands. */
export type DeliveryState = "pending" | "delivered" | "failed" | "dropped";

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  at: Date;
  /** HTTP status of the answer, null when none came (timeout, refused, blocked target). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** One callback (one status change of one request), with every attempt (collection `sandbox_callbacks`). */
export interface SandboxCallbackDoc {
  _id: Types.ObjectId;
  tenantId: string;
  requestId: string;
  codice_richiesta: string;
  stato: string;
  /** The tenant clock's time of the status change. */
  changedAt: Date;
  url: string;
  method: "POST" | "JSON";
  field: string;
  /** The exact body sent, so every retry sends the same bytes. */
  body: string;
  contentType: string;
  state: DeliveryState;
  /** Why it was dropped (`+nocallback`, fault setting) or finally failed. */
  reason: string | null;
  attempts: DeliveryAttempt[];
  /** Real time of the next retry, null when none is planned. */
  nextAttemptAt: Date | null;
  /** Orders deliveries of the same request (and of one clock advance) for the log. */
  seq: number;
  createdAt: Date;
}

const callbackSchema = new Schema<SandboxCallbackDoc>(
  {
    tenantId: { type: String, required: true },
    requestId: { type: String, required: true },
    codice_richiesta: String,
    stato: String,
    changedAt: Date,
    url: String,
    method: String,
    field: String,
    body: String,
    contentType: String,
    state: { type: String, required: true },
    reason: { type: String, default: null },
    attempts: [{ _id: false, at: Date, status: { type: Number, default: null }, error: { type: String, default: null }, durationMs: Number }],
    nextAttemptAt: { type: Date, default: null },
    seq: Number,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

callbackSchema.index({ tenantId: 1, requestId: 1, seq: 1 });
callbackSchema.index({ tenantId: 1, seq: 1 });
// Expiry (SANDBOX_CALLBACK_RETENTION_DAYS): a TTL index on createdAt kept by applyRetention at start-up.
// Restart resumes pending retries from here.
callbackSchema.index({ state: 1, nextAttemptAt: 1 });

/** The model of `sandbox_callbacks` on the given connection. */
export function sandboxCallbackModel(connection: Connection): Model<SandboxCallbackDoc> {
  return (
    (connection.models.SandboxCallback as Model<SandboxCallbackDoc> | undefined) ??
    connection.model<SandboxCallbackDoc>("SandboxCallback", callbackSchema, "sandbox_callbacks")
  );
}
