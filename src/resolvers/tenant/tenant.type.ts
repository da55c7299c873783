import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { TenantMode } from "../../models/index.js";

export enum Mode {
  TEST = "TEST",
  LIVE = "LIVE",
}
registerEnumType(Mode, {
  name: "Mode",
  description: "TEST keys talk to the built-in sandbox; LIVE keys to ws.firmadigitale.com and spend money.",
});

@ObjectType({ simpleResolvers: true, description: "An API customer: a frontend team, partner or reseller." })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Mode)
  mode!: TenantMode;
}
