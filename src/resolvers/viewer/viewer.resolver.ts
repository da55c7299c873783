import { Ctx, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import { Viewer } from "./viewer.type.js";

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { description: "Who the API key belongs to." })
  viewer(@Ctx() ctx: Context): Viewer {
    const tenant = requireTenant(ctx);
    return { tenant };
  }
}
