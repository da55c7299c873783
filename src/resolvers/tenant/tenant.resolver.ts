import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { type Context, requireAdmin } from "../../context.js";
import { createTenant } from "../../services/tenants.service.js";
import { CreateTenantInput } from "./create-tenant.input.js";
import { CreateTenantPayload } from "./create-tenant.payload.js";

@Resolver()
export class TenantResolver {
  constructor(private readonly adminEnabled: boolean) {}

  @Mutation(() => CreateTenantPayload, { description: "Admin only (bearer = ADMIN_TOKEN): a tenant and its first API key." })
  async createTenant(
    @Arg("input", () => CreateTenantInput) input: CreateTenantInput,
    @Ctx() ctx: Context,
  ): Promise<CreateTenantPayload> {
    requireAdmin(ctx, this.adminEnabled);
    const created = await createTenant(input);
    return created;
  }
}
