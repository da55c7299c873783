import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Mode } from "../tenant/tenant.type.js";
import type { RequestStatus, TenantMode } from "../../models/index.js";

export enum SignatureRequestStatus {
  SUBMITTING = "SUBMITTING",
  IN_REGISTRAZIONE = "IN_REGISTRAZIONE",
  IN_RICONOSCIMENTO = "IN_RICONOSCIMENTO",
  IN_LAVORAZIONE = "IN_LAVORAZIONE",
  EVASA = "EVASA",
  FAILED = "FAILED",
}
registerEnumType(SignatureRequestStatus, {
  name: "SignatureRequestStatus",
  description: "Upstream's `stato`, plus the gateway's own SUBMITTING and FAILED.",
  valuesConfig: {
    SUBMITTING: { description: "Stored by the gateway, not yet confirmed by upstream (the reconciler settles it)." },
    IN_REGISTRAZIONE: { description: "Waiting for the signed form and the ID document." },
    IN_RICONOSCIMENTO: { description: "Identity being verified (public officer or video)." },
    IN_LAVORAZIONE: { description: "Device or certificate being prepared." },
    EVASA: { description: "Done: shipped or issued." },
    FAILED: { description: "Upstream refused the order, or it never reached upstream." },
  },
});

@ObjectType({ simpleResolvers: true })
export class StatusChange {
  @Field(() => SignatureRequestStatus)
  status!: RequestStatus;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ simpleResolvers: true })
export class RequestOptions {
  @Field(() => Boolean, { description: "Assisted setup (`assistenza`)." })
  assistance!: boolean;

  @Field(() => Boolean, { description: "Faster processing (`urgenza`)." })
  urgent!: boolean;

  @Field(() => Boolean, { description: "Identification by video call (`videoriconoscimento`)." })
  videoRecognition!: boolean;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType({ simpleResolvers: true, description: "The issued device. PIN, PUK and emergency codes never leave the gateway: the applicant gets them by e-mail." })
export class Device {
  @Field(() => String, { nullable: true })
  deviceNumber!: string | null;

  @Field(() => String, { nullable: true })
  cardCode!: string | null;

  @Field(() => String, { nullable: true })
  userCode!: string | null;

  @Field(() => String, { nullable: true })
  alias!: string | null;

  @Field(() => String, { nullable: true })
  iut!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "Per family: a renewal token, a FIREST code, a video product's username." })
export class Credentials {
  @Field(() => String, { nullable: true })
  token!: string | null;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field(() => String, { nullable: true })
  username!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class RequestFailure {
  @Field(() => String, { description: "An error code such as UPSTREAM_REJECTED." })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType({ simpleResolvers: true, description: "An anomaly the gateway found while mirroring a request from upstream." })
export class RequestAlert {
  @Field(() => String, {
    description: "DUPLICATE_UPSTREAM_ORDER: upstream holds a second order carrying this request's id (a POST that arrived after its resend); cancel it with the provider.",
  })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true, description: "The other upstream order, for DUPLICATE_UPSTREAM_ORDER." })
  upstreamId!: string | null;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ simpleResolvers: true, description: "An order of a signature device or service, and its progress." })
export class SignatureRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: "Upstream's short `codice_richiesta`, once known." })
  requestCode!: string | null;

  @Field(() => String)
  productCode!: string;

  @Field(() => SignatureRequestStatus)
  status!: RequestStatus;

  @Field(() => [StatusChange])
  statusHistory!: StatusChange[];

  @Field(() => RequestOptions)
  options!: RequestOptions;

  @Field(() => Boolean)
  formUploaded!: boolean;

  @Field(() => Boolean)
  documentUploaded!: boolean;

  @Field(() => Device, { nullable: true })
  device!: Device | null;

  @Field(() => Credentials, { nullable: true })
  credentials!: Credentials | null;

  @Field(() => RequestFailure, { nullable: true })
  failure!: RequestFailure | null;

  @Field(() => [RequestAlert], { description: "Anomalies found upstream, such as a duplicate order; empty when all is well." })
  alerts!: RequestAlert[];

  @Field(() => Mode)
  mode!: TenantMode;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: "When upstream completed it (`timestamp.evasione`)." })
  issuedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "Certificate expiry (`timestamp.scadenza`)." })
  expiresAt!: Date | null;

  // Resolved through per-request loaders (see the resolver): kept here as keys only.
  productMode!: string;
  applicantId!: string | null;
  shipmentId!: string | null;
}
