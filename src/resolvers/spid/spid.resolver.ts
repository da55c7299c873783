import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type { SpidService, SpidVoucherView } from "../../services/spid.service.js";
import { SpidVoucher } from "./spid.type.js";

@Resolver(() => SpidVoucher)
export class SpidResolver {
  constructor(private readonly spid: SpidService) {}

  @Mutation(() => SpidVoucher, {
    description:
      "Buys a personal SPID voucher (SPID_PER, upstream's GET /spid_personale; it debits the wallet). Idempotent per idempotencyKey: the same key returns the same purchase. The intent is stored first and upstream called exactly once; a lost answer is OUTCOME_UNKNOWN, never retried.",
  })
  buySpidVoucher(@Arg("idempotencyKey", () => String) idempotencyKey: string, @Ctx() ctx: Context): Promise<SpidVoucherView> {
    return this.spid.buy(requireTenant(ctx), idempotencyKey);
  }

  @Query(() => [SpidVoucher], { description: "The caller's SPID voucher purchases, newest first." })
  spidVouchers(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: Context): Promise<SpidVoucherView[]> {
    return this.spid.list(requireTenant(ctx), first);
  }

  @Query(() => SpidVoucher, { description: "One of the caller's SPID voucher purchases; NOT_FOUND otherwise." })
  spidVoucher(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<SpidVoucherView> {
    return this.spid.get(requireTenant(ctx), id);
  }
}
