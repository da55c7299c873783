import * as asn1js from "asn1js";
import { fileTypeFromBuffer } from "file-type";
import { PDFDocument } from "pdf-lib";
import * as pkijs from "pkijs";
import { type SandboxError, ValidationErrors as V } from "../sandbox-error.js";
import { decodeBase64Strict } from "./base64.js";

export { decodeBase64Strict } from "./base64.js";

/** Largest decoded upload the sandbox accepts (10 MiB), per file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";

/**
 * Checks a signed registration form (`modulo`): a PDF that parses (e.g. signed as PAdES), or a
 * CMS/PKCS#7 SignedData (.p7m, CAdES) with attached content and at least one signer, in DER/BER or
 * wrapped in base64/PEM. The content of a .p7m must itself be a PDF: the form is one.
 */
export async function checkSignedForm(bytes: Buffer): Promise<{ kind: "pdf" | "p7m" } | SandboxError> {
  const field = "modulo";
  if (bytes.length > MAX_UPLOAD_BYTES) return V.fileTooLarge(field, MAX_UPLOAD_BYTES);
  const expected = "a PDF or a CMS/PKCS#7 (.p7m) signed file";
  // CMS first: an attached .p7m carries the PDF's own header within its first bytes.
  const der = unwrapTextEncoding(bytes) ?? bytes;
  if (der[0] === 0x30) {
    const content = signedDataContent(der);
    if (typeof content === "string") return V.unsupportedFile(field, expected, content);
    if (!looksLikePdf(content) || !(await isParsablePdf(content))) {
      return V.unsupportedFile(field, `${expected} of the PDF form`, "a .p7m whose content is not a PDF");
    }
    return { kind: "p7m" };
  }
  if (looksLikePdf(bytes)) {
    return (await isParsablePdf(bytes)) ? { kind: "pdf" } : V.unsupportedFile(field, expected, "a damaged PDF");
  }
  return V.unsupportedFile(field, expected, await describeContent(bytes));
}

/** Checks an identity document scan (`documento`): a PDF, JPEG or PNG, by content and by a structural parse. */
export async function checkIdDocument(bytes: Buffer): Promise<{ kind: "pdf" | "jpeg" | "png" } | SandboxError> {
  const field = "documento";
  if (bytes.length > MAX_UPLOAD_BYTES) return V.fileTooLarge(field, MAX_UPLOAD_BYTES);
  const expected = "a PDF, JPEG or PNG file";
  const type = await fileTypeFromBuffer(bytes);
  switch (type?.mime) {
    case "application/pdf":
      return (await isParsablePdf(bytes)) ? { kind: "pdf" } : V.unsupportedFile(field, expected, "a damaged PDF");
    case "image/jpeg":
      return isWellFormedJpeg(bytes) ? { kind: "jpeg" } : V.unsupportedFile(field, expected, "a damaged JPEG");
    case "image/png":
      return isWellFormedPng(bytes) ? { kind: "png" } : V.unsupportedFile(field, expected, "a damaged PNG");
    default:
      return V.unsupportedFile(field, expected, await describeContent(bytes));
  }
}

function looksLikePdf(bytes: Uint8Array): boolean {
  // Readers accept the header anywhere in the first KiB (some scanners prepend junk).
  return Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-");
}

// A PDF must end with %%EOF (allowing trailing whitespace or a few junk bytes, as readers do), and
// pdf-lib must find at least one page in it.
async function isParsablePdf(bytes: Uint8Array): Promise<boolean> {
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024)));
  if (!tail.includes("%%EOF")) return false;
  try {
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
    return doc.getPageCount() > 0;
  } catch {
    return false;
  }
}

// .p7m files travel as raw DER, or as base64 text, optionally PEM-armoured; undo the text form.
function unwrapTextEncoding(bytes: Buffer): Buffer | null {
  const head = bytes.subarray(0, 64).toString("latin1");
  if (!/^[\sA-Za-z0-9+/=-]+$/.test(head)) return null;
  const text = bytes.toString("latin1");
  const pem = /-----BEGIN (?:PKCS7|CMS|PKCS #7 SIGNED DATA)-----([\s\S]*?)-----END (?:PKCS7|CMS|PKCS #7 SIGNED DATA)-----/.exec(text);
  return decodeBase64Strict(pem !== null ? (pem[1] ?? "") : text);
}

// The attached content of a CMS SignedData, or why the bytes are not one.
function signedDataContent(der: Buffer): Buffer | string {
  try {
    const asn = asn1js.fromBER(new Uint8Array(der));
    if (asn.offset === -1 || asn.result.error !== "") return "bytes that are not valid DER/BER";
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== OID_SIGNED_DATA) return `a CMS ContentInfo of type ${info.contentType}, not signedData`;
    const signed = new pkijs.SignedData({ schema: info.content });
    if (signed.signerInfos.length === 0) return "a CMS SignedData without signers";
    const content = signed.encapContentInfo.eContent;
    if (content === undefined) return "a detached CMS signature without the signed content";
    return Buffer.from(content.getValue());
  } catch {
    return "bytes that are not a CMS/PKCS#7 structure";
  }
}

// Walks the marker segments from SOI to the first SOS, requiring a frame header on the way, and
// an EOI after the entropy-coded data.
function isWellFormedJpeg(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let i = 2;
  let sawFrame = false;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return false;
    const marker = bytes[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2 || i + 2 + length > bytes.length) return false;
    // SOF0..SOF15, minus DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) sawFrame = true;
    if (marker === 0xda) {
      const eoi = bytes.lastIndexOf(Buffer.from([0xff, 0xd9]));
      return sawFrame && eoi > i + 2 + length;
    }
    i += 2 + length;
  }
  return false;
}

// Signature, then chunks with valid CRCs: IHDR first, at least one IDAT, IEND last.
function isWellFormedPng(bytes: Buffer): boolean {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(signature)) return false;
  let i = 8;
  const types: string[] = [];
  while (i + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(i);
    if (i + 12 + length > bytes.length) return false;
    const typeAndData = bytes.subarray(i + 4, i + 8 + length);
    if (crc32(typeAndData) !== bytes.readUInt32BE(i + 8 + length)) return false;
    const type = bytes.subarray(i + 4, i + 8).toString("latin1");
    types.push(type);
    i += 12 + length;
    if (type === "IEND") break;
  }
  return types[0] === "IHDR" && types.includes("IDAT") && types[types.length - 1] === "IEND";
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function describeContent(bytes: Buffer): Promise<string> {
  if (bytes.length === 0) return "an empty file";
  const type = await fileTypeFromBuffer(bytes);
  return type?.mime ?? "content of unknown type";
}
