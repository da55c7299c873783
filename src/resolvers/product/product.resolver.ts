import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type { ProductService, ProductView } from "../../services/products.service.js";
import { Product } from "./product.type.js";
import { ProductFilter } from "./product-filter.input.js";

@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly catalogue: ProductService) {}

  @Query(() => [Product], { description: "The catalogue of the caller's mode (the sandbox's for test keys)." })
  async products(
    @Arg("filter", () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Ctx() ctx: Context,
  ): Promise<ProductView[]> {
    return this.catalogue.list(requireTenant(ctx), filter ?? {});
  }

  @Query(() => Product, { description: "One product by its code; NOT_FOUND when the catalogue has no such code." })
  async product(@Arg("code", () => String) code: string, @Ctx() ctx: Context): Promise<ProductView> {
    return this.catalogue.get(requireTenant(ctx), code);
  }
}
