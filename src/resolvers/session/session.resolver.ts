import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import { type Context, requireAdmin, requireSecretKey } from "../../context.js";
import type { SessionTokenService } from "../../services/session-tokens.service.js";
import type { BrowserAccessService } from "../../services/browser-access.service.js";
import { SessionScope, SessionToken } from "./session.type.js";

@Resolver()
export class SessionResolver {
  constructor(
    private readonly adminEnabled: boolean,
    private readonly sessions: SessionTokenService,
    private readonly access: BrowserAccessService,
  ) {}

  @Mutation(() => SessionToken, {
    description:
      "Secret API key only (your backend): a signed, short-lived token for one end user, limited to `scopes` and to that subject's own requests. ttlSeconds: 900 by default, at most 86400.",
  })
  async createSessionToken(
    @Arg("subject", () => String) subject: string,
    @Arg("scopes", () => [SessionScope]) scopes: SessionScope[],
    @Arg("ttlSeconds", () => Int, { nullable: true }) ttlSeconds: number | null,
    @Ctx() ctx: Context,
  ): Promise<SessionToken> {
    return this.sessions.mint(requireSecretKey(ctx), { subject, scopes, ttlSeconds });
  }

  @Mutation(() => Int, {
    description:
      "Secret API key only: revokes every session token issued so far (at once on this replica, within 10 s on the others). Returns the new session version.",
  })
  async revokeSessionTokens(@Ctx() ctx: Context): Promise<number> {
    return this.access.revokeSessions(requireSecretKey(ctx));
  }

  @Mutation(() => [String], {
    description:
      "Secret API key only: the browser origins (e.g. https://shop.example) whose pages may call /graphql with this tenant's session tokens. Replaces the list; [] turns CORS off.",
  })
  async setAllowedOrigins(@Arg("origins", () => [String]) origins: string[], @Ctx() ctx: Context): Promise<string[]> {
    return this.access.setOrigins(requireSecretKey(ctx).id, origins);
  }

  @Mutation(() => [String], { description: "Admin only: setAllowedOrigins for any tenant." })
  async setTenantAllowedOrigins(
    @Arg("tenantId", () => ID) tenantId: string,
    @Arg("origins", () => [String]) origins: string[],
    @Ctx() ctx: Context,
  ): Promise<string[]> {
    requireAdmin(ctx, this.adminEnabled);
    return this.access.setOrigins(tenantId, origins);
  }
}
