import { Field, Float, InputType, Int } from "type-graphql";

@InputType({ description: "Exactly one of the four." })
export class AdvanceSandboxClockInput {
  @Field(() => Int, { nullable: true, description: "Calendar seconds (1 to ten years)." })
  seconds?: number | null;

  @Field(() => Int, { nullable: true, description: "Business days (1 to 2000): weekends and Italian holidays skipped, time of day kept." })
  businessDays?: number | null;

  @Field(() => Float, { nullable: true, description: "Business hours (above 0, at most 20000), counted 09:00-18:00 Rome on business days." })
  businessHours?: number | null;

  @Field(() => Boolean, { nullable: true, description: "To the due time of the earliest scheduled transition (BAD_USER_INPUT when none is scheduled)." })
  toNextTransition?: boolean | null;
}

@InputType({ description: "Settings not given keep their value." })
export class SandboxFaultsInput {
  @Field(() => Float, { nullable: true, description: "0 to 1." })
  errorRate?: number | null;

  @Field(() => Float, { nullable: true, description: "0 to 1; errorRate + timeoutRate at most 1." })
  timeoutRate?: number | null;

  @Field(() => Boolean, { nullable: true })
  dropCallbacks?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  spidSoldOut?: boolean | null;
}
