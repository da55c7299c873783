import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type { TimelineService, TimelineView } from "../../services/timeline.service.js";
import { RequestTimeline } from "./timeline.type.js";

@Resolver(() => RequestTimeline)
export class TimelineResolver {
  constructor(private readonly timelines: TimelineService) {}

  @Query(() => RequestTimeline, { description: "One of the caller's requests with its whole story (for the dashboard's timeline). NOT_FOUND otherwise." })
  signatureRequestTimeline(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<TimelineView> {
    return this.timelines.timeline(requireTenant(ctx), id);
  }
}
