import { Field, ID, InputType, Int } from "type-graphql";
import { ShippingSpeed } from "../shipment/shipment.type.js";

// Field names mirror src/provider/mapping.ts's English inputs, which turn them into upstream bodies.

@InputType()
export class ResidenceInput {
  @Field(() => String) address!: string;
  @Field(() => String) city!: string;
  @Field(() => String, { description: "Two-letter province code, e.g. RM." }) province!: string;
  @Field(() => String, { description: "Five-digit CAP." }) postalCode!: string;
  @Field(() => String) country!: string;
}

@InputType()
export class ShippingAddressInput {
  @Field(() => String, { description: "Name on the parcel." }) recipient!: string;
  @Field(() => String) address!: string;
  @Field(() => String) city!: string;
  @Field(() => String) province!: string;
  @Field(() => String) postalCode!: string;
}

@InputType()
export class IdentityDocumentInput {
  @Field(() => String, { description: "E.g. carta d'identità, patente, passaporto." }) type!: string;
  @Field(() => String) number!: string;
  @Field(() => String, { description: "The issuing authority." }) issuedBy!: string;
  @Field(() => String, { description: "ISO date yyyy-mm-dd." }) issueDate!: string;
  @Field(() => String, { description: "ISO date yyyy-mm-dd; must not be past." }) expiryDate!: string;
}

@InputType({ description: "The applicant: every field of upstream's `anagrafica`." })
export class ApplicantInput {
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String) email!: string;
  @Field(() => String) phone!: string;
  @Field(() => String, { description: "Codice fiscale; checked against birth date and sex." }) taxCode!: string;
  @Field(() => String, { description: "ISO date yyyy-mm-dd." }) birthDate!: string;
  @Field(() => String, { description: "M or F." }) sex!: "M" | "F";
  @Field(() => String) birthPlace!: string;
  @Field(() => String) birthProvince!: string;
  @Field(() => String) birthCountry!: string;
  @Field(() => ResidenceInput) residence!: ResidenceInput;
  @Field(() => ShippingAddressInput) shipping!: ShippingAddressInput;
  @Field(() => IdentityDocumentInput) document!: IdentityDocumentInput;
  @Field(() => String, { nullable: true }) notes?: string;
}

@InputType({ description: "Recipient of blank devices and readers: upstream's `anagrafica_spedizione`." })
export class ShippingRecipientInput {
  @Field(() => String) recipient!: string;
  @Field(() => String) address!: string;
  @Field(() => String) city!: string;
  @Field(() => String) province!: string;
  @Field(() => String) postalCode!: string;
  @Field(() => String) email!: string;
  @Field(() => String) phone!: string;
  @Field(() => String, { nullable: true }) notes?: string;
}

@InputType({ description: "A file as base64, with its name." })
export class FileInput {
  @Field(() => String) fileName!: string;
  @Field(() => String) contentBase64!: string;
}

@InputType()
export class SignatureOrderInput {
  @Field(() => ApplicantInput) applicant!: ApplicantInput;
  @Field(() => ShippingSpeed, { nullable: true, defaultValue: ShippingSpeed.STANDARD }) shipping?: ShippingSpeed;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) assistance?: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) urgent?: boolean;
  @Field(() => FileInput, { nullable: true, description: "The signed form, when already at hand." }) form?: FileInput;
  @Field(() => FileInput, { nullable: true }) idDocument?: FileInput;
}

@InputType()
export class ArubaOrderInput {
  @Field(() => ApplicantInput) applicant!: ApplicantInput;
  @Field(() => FileInput, { description: "Aruba needs the ID document at order time." }) idDocument!: FileInput;
  @Field(() => ShippingSpeed, { nullable: true, defaultValue: ShippingSpeed.STANDARD }) shipping?: ShippingSpeed;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) videoRecognition?: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) assistance?: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) urgent?: boolean;
}

@InputType()
export class VideoOrderInput {
  @Field(() => String) email!: string;
  @Field(() => String) phone!: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) assistance?: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) urgent?: boolean;
}

@InputType()
export class DeviceOrderInput {
  @Field(() => ShippingRecipientInput) recipient!: ShippingRecipientInput;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) quantity?: number;
  @Field(() => ShippingSpeed, { nullable: true, defaultValue: ShippingSpeed.STANDARD }) shipping?: ShippingSpeed;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) assistance?: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) urgent?: boolean;
}

@InputType()
export class RenewalOrderInput {
  @Field(() => Boolean, { nullable: true, defaultValue: false }) assistance?: boolean;
}

@InputType()
export class VideoUpgradeInput {
  @Field(() => ID, { description: "The gateway id of the request to upgrade to video recognition." }) requestId!: string;
}

@InputType({ description: "Set productCode and exactly the one family input its product needs (see Product.family)." })
export class PlaceOrderInput {
  @Field(() => String) productCode!: string;
  @Field(() => SignatureOrderInput, { nullable: true }) signature?: SignatureOrderInput;
  @Field(() => ArubaOrderInput, { nullable: true }) aruba?: ArubaOrderInput;
  @Field(() => VideoOrderInput, { nullable: true }) video?: VideoOrderInput;
  @Field(() => DeviceOrderInput, { nullable: true }) device?: DeviceOrderInput;
  @Field(() => RenewalOrderInput, { nullable: true }) renewal?: RenewalOrderInput;
  @Field(() => VideoUpgradeInput, { nullable: true }) videoUpgrade?: VideoUpgradeInput;
}
