import type { Context } from "../../context.js";
import type { FeedService } from "../../services/events.service.js";

/** The context of operations over graphql-ws: the HTTP one, plus the feed that subscriptions read. */
export interface FeedContext extends Context {
  feed?: FeedService;
}
