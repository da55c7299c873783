import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ simpleResolvers: true, description: "An amount in integer cents: upstream's float euros are converted once, at the provider boundary." })
export class Money {
  @Field(() => Int)
  amountCents!: number;

  @Field(() => String, { description: "ISO 4217, always EUR today." })
  currency!: string;
}
