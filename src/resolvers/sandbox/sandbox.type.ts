import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Money } from "../common/money.type.js";

export enum SandboxRequestStatus {
  IN_REGISTRAZIONE = "IN_REGISTRAZIONE",
  IN_RICONOSCIMENTO = "IN_RICONOSCIMENTO",
  IN_LAVORAZIONE = "IN_LAVORAZIONE",
  EVASA = "EVASA",
  RIFIUTATA = "RIFIUTATA",
}
registerEnumType(SandboxRequestStatus, {
  name: "SandboxRequestStatus",
  description: "A sandbox request's `stato` in capitals; RIFIUTATA ends a failed video identification.",
});

export enum SandboxOutcome {
  IDENTIFICATION_REFUSED = "IDENTIFICATION_REFUSED",
  VIDEO_FAILED = "VIDEO_FAILED",
  PARCEL_LOST = "PARCEL_LOST",
  CALLBACKS_DROPPED = "CALLBACKS_DROPPED",
  NORMAL = "NORMAL",
}
registerEnumType(SandboxOutcome, {
  name: "SandboxOutcome",
  description: "An outcome forced on a sandbox request: the magic e-mail values' effects, without re-ordering.",
  valuesConfig: {
    IDENTIFICATION_REFUSED: { description: "`+reject`: the public officer refuses the documents; the request returns to IN_REGISTRAZIONE with both uploads reset." },
    VIDEO_FAILED: { description: "`+videofail`: the video call fails and the request ends RIFIUTATA." },
    PARCEL_LOST: { description: "`+lost`: the first parcel is lost; a replacement ships one shipping period later." },
    CALLBACKS_DROPPED: { description: "`+nocallback`: no callback is sent for the request from now on (each is logged as dropped)." },
    NORMAL: { description: "Clears every forced outcome (and the magic values') of the request." },
  },
});

export enum SandboxMailKind {
  INSTRUCTIONS = "INSTRUCTIONS",
  VIDEO_INVITATION = "VIDEO_INVITATION",
  DOCUMENTS_REFUSED = "DOCUMENTS_REFUSED",
  VIDEO_FAILED = "VIDEO_FAILED",
  ENVELOPE = "ENVELOPE",
}
registerEnumType(SandboxMailKind, {
  name: "SandboxMailKind",
  description: "Which moment of the applicant's journey an e-mail stands for.",
  valuesConfig: {
    INSTRUCTIONS: { description: "After the order: what to do next." },
    VIDEO_INVITATION: { description: "Video identification: the invitation to book the call." },
    DOCUMENTS_REFUSED: { description: "The public officer refused the documents: upload them again." },
    VIDEO_FAILED: { description: "The video identification failed: the request is refused." },
    ENVELOPE: { description: "At EVASA: the certification authority's virtual envelope (PDF with fake PIN, PUK and emergency code in the sandbox)." },
  },
});

export enum SandboxCallbackState {
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  FAILED = "FAILED",
  DROPPED = "DROPPED",
}
registerEnumType(SandboxCallbackState, { name: "SandboxCallbackState" });

@ObjectType({ description: "A step the sandbox will apply by itself when the tenant clock reaches dueAt." })
export class ScheduledTransition {
  @Field(() => ID, { nullable: true, description: "The gateway's request id; null for a request ordered over REST directly." })
  requestId!: string | null;

  @Field(() => String, { description: "The sandbox's (upstream) id." })
  upstreamId!: string;

  @Field(() => String)
  requestCode!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => SandboxRequestStatus)
  status!: string;

  @Field(() => SandboxRequestStatus, { description: "Where the step leads (the same as status for a lost parcel's replacement)." })
  nextStatus!: string;

  @Field(() => Date, { description: "On the tenant's sandbox clock." })
  dueAt!: Date;
}

@ObjectType({ description: "The tenant's sandbox clock." })
export class SandboxClockState {
  @Field(() => Date, { description: "The tenant's time: real time plus offsetSeconds." })
  now!: Date;

  @Field(() => Int)
  offsetSeconds!: number;

  @Field(() => Date, { description: "09:00 Rome of the next business day (weekends and Italian public holidays skipped)." })
  nextBusinessDay!: Date;

