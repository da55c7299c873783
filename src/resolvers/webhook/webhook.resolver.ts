import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type { WebhookDeliveryView, WebhookEndpointView, WebhookService } from "../../services/webhooks.service.js";
import { CreateWebhookEndpointPayload, WebhookDelivery, WebhookEndpoint } from "./webhook.type.js";

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookService) {}

  @Query(() => [WebhookEndpoint], { description: "The caller's webhook endpoints, oldest first." })
  webhookEndpoints(@Ctx() ctx: Context): Promise<WebhookEndpointView[]> {
    return this.webhooks.listEndpoints(requireTenant(ctx));
  }

  @Query(() => [WebhookDelivery], { description: "The endpoint's latest deliveries, newest first. NOT_FOUND for an endpoint that is not the caller's." })
  webhookDeliveries(
    @Arg("endpointId", () => ID) endpointId: string,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryView[]> {
    return this.webhooks.listDeliveries(requireTenant(ctx), endpointId, first);
  }

  @Mutation(() => CreateWebhookEndpointPayload, {
    description: "Registers an endpoint for every status event. The URL must be public (not private, loopback or link-local). The secret is returned only here.",
  })
  createWebhookEndpoint(
    @Arg("url", () => String) url: string,
    @Arg("description", () => String, { nullable: true }) description: string | null,
    @Ctx() ctx: Context,
  ): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    return this.webhooks.createEndpoint(requireTenant(ctx), url, description);
  }

  @Mutation(() => Boolean, { description: "Deletes an endpoint; its pending deliveries are abandoned. NOT_FOUND for an endpoint that is not the caller's." })
  deleteWebhookEndpoint(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return this.webhooks.deleteEndpoint(requireTenant(ctx), id);
  }
}
