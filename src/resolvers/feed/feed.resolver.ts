import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { requireTenant } from "../../context.js";
import { createLoaders } from "../../loaders.js";
import { AppError, NotFoundError } from "../../errors/index.js";
import type { RequestQueryService, RequestView } from "../../services/requests.service.js";
import type { FeedService, RequestNotice, StatusEventView } from "../../services/events.service.js";
import { SignatureRequest } from "../signature-request/signature-request.type.js";
import type { FeedContext } from "./feed-context.js";
import { checkFeedFilter, filterFeed } from "../../services/feed-filter.service.js";
import type { RequestStatus } from "../../models/index.js";
import { SignatureRequestStatus } from "../signature-request/signature-request.type.js";
import { StatusEvent } from "./status-event.type.js";

function feedOf(ctx: FeedContext): FeedService {
  if (!ctx.feed) throw new AppError("BAD_USER_INPUT", "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql");
  return ctx.feed;
}

/**
 * Loaders cache for the whole operation, and a subscription is one long operation: each event gets
 * fresh ones so a request's shipment or product is read as it is now, not as at the first event.
 */
function refreshLoaders(ctx: FeedContext): void {
  ctx.loaders = ctx.tenant ? createLoaders(ctx.tenant.id) : null;
}

type SubscribeData<A> = SubscribeResolverData<unknown, A, FeedContext>;

@Resolver(() => StatusEvent)
export class FeedResolver {
  constructor(private readonly queries: RequestQueryService) {}

  @Subscription(() => StatusEvent, {
    description:
      "The tenant's status events. With `after` (a cursor), every event after it is replayed from the log first, then the feed continues live, without gap or duplicate; without it, events from now on. Reconnect with the last cursor received to miss nothing. `status` (the new status) and `productCode` narrow the feed on the server, replay included.",
    subscribe: async ({ args, context }: SubscribeData<{ after?: string | null; status?: RequestStatus[] | null; productCode?: string[] | null }>) => {
      const tenant = requireTenant(context);
      const tenantId = tenant.id;
      const filter = { status: args.status, productCode: args.productCode };
      // Checked before the feed opens, so a bad filter opens nothing.
      checkFeedFilter(filter);
      return filterFeed(await feedOf(context).open(tenantId, args.after, tenant.subject), tenantId, filter);
    },
  })
  statusEvents(
    @Root() event: StatusEventView,
    @Arg("after", () => String, { nullable: true }) _after: string | null,
    @Arg("status", () => [SignatureRequestStatus], { nullable: true, description: "Only events whose new status is one of these (1 to 30)." }) _status: RequestStatus[] | null,
    @Arg("productCode", () => [String], { nullable: true, description: "Only events of requests of these products (1 to 30 codes)." }) _productCode: string[] | null,
  ): StatusEventView {
    return event;
  }

  @Subscription(() => SignatureRequest, {
    description:
      "The request's current state at once, then its state after each of its status changes. NOT_FOUND for a request that is not the caller's.",
    subscribe: async ({ args, context }: SubscribeData<{ id: string }>) => {
      const tenant = requireTenant(context);
      return feedOf(context).openRequest(tenant.id, args.id, tenant.subject);
    },
  })
  async signatureRequestUpdated(@Root() notice: RequestNotice, @Arg("id", () => ID) id: string, @Ctx() ctx: FeedContext): Promise<RequestView> {
    refreshLoaders(ctx);
    const view = await this.queries.get(requireTenant(ctx), notice.requestId);
    if (view === null) throw new NotFoundError("signature request", id);
    return view;
  }

  @FieldResolver(() => SignatureRequest, { nullable: true, description: "The request as it is now (not as of this event)." })
  request(@Root() event: StatusEventView, @Ctx() ctx: FeedContext): Promise<RequestView | null> {
    // Per event, and only when asked for: most feed consumers never select the request.
    refreshLoaders(ctx);
    return this.queries.get(requireTenant(ctx), event.requestId);
  }
}
