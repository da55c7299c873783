import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { type Context, requireAdmin } from "../../context.js";
import { createTenant, type TenantView } from "../../services/tenants.service.js";
import type { TenantAdminService } from "../../services/tenant-admin.service.js";
import { CreateTenantInput } from "./create-tenant.input.js";
import { CreateTenantPayload } from "./create-tenant.payload.js";
import { Tenant } from "./tenant.type.js";

@Resolver()
export class TenantResolver {
  constructor(
    private readonly adminEnabled: boolean,
    private readonly admin: TenantAdminService,
  ) {}

  @Mutation(() => CreateTenantPayload, { description: "Admin only (bearer = ADMIN_TOKEN): a tenant and its first API key." })
  async createTenant(
    @Arg("input", () => CreateTenantInput) input: CreateTenantInput,
    @Ctx() ctx: Context,
  ): Promise<CreateTenantPayload> {
    requireAdmin(ctx, this.adminEnabled);
    return createTenant(input);
  }

  @Mutation(() => Tenant, { description: "Admin only: stores a live tenant's Openapi token (encrypted at rest, never returned)." })
  async setUpstreamToken(
    @Arg("tenantId", () => ID) tenantId: string,
    @Arg("token", () => String) token: string,
    @Ctx() ctx: Context,
  ): Promise<TenantView> {
    requireAdmin(ctx, this.adminEnabled);
    return this.admin.setUpstreamToken(tenantId, token);
  }
}
