import { Field, InputType } from "type-graphql";
import { CertificationAuthority, ProductFamily } from "./product.type.js";

@InputType()
export class ProductFilter {
  @Field(() => ProductFamily, { nullable: true })
  family?: ProductFamily | null;

  @Field(() => CertificationAuthority, { nullable: true })
  authority?: CertificationAuthority | null;

  @Field(() => Boolean, { nullable: true })
  blank?: boolean | null;

  @Field(() => String, { nullable: true, description: "Case-insensitive match on code or name." })
  search?: string | null;
}
