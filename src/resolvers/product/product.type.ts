import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Money } from "../common/money.type.js";

export enum CertificationAuthority {
  INFOCERT = "INFOCERT",
  ARUBA = "ARUBA",
  NAMIRIAL = "NAMIRIAL",
}
registerEnumType(CertificationAuthority, { name: "CertificationAuthority" });

export enum ProductFamily {
  SIGNATURE = "SIGNATURE",
  ARUBA = "ARUBA",
  VIDEO = "VIDEO",
  DEVICE_ONLY = "DEVICE_ONLY",
  RENEWAL = "RENEWAL",
  VIDEO_UPGRADE = "VIDEO_UPGRADE",
  SPID = "SPID",
}
registerEnumType(ProductFamily, {
  name: "ProductFamily",
  description: "Decides which input placeOrder needs.",
  valuesConfig: {
    SIGNATURE: { description: "Smart cards, keys and remote signatures identified by a public officer: `signature` input." },
    ARUBA: { description: "Aruba devices: `aruba` input, ID document at order time." },
    VIDEO: { description: "Identified by video call: `video` input (e-mail and phone only)." },
    DEVICE_ONLY: { description: "Blank devices and readers: `device` input (recipient and quantity)." },
    RENEWAL: { description: "Certificate renewals and foreign signatures: `renewal` input." },
    VIDEO_UPGRADE: { description: "Adds video recognition to an existing request: `videoUpgrade` input." },
    SPID: { description: "A personal SPID voucher (SPID_PER): bought with buySpidVoucher, not placeOrder." },
  },
});

export enum OrderRequirement {
  APPLICANT = "APPLICANT",
  SHIPPING_ADDRESS = "SHIPPING_ADDRESS",
  ID_DOCUMENT_AT_ORDER = "ID_DOCUMENT_AT_ORDER",
  CONTACT = "CONTACT",
  RECIPIENT = "RECIPIENT",
  EXISTING_REQUEST = "EXISTING_REQUEST",
  SIGNED_FORM = "SIGNED_FORM",
}
registerEnumType(OrderRequirement, { name: "OrderRequirement", description: "Data an order of this product needs." });

@ObjectType({ simpleResolvers: true, description: "A device or service sold through ws.firmadigitale.com." })
export class Product {
  @Field(() => String, { description: "Upstream's `codice_prodotto`, e.g. KIT or SMARTCARDCNS_VIDEO." })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => CertificationAuthority)
  authority!: CertificationAuthority;

  @Field(() => ProductFamily)
  family!: ProductFamily;

  @Field(() => Money, { description: "Without VAT." })
  price!: Money;

  @Field(() => Boolean, { description: "A blank device or a reader, sold without a certificate." })
  blank!: boolean;

  @Field(() => [OrderRequirement])
  requires!: OrderRequirement[];
}
