import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { DeliveryStatus } from "../../models/index.js";

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  DELIVERING = "DELIVERING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  valuesConfig: {
    PENDING: { description: "Waiting for its next attempt (see nextAttemptAt)." },
    DELIVERING: { description: "An attempt is in flight." },
    SUCCEEDED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Every attempt of the retry schedule failed, or the endpoint was deleted." },
  },
});

@ObjectType({ description: "Where the tenant's status events are POSTed, signed per Standard Webhooks." })
export class WebhookEndpoint {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: "While in the future, deliveries carry the previous secret's signature too (after rotateWebhookSecret)." })
  previousSecretExpiresAt!: Date | null;
}

@ObjectType()
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String, { description: "`whsec_...`: verifies `webhook-signature`. Shown only here, once." })
  secret!: string;
}

@ObjectType({ description: "One HTTP attempt of a webhook delivery." })
export class WebhookAttempt {
  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status; null when it gave none." })
  responseCode!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType()
export class RotateWebhookSecretPayload {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String, { description: "The new `whsec_...`. Shown only here, once." })
  secret!: string;

  @Field(() => Date, { nullable: true, description: "Until then `webhook-signature` carries both signatures; null: the old secret stopped at once." })
  previousSecretExpiresAt!: Date | null;
}

@ObjectType({ description: "One status event sent (or being sent) to one endpoint." })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: "The StatusEvent delivered." })
  eventId!: string;

  @Field(() => String, { description: "The `webhook-id` header: the same on every attempt." })
  messageId!: string;

  @Field(() => WebhookDeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "HTTP status of the last attempt; null when it got no answer." })
  lastResponseCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { description: "The exact JSON body signed and sent." })
  body!: string;

  @Field(() => Boolean, { description: "Sent by sendExampleWebhook, not a real status event." })
  example!: boolean;

  @Field(() => [WebhookAttempt], { description: "Every attempt, oldest first." })
  attemptLog!: WebhookAttempt[];
}
