import { Field, ObjectType } from "type-graphql";
import { Tenant } from "../tenant/tenant.type.js";

@ObjectType({ simpleResolvers: true, description: "The caller, as identified by its API key." })
export class Viewer {
  @Field(() => Tenant)
  tenant!: Tenant;
}
