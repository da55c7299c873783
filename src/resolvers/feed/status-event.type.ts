import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { RequestStatus } from "../../models/index.js";
import type { ChangeSource } from "../../services/status-tracker.service.js";
import { SignatureRequestStatus } from "../signature-request/signature-request.type.js";

export enum StatusChangeSource {
  CALLBACK = "CALLBACK",
  POLL = "POLL",
  MUTATION = "MUTATION",
}
registerEnumType(StatusChangeSource, {
  name: "StatusChangeSource",
  description: "What told the gateway about a change.",
  valuesConfig: {
    CALLBACK: { description: "Upstream's callback." },
    POLL: { description: "The reconciler reading the request from upstream." },
    MUTATION: { description: "The answer to one of the gateway's own calls (an upload, a refresh, ...)." },
  },
});

@ObjectType({ description: "One status change of one of the tenant's requests, from the persisted event log." })
export class StatusEvent {
  @Field(() => String, { description: "Opaque: pass it as `after` to resume the feed right after this event." })
  cursor!: string;

  @Field(() => Int, { description: "The event's position in the tenant's feed (increasing)." })
  sequence!: number;

  @Field(() => ID)
  requestId!: string;

  @Field(() => SignatureRequestStatus)
  from!: RequestStatus;

  @Field(() => SignatureRequestStatus)
  to!: RequestStatus;

  @Field(() => Date)
  at!: Date;

  @Field(() => StatusChangeSource)
  source!: ChangeSource;

  @Field(() => String, { nullable: true, description: "The session subject the request was placed for; null when placed with the secret key." })
  subject!: string | null;
}
