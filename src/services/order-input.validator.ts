import type { FieldProblem } from "../errors/index.js";
import { familyOfCode, type ProductFamily } from "../provider/index.js";
import { GATEWAY_FILE_BYTES, isValidEmail, isValidItalianCap, isValidPhone, isValidProvince, validateTaxCode } from "../validation/index.js";

/** The English order input as GraphQL delivers it (see place-order.input.ts). */
export interface PlaceOrderRequest {
  productCode: string;
  signature?: Record<string, unknown> | null;
  aruba?: Record<string, unknown> | null;
  video?: Record<string, unknown> | null;
  device?: Record<string, unknown> | null;
  renewal?: Record<string, unknown> | null;
  videoUpgrade?: Record<string, unknown> | null;
}

const INPUT_OF_FAMILY: Record<ProductFamily, keyof Omit<PlaceOrderRequest, "productCode">> = {
  SIGNATURE: "signature",
  ARUBA: "aruba",
  VIDEO: "video",
  DEVICE_ONLY: "device",
  RENEWAL: "renewal",
  VIDEO_UPGRADE: "videoUpgrade",
};

const FAMILY_INPUTS = Object.values(INPUT_OF_FAMILY);

/** Largest file placeOrder and uploads accept, decoded: signed forms and ID scans fit well within it. */
export const MAX_FILE_BYTES = GATEWAY_FILE_BYTES;

function isoDate(s: unknown): Date | null {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : d;
}

function str(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

/** Size of base64 content once decoded, without decoding it. */
export function base64Bytes(b64: string): number {
  const clean = b64.replace(/\s+/g, "");
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0);
}

/** Adds the problems of one base64 file input (name, content, decoded size) at `path`. */
export function checkFile(problems: FieldProblem[], file: unknown, path: string): void {
  if (file === null || file === undefined) return;
  const f = file as { fileName?: unknown; contentBase64?: unknown };
  if (str(f.fileName) === "") problems.push({ path: `${path}.fileName`, message: "expected a file name" });
  const content = typeof f.contentBase64 === "string" ? f.contentBase64 : "";
  if (!/^[A-Za-z0-9+/\s]+={0,2}\s*$/.test(content)) {
    problems.push({ path: `${path}.contentBase64`, message: "expected base64 content" });
  } else if (base64Bytes(content) > MAX_FILE_BYTES) {
    problems.push({ path: `${path}.contentBase64`, message: `expected at most ${MAX_FILE_BYTES} bytes once decoded, received ${base64Bytes(content)}` });
  }
}

function checkAddress(problems: FieldProblem[], a: Record<string, unknown> | undefined, path: string): void {
  if (!a) return;
  if (!isValidItalianCap(str(a.postalCode))) {
    problems.push({ path: `${path}.postalCode`, message: `expected a five-digit CAP, received ${JSON.stringify(a.postalCode)}` });
  }
  if (!isValidProvince(str(a.province))) {
    problems.push({ path: `${path}.province`, message: `expected an Italian province code such as RM, received ${JSON.stringify(a.province)}` });
  }
}

function checkContact(problems: FieldProblem[], email: unknown, phone: unknown, path: string): void {
  if (!isValidEmail(str(email))) problems.push({ path: `${path}.email`, message: `expected an e-mail address, received ${JSON.stringify(email)}` });
  if (!isValidPhone(str(phone))) problems.push({ path: `${path}.phone`, message: `expected an Italian phone number, received ${JSON.stringify(phone)}` });
}

