import { Schema, type Connection, type Model, type Types } from "mongoose";
import type { LifecycleState } from "../lifecycle/index.js";

/** The caller's callback settings, as given in the order body (`method` defaults to POST upstream). */
export interface StoredCallback {
  url: string;
  method: "POST" | "JSON";
  field: string;
  data: Record<string, unknown>;
}

/** What the sandbox keeps of an uploaded file: never the bytes, only what identifies them. */
export interface StoredUpload {
  nome: string;
  kind: string;
  bytes: number;
  sha256: string;
  at: Date;
}

/** One sandbox request (collection `sandbox_requests`). */
export interface SandboxRequestDoc extends LifecycleState {
  _id: Types.ObjectId;
  tenantId: string;
  codice_richiesta: string;
  prodotto: string;
  tipo: string;
  /** What the order cost, in cents (price plus the video surcharge, VIDEORIC adds to it). */
  paidCents: number;
  assistenza: boolean;
  quantita: number;
  owner: string;
  anagrafica: Record<string, unknown> | null;
  anagrafica_spedizione: Record<string, unknown> | null;
  email: string | null;
  cellulare: string | null;
  callback: StoredCallback | null;
  uploads: { modulo: StoredUpload | null; documento: StoredUpload | null };
  history: { stato: string; at: Date }[];
  /** Optimistic-concurrency guard on every write. */
  version: number;
  createdAt: Date;
}

const uploadSchema = new Schema<StoredUpload>(
  { nome: String, kind: String, bytes: Number, sha256: String, at: Date },
  { _id: false },
);

const requestSchema = new Schema<SandboxRequestDoc>(
  {
    tenantId: { type: String, required: true },
    codice_richiesta: { type: String, required: true },
    codice_prodotto: { type: String, required: true },
    prodotto: String,
    tipo: String,
    family: { type: String, required: true },
    paidCents: Number,
    stato: { type: String, required: true },
    assistenza: Boolean,
    urgenza: Boolean,
    spedizione: { type: String, default: null },
    videoriconoscimento: Boolean,
    quantita: Number,
    modulo: Boolean,
    documento: Boolean,
    owner: String,
    anagrafica: { type: Schema.Types.Mixed, default: null },
    anagrafica_spedizione: { type: Schema.Types.Mixed, default: null },
    email: { type: String, default: null },
    cellulare: { type: String, default: null },
    callback: { type: Schema.Types.Mixed, default: null },
    uploads: { modulo: { type: uploadSchema, default: null }, documento: { type: uploadSchema, default: null } },
    magic: { reject: Boolean, videofail: Boolean, lost: Boolean, nocallback: Boolean },
    acquistoAt: { type: Date, required: true },
    registrazioneAt: { type: Date, default: null },
    videoBookedAt: { type: Date, default: null },
    identifiedAt: { type: Date, default: null },
    shipFrom: { type: Date, default: null },
    lostParcels: { type: Number, default: 0 },
    emissioneAt: { type: Date, default: null },
    evasioneAt: { type: Date, default: null },
    scadenzaAt: { type: Date, default: null },
    firma: { type: Schema.Types.Mixed, default: null },
    credenziali: { type: Schema.Types.Mixed, default: null },
    nextAt: { type: Date, default: null },
    history: [{ _id: false, stato: String, at: Date }],
    version: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

// The clock's query: "this tenant's requests due by T", answered from the index, in due order.
requestSchema.index({ tenantId: 1, nextAt: 1 });
// GET /richiesta (optionally by product), newest last like the upstream's list.
requestSchema.index({ tenantId: 1, codice_prodotto: 1, createdAt: 1 });

/** The model of `sandbox_requests` on the given connection (registered once per connection). */
export function sandboxRequestModel(connection: Connection): Model<SandboxRequestDoc> {
  return (
    (connection.models.SandboxRequest as Model<SandboxRequestDoc> | undefined) ??
    connection.model<SandboxRequestDoc>("SandboxRequest", requestSchema, "sandbox_requests")
  );
}
