import { Field, ObjectType } from "type-graphql";
import { Tenant } from "../tenant/tenant.type.js";
import { Session } from "../session/session.type.js";

@ObjectType({ simpleResolvers: true, description: "The caller, as identified by its API key or session token." })
export class Viewer {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field(() => Session, { nullable: true, description: "Set when the caller uses a session token." })
  session!: Session | null;

  @Field(() => [String], { nullable: true, description: "The tenant's allowed browser origins (secret key only; null for session tokens)." })
  allowedOrigins!: string[] | null;
}
