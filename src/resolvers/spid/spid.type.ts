import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Money } from "../common/money.type.js";

export enum SpidVoucherStatus {
  PENDING = "PENDING",
  ISSUED = "ISSUED",
  REJECTED = "REJECTED",
  OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN",
}
registerEnumType(SpidVoucherStatus, {
  name: "SpidVoucherStatus",
  valuesConfig: {
    PENDING: { description: "Stored, upstream being called (or the process stopped meanwhile)." },
    ISSUED: { description: "Bought: voucherUrl holds the registration link." },
    REJECTED: { description: "Upstream refused (failure.code 801: not enough credit; 800: sold out). Nothing was charged." },
    OUTCOME_UNKNOWN: {
      description: "Upstream's answer was lost (timeout, connection reset, 5xx): the voucher may have been bought and paid. Never retried by the gateway; check the wallet before buying again with a new key.",
    },
  },
});

@ObjectType()
export class SpidVoucherFailure {
  @Field(() => String, { nullable: true, description: "Upstream's error code (800, 801, ...) or the gateway's reason (TIMEOUT, NETWORK, ...)." })
  code!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType({ description: "One purchase of a personal SPID voucher (SPID_PER, Namirial): a one-year registration link." })
export class SpidVoucher {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  idempotencyKey!: string;

  @Field(() => String)
  productCode!: string;

  @Field(() => SpidVoucherStatus)
  status!: string;

  @Field(() => Money, { description: "The list price at purchase." })
  price!: Money;

  @Field(() => String, { nullable: true, description: "The registration URL carrying the voucher (stored encrypted); null unless ISSUED." })
  voucherUrl!: string | null;

  @Field(() => Date, { nullable: true, description: "One year after issue." })
  expiresAt!: Date | null;

  @Field(() => SpidVoucherFailure, { nullable: true })
  failure!: SpidVoucherFailure | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}
