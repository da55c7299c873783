import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ simpleResolvers: true })
export class Address {
  @Field(() => String)
  address!: string;

  @Field(() => String)
  city!: string;

  @Field(() => String)
  province!: string;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String)
  country!: string;
}

@ObjectType({ simpleResolvers: true, description: "An identity document; its number is only ever shown masked." })
export class IdentityDocument {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  numberMasked!: string;

  @Field(() => String)
  issuedBy!: string;

  @Field(() => String, { description: "ISO date (yyyy-mm-dd)." })
  issueDate!: string;

  @Field(() => String, { description: "ISO date (yyyy-mm-dd)." })
  expiryDate!: string;
}

@ObjectType({ simpleResolvers: true, description: "The person a signature certificate is issued to." })
export class Applicant {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  firstName!: string;

  @Field(() => String)
  lastName!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  phone!: string;

  @Field(() => String, { description: "M or F, as on the tax code." })
  sex!: string;

  @Field(() => String, { description: "ISO date (yyyy-mm-dd)." })
  birthDate!: string;

  @Field(() => String)
  birthPlace!: string;

  @Field(() => String)
  birthProvince!: string;

  @Field(() => String)
  birthCountry!: string;

  @Field(() => String, { description: "The tax code (codice fiscale), masked." })
  taxCodeMasked!: string;

  @Field(() => Address)
  residence!: Address;

  @Field(() => IdentityDocument)
  document!: IdentityDocument;
}
