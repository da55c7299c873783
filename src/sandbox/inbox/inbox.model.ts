import { Schema, type Connection, type Model, type Types } from "mongoose";

/** Which moment of the applicant's journey a mail stands for. */
export type InboxKind = "INSTRUCTIONS" | "VIDEO_INVITATION" | "DOCUMENTS_REFUSED" | "VIDEO_FAILED" | "ENVELOPE";

/** The fake activation data of the certification authority's "virtual envelope" (sandbox only). */
export interface EnvelopeCodes {
  pin: string;
  puk: string;
  codice_emergenza: string;
}

/**
 * One e-mail the applicant would receive (collection `sandbox_inbox`). Nothing is ever sent: the
 * sandbox records it so partners can see the moments of the end-user journey.
 */
export interface SandboxMailDoc {
  _id: Types.ObjectId;
  tenantId: string;
  requestId: string;
  codice_richiesta: string;
  kind: InboxKind;
  /** The applicant's address as given in the order (null when the order gave none). */
  to: string | null;
  subject: string;
  body: string;
  /** Tenant-clock time the mail would be sent. */
  at: Date;
  /** Sealed JSON of EnvelopeCodes for the ENVELOPE mail, whose PDF is rendered on demand. */
  envelope: string | null;
  seq: number;
  createdAt: Date;
}

const mailSchema = new Schema<SandboxMailDoc>(
  {
    tenantId: { type: String, required: true },
    requestId: { type: String, required: true },
    codice_richiesta: String,
    kind: { type: String, required: true },
    to: { type: String, default: null },
    subject: String,
    body: String,
    at: Date,
    envelope: { type: String, default: null },
    seq: Number,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
mailSchema.index({ tenantId: 1, requestId: 1, seq: 1 });

/** The model of `sandbox_inbox` on the given connection. */
export function sandboxMailModel(connection: Connection): Model<SandboxMailDoc> {
  return (
    (connection.models.SandboxMail as Model<SandboxMailDoc> | undefined) ??
    connection.model<SandboxMailDoc>("SandboxMail", mailSchema, "sandbox_inbox")
  );
}