  @Field(() => [ScheduledTransition], { description: "The requests' upcoming automatic steps, in due order (at most 100)." })
  upcoming!: ScheduledTransition[];
}

@ObjectType()
export class SandboxFaults {
  @Field(() => Number, { description: "Share of sandbox API calls answered 503 before doing anything." })
  errorRate!: number;

  @Field(() => Number, { description: "Share of calls processed but whose answer is withheld (a client-side timeout)." })
  timeoutRate!: number;

  @Field(() => Boolean, { description: "Drop every callback (logged as DROPPED)." })
  dropCallbacks!: boolean;

  @Field(() => Boolean, { description: "GET /spid_personale answers 422/800 `spid personale sold out`." })
  spidSoldOut!: boolean;
}

@ObjectType({ description: "Test keys only: the tenant's whole sandbox state." })
export class SandboxState {
  @Field(() => SandboxClockState)
  clock!: SandboxClockState;

  @Field(() => Money)
  wallet!: Money;

  @Field(() => SandboxFaults)
  faults!: SandboxFaults;
}

@ObjectType()
export class SandboxClockAdvance {
  @Field(() => Date)
  now!: Date;

  @Field(() => Int, { description: "Status changes the advance caused (all stored, their callbacks' first attempts done)." })
  transitions!: number;
}

@ObjectType({ description: "One HTTP attempt of a sandbox callback." })
export class SandboxCallbackAttempt {
  @Field(() => Date, { description: "Real time of the attempt." })
  at!: Date;

  @Field(() => Int, { nullable: true, description: "The target's HTTP status; null when it gave none (timeout, refused, blocked)." })
  status!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ description: "One callback the sandbox sent (or dropped) for one status change, with every attempt." })
export class SandboxCallback {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  requestCode!: string;

  @Field(() => SandboxRequestStatus)
  status!: string;

  @Field(() => Date, { description: "The status change's time on the tenant's sandbox clock." })
  changedAt!: Date;

  @Field(() => String)
  url!: string;

  @Field(() => String, { description: "POST (form-encoded) or JSON, as the order's callback.method." })
  method!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => String, { description: "The exact body sent (the same on every attempt)." })
  body!: string;

  @Field(() => SandboxCallbackState)
  state!: string;

  @Field(() => String, { nullable: true, description: "Why it was dropped, or why the last attempt failed." })
  reason!: string | null;

  @Field(() => [SandboxCallbackAttempt])
  attempts!: SandboxCallbackAttempt[];

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;
}

@ObjectType({ description: "An e-mail the applicant would receive. Recorded only: nothing is sent anywhere." })
export class SandboxMail {
  @Field(() => ID)
  id!: string;

  @Field(() => SandboxMailKind)
  kind!: string;

  @Field(() => String, { nullable: true, description: "The applicant's address from the order." })
  to!: string | null;

  @Field(() => String)
  subject!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Date, { description: "On the tenant's sandbox clock." })
  at!: Date;

  @Field(() => Boolean, { description: "True for the ENVELOPE mail: envelopePdfBase64 has its PDF." })
  hasEnvelope!: boolean;
}

@ObjectType({ description: "Which outcomes are forced on a sandbox request." })
export class SandboxForcedOutcomes {
  @Field(() => ID)
  requestId!: string;

  @Field(() => Boolean)
  identificationRefused!: boolean;

  @Field(() => Boolean)
  videoFailed!: boolean;

  @Field(() => Boolean)
  parcelLost!: boolean;

  @Field(() => Boolean)
  callbacksDropped!: boolean;
}

@ObjectType({ description: "What resetSandbox removed. API keys and webhook endpoints are kept." })
export class SandboxResetResult {
  @Field(() => Int)
  sandboxRequests!: number;

  @Field(() => Int)
  callbacks!: number;

  @Field(() => Int)
  mails!: number;

  @Field(() => Int, { description: "The gateway's own requests of the tenant (so the reconciler stops polling them)." })
  gatewayRequests!: number;

  @Field(() => Int)
  statusEvents!: number;

  @Field(() => Int)
  webhookDeliveries!: number;

  @Field(() => Int)
  spidVouchers!: number;
}
