import { Ctx, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import { tenantSecurity } from "../../services/tenants.service.js";
import { Viewer } from "./viewer.type.js";

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { description: "Who the API key or session token belongs to." })
  async viewer(@Ctx() ctx: Context): Promise<Viewer> {
    const tenant = requireTenant(ctx);
    const session = ctx.session === null ? null : { subject: ctx.session.subject, scopes: [...ctx.session.scopes], expiresAt: ctx.session.expiresAt };
    const allowedOrigins = session === null ? ((await tenantSecurity(tenant.id))?.allowedOrigins ?? []) : null;
    return { tenant, session, allowedOrigins };
  }
}
