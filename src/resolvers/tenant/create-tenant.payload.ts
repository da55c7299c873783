import { Field, ObjectType } from "type-graphql";
import { Tenant } from "./tenant.type.js";

@ObjectType()
export class CreateTenantPayload {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field(() => String, { description: "Shown only now: the gateway stores just its hash." })
  apiKey!: string;
}
