import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum ShippingSpeed {
  STANDARD = "STANDARD",
  PRIORITY = "PRIORITY",
  EXPRESS = "EXPRESS",
}
registerEnumType(ShippingSpeed, {
  name: "ShippingSpeed",
  description: "Upstream's `spedizione`: business days from receipt of the documents.",
  valuesConfig: {
    STANDARD: { description: "`ordinaria`: 6 business days." },
    PRIORITY: { description: "`prioritaria`: 1 business day." },
    EXPRESS: { description: "`veloce`: 3 business days." },
  },
});

@ObjectType({ simpleResolvers: true })
export class ShippingAddress {
  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  province!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "How and where the device travels." })
export class Shipment {
  @Field(() => ID)
  id!: string;

  @Field(() => ShippingSpeed)
  speed!: ShippingSpeed;

  @Field(() => String, { nullable: true })
  recipient!: string | null;

  @Field(() => ShippingAddress)
  address!: ShippingAddress;

  @Field(() => String, { nullable: true, description: "The courier's tracking code, once shipped." })
  trackingCode!: string | null;

  @Field(() => String, { nullable: true })
  envelopeNumber!: string | null;

  @Field(() => Date, { nullable: true, description: "Shipped-at, or else an estimate from the speed in Italian business days." })
  estimatedDelivery!: Date | null;
}
