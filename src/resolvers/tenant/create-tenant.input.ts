import { Field, InputType } from "type-graphql";
import { Mode } from "./tenant.type.js";

@InputType()
export class CreateTenantInput {
  @Field(() => String)
  name!: string;

  @Field(() => Mode)
  mode!: Mode;
}
