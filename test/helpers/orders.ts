import { APPLICANT_TAX_CODE } from "./fixtures.js";

/** A valid English applicant for placeOrder (the fixtures' Mario Rossi, with his real tax code). */
export function applicantInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    firstName: "Mario",
    lastName: "Rossi",
    email: "mario.rossi@example.com",
    phone: "+393331234567",
    taxCode: APPLICANT_TAX_CODE,
    birthDate: "1985-03-15",
    sex: "M",
    birthPlace: "Roma",
    birthProvince: "RM",
    birthCountry: "Italia",
    residence: { address: "Via del Corso 1", city: "Roma", province: "RM", postalCode: "00186", country: "Italia" },
    shipping: { recipient: "Mario Rossi", address: "Via del Corso 1", city: "Roma", province: "RM", postalCode: "00186" },
    document: { type: "carta d'identità", number: "CA12345AB", issuedBy: "Comune di Roma", issueDate: "2020-01-10", expiryDate: "2099-12-31" },
    ...overrides,
  };
}

/** A valid recipient for blank devices and readers. */
export function recipientInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recipient: "Ufficio Acquisti",
    address: "Via Roma 10",
    city: "Milano",
    province: "MI",
    postalCode: "20121",
    email: "acquisti@example.com",
    phone: "+390212345678",
    ...overrides,
  };
}

export const REQUEST_FIELDS = `
  id requestCode productCode status mode formUploaded documentUploaded
  statusHistory { status at }
  options { assistance urgent videoRecognition quantity }
  device { deviceNumber cardCode userCode alias iut }
  credentials { token code username }
  failure { code message }
  product { code name family price { amountCents currency } }
  applicant { id firstName lastName taxCodeMasked document { numberMasked expiryDate } }
  shipment { id speed recipient trackingCode envelopeNumber estimatedDelivery address { address city province postalCode } }
`;

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { ${REQUEST_FIELDS} } }`;
