import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { RequestStatus } from "../../models/index.js";
import { SignatureRequest, SignatureRequestStatus } from "../signature-request/signature-request.type.js";
import { SandboxCallback, SandboxMail } from "../sandbox/sandbox.type.js";
import { WebhookDelivery } from "../webhook/webhook.type.js";

export enum RequestMove {
  UPLOAD_DOCUMENTS = "UPLOAD_DOCUMENTS",
  REQUEST_VIDEO_RECOGNITION = "REQUEST_VIDEO_RECOGNITION",
  ADVANCE_CLOCK = "ADVANCE_CLOCK",
  FORCE_IDENTIFICATION_REFUSED = "FORCE_IDENTIFICATION_REFUSED",
  FORCE_VIDEO_FAILED = "FORCE_VIDEO_FAILED",
  FORCE_PARCEL_LOST = "FORCE_PARCEL_LOST",
  FORCE_CALLBACKS_DROPPED = "FORCE_CALLBACKS_DROPPED",
}
registerEnumType(RequestMove, {
  name: "RequestMove",
  description: "A legal next move on a request: a mutation that applies now.",
  valuesConfig: {
    UPLOAD_DOCUMENTS: { description: "uploadIdentificationDocuments" },
    REQUEST_VIDEO_RECOGNITION: { description: "requestVideoRecognition" },
    ADVANCE_CLOCK: { description: "Test keys: a transition is scheduled (advanceSandboxClockBy toNextTransition)." },
    FORCE_IDENTIFICATION_REFUSED: { description: "Test keys: forceSandboxOutcome IDENTIFICATION_REFUSED." },
    FORCE_VIDEO_FAILED: { description: "Test keys: forceSandboxOutcome VIDEO_FAILED." },
    FORCE_PARCEL_LOST: { description: "Test keys: forceSandboxOutcome PARCEL_LOST." },
    FORCE_CALLBACKS_DROPPED: { description: "Test keys: forceSandboxOutcome CALLBACKS_DROPPED." },
  },
});

@ObjectType()
export class TimelineStatusChange {
  @Field(() => SignatureRequestStatus)
  status!: RequestStatus;

  @Field(() => Date, { description: "When the gateway stored the change (real time)." })
  at!: Date;

  @Field(() => Date, { nullable: true, description: "Test keys: when it happened on the tenant's sandbox clock." })
  sandboxAt!: Date | null;
}

@ObjectType({ description: "One stage of the family's lifecycle, for the diagram." })
export class LifecycleStage {
  @Field(() => SignatureRequestStatus)
  status!: RequestStatus;

  @Field(() => Boolean, { description: "The request has been in this stage (or is)." })
  reached!: boolean;

  @Field(() => Boolean)
  current!: boolean;

  @Field(() => Boolean, { description: "An end that is not success (FAILED: refused order, failed video identification)." })
  failure!: boolean;
}

@ObjectType({ description: "One request's story: status changes, callbacks, webhook deliveries, inbox, lifecycle and next moves." })
export class RequestTimeline {
  @Field(() => SignatureRequest)
  request!: SignatureRequest;

  @Field(() => [TimelineStatusChange], { description: "Oldest first." })
  statusChanges!: TimelineStatusChange[];

  @Field(() => [SandboxCallback], { description: "Test keys: the sandbox's callbacks for the request (empty for live keys)." })
  callbacks!: SandboxCallback[];

  @Field(() => [WebhookDelivery], { description: "The webhook deliveries of the request's status events, on every endpoint." })
  webhookDeliveries!: WebhookDelivery[];

  @Field(() => [SandboxMail], { description: "Test keys: the applicant's e-mails (empty for live keys: nothing is recorded for real applicants)." })
  inbox!: SandboxMail[];

  @Field(() => [LifecycleStage], { description: "The family's stages in order (SUBMITTING first, the FAILED end last)." })
  lifecycle!: LifecycleStage[];

  @Field(() => [RequestMove])
  nextMoves!: RequestMove[];

  @Field(() => Date, { nullable: true, description: "Test keys: when the sandbox's next automatic step is due (sandbox clock)." })
  nextTransitionAt!: Date | null;
}
