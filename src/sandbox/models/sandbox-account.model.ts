import { Schema, type Connection, type Model } from "mongoose";

/** Per-key fault injection (PUT /sandbox/_faults). */
export interface FaultSettings {
  /** Share of calls answered 503 before doing anything. */
  error_rate: number;
  /** Share of calls that are processed but whose answer is withheld (a client-side timeout). */
  timeout_rate: number;
  /** Drop every callback of this tenant (attempts are logged as dropped). */
  drop_callbacks: boolean;
  /** GET /spid_personale answers 422/800 "spid personale sold out". */
  spid_sold_out: boolean;
}

/** One tenant's sandbox state (collection `sandbox_accounts`, `_id` = tenant id). */
export interface SandboxAccountDoc {
  _id: string;
  balanceCents: number;
  /** Tenant clock = real now + this offset. */
  clockOffsetMs: number;
  faults: FaultSettings;
  createdAt: Date;
}

/** A new tenant's wallet: enough for a few dozen orders, low enough to reach with a test. */
export const DEFAULT_BALANCE_CENTS = 100_000;

/** Faults are off until a key turns them on. */
export const NO_FAULTS: FaultSettings = Object.freeze({ error_rate: 0, timeout_rate: 0, drop_callbacks: false, spid_sold_out: false });

/** An account's fault settings, every one present (accounts stored before a setting existed lack it). */
export function faultsOf(account: Pick<SandboxAccountDoc, "faults">): FaultSettings {
  return { ...NO_FAULTS, ...account.faults };
}

const accountSchema = new Schema<SandboxAccountDoc>(
  {
    _id: { type: String, required: true },
    balanceCents: { type: Number, required: true },
    clockOffsetMs: { type: Number, required: true },
    faults: { error_rate: Number, timeout_rate: Number, drop_callbacks: Boolean, spid_sold_out: Boolean },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

/** The model of `sandbox_accounts` on the given connection. */
export function sandboxAccountModel(connection: Connection): Model<SandboxAccountDoc> {
  return (
    (connection.models.SandboxAccount as Model<SandboxAccountDoc> | undefined) ??
    connection.model<SandboxAccountDoc>("SandboxAccount", accountSchema, "sandbox_accounts")
  );
}