function checkApplicant(problems: FieldProblem[], a: Record<string, unknown> | undefined, path: string, today: Date): void {
  if (!a) return;
  checkContact(problems, a.email, a.phone, path);
  const birth = isoDate(a.birthDate);
  if (birth === null) problems.push({ path: `${path}.birthDate`, message: `expected an existing ISO date yyyy-mm-dd, received ${JSON.stringify(a.birthDate)}` });
  else if (birth > today) problems.push({ path: `${path}.birthDate`, message: "expected a date in the past" });
  const sex = a.sex === "M" || a.sex === "F" ? a.sex : null;
  if (sex === null) problems.push({ path: `${path}.sex`, message: `expected M or F, received ${JSON.stringify(a.sex)}` });
  const tax = validateTaxCode(str(a.taxCode).toUpperCase(), { birthDate: birth ?? undefined, sex: sex ?? undefined });
  if (!tax.ok) problems.push({ path: `${path}.taxCode`, message: `invalid tax code (${tax.reason})` });
  if (!isValidProvince(str(a.birthProvince)) && str(a.birthProvince) !== "EE") {
    problems.push({ path: `${path}.birthProvince`, message: `expected a province code (EE when born abroad), received ${JSON.stringify(a.birthProvince)}` });
  }
  checkAddress(problems, a.residence as Record<string, unknown> | undefined, `${path}.residence`);
  checkAddress(problems, a.shipping as Record<string, unknown> | undefined, `${path}.shipping`);
  const doc = (a.document ?? {}) as Record<string, unknown>;
  const issued = isoDate(doc.issueDate);
  const expiry = isoDate(doc.expiryDate);
  if (issued === null) problems.push({ path: `${path}.document.issueDate`, message: `expected an existing ISO date yyyy-mm-dd, received ${JSON.stringify(doc.issueDate)}` });
  else if (issued > today) problems.push({ path: `${path}.document.issueDate`, message: "expected a date not in the future" });
  if (expiry === null) problems.push({ path: `${path}.document.expiryDate`, message: `expected an existing ISO date yyyy-mm-dd, received ${JSON.stringify(doc.expiryDate)}` });
  else if (expiry < today) problems.push({ path: `${path}.document.expiryDate`, message: "the identity document has expired" });
}

/**
 * Checks an order input before anything is stored or sent: the family input matches the product,
 * and tax code, dates, document expiry, CAP, province, e-mail, phone and files are valid.
 * Returns the product family and every problem found, each with its input path.
 */
export function validateOrderInput(input: PlaceOrderRequest, today: Date): { family: ProductFamily | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const family = familyOfCode(str(input.productCode));
  if (family === null) {
    problems.push({ path: "input.productCode", message: `unknown or not orderable product ${JSON.stringify(input.productCode)}` });
    return { family, problems };
  }
  const expected = INPUT_OF_FAMILY[family];
  const given = FAMILY_INPUTS.filter((k) => input[k] !== null && input[k] !== undefined);
  if (given.length !== 1 || given[0] !== expected) {
    problems.push({
      path: `input.${expected}`,
      message: `product ${input.productCode} (family ${family}) needs exactly the \`${expected}\` input, received ${given.length === 0 ? "none" : given.map((g) => `\`${g}\``).join(", ")}`,
    });
    return { family, problems };
  }
  const body = input[expected]!;
  const path = `input.${expected}`;
  switch (family) {
    case "SIGNATURE":
    case "ARUBA":
      checkApplicant(problems, body.applicant as Record<string, unknown>, `${path}.applicant`, today);
      checkFile(problems, body.form, `${path}.form`);
      checkFile(problems, body.idDocument, `${path}.idDocument`);
      break;
    case "VIDEO":
      checkContact(problems, body.email, body.phone, path);
      break;
    case "DEVICE_ONLY": {
      const r = body.recipient as Record<string, unknown>;
      checkContact(problems, r?.email, r?.phone, `${path}.recipient`);
      checkAddress(problems, r, `${path}.recipient`);
      const q = body.quantity;
      if (q !== undefined && q !== null && (!Number.isInteger(q) || (q as number) < 1 || (q as number) > 1000)) {
        problems.push({ path: `${path}.quantity`, message: `expected an integer from 1 to 1000, received ${JSON.stringify(q)}` });
      }
      break;
    }
    case "RENEWAL":
    case "VIDEO_UPGRADE":
      break;
    default: {
      const never: never = family;
      throw new Error(`unhandled family ${String(never)}`);
    }
  }
  return { family, problems };
}
