import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type { WebhookDeliveryView, WebhookEndpointView } from "../../services/webhooks.service.js";
import { DEFAULT_OVERLAP_HOURS, type WebhookTools } from "../../services/webhook-tools.service.js";
import { RotateWebhookSecretPayload, WebhookDelivery } from "./webhook.type.js";

@Resolver(() => WebhookDelivery)
export class WebhookToolsResolver {
  constructor(private readonly tools: WebhookTools) {}

  @Query(() => [WebhookDelivery], { description: "Every webhook delivery of the request's status events, on every endpoint, oldest first. NOT_FOUND for a request that is not the caller's." })
  webhookDeliveriesForRequest(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: Context): Promise<WebhookDeliveryView[]> {
    return this.tools.deliveriesForRequest(requireTenant(ctx), requestId);
  }

  @Mutation(() => WebhookDelivery, { description: "Attempts a delivery again now: same webhook-id and body, fresh timestamp and signature. BAD_USER_INPUT while an attempt is in flight." })
  redeliverWebhook(@Arg("deliveryId", () => ID) deliveryId: string, @Ctx() ctx: Context): Promise<WebhookDeliveryView> {
    return this.tools.redeliver(requireTenant(ctx), deliveryId);
  }

  @Mutation(() => WebhookDelivery, { description: "Sends a signed example event (type `example.status_changed`, `example: true`) to one endpoint, to test the receiver." })
  sendExampleWebhook(@Arg("endpointId", () => ID) endpointId: string, @Ctx() ctx: Context): Promise<WebhookDeliveryView> {
    return this.tools.sendExample(requireTenant(ctx), endpointId);
  }

  @Mutation(() => RotateWebhookSecretPayload, {
    description: `Replaces the endpoint's secret. For overlapHours (default ${DEFAULT_OVERLAP_HOURS}, 0 to 168) deliveries carry both signatures in webhook-signature (\`v1,<new> v1,<old>\`), as Standard Webhooks allows, so receivers can switch without losing events.`,
  })
  rotateWebhookSecret(
    @Arg("endpointId", () => ID) endpointId: string,
    @Arg("overlapHours", () => Int, { defaultValue: DEFAULT_OVERLAP_HOURS }) overlapHours: number,
    @Ctx() ctx: Context,
  ): Promise<{ endpoint: WebhookEndpointView; secret: string; previousSecretExpiresAt: Date | null }> {
    return this.tools.rotateSecret(requireTenant(ctx), endpointId, overlapHours);
  }
}
