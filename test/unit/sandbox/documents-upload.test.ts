import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { isSandboxError, SandboxCodes } from "../../../src/sandbox/sandbox-error.js";
import {
  checkIdDocument,
  checkSignedForm,
  decodeBase64Strict,
  MAX_UPLOAD_BYTES,
} from "../../../src/sandbox/documents/upload.validator.js";
import { jpegBuffer, p7mBuffer, pdfBuffer, pngBuffer, toBerIndefinite } from "../../helpers/fixtures.js";

const UNSUPPORTED = { status: 415, error: SandboxCodes.unsupportedFile };
const TOO_LARGE = { status: 413, error: SandboxCodes.fileTooLarge };

let pdf: Buffer;
let p7m: Buffer;

beforeAll(async () => {
  pdf = await pdfBuffer();
  p7m = await p7mBuffer();
});

function codeOf(result: object): unknown {
  return isSandboxError(result) ? { status: result.status, error: result.error } : result;
}

// A SignedData without signers, and a ContentInfo of type `data`, built with node-forge's ASN.1.
function cmsOfType(oid: string): Buffer {
  const { asn1 } = forge;
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, "hello")]),
  ]);
  return Buffer.from(asn1.toDer(info).getBytes(), "binary");
}

describe("checkSignedForm", () => {
  it("accepts a PDF (a PAdES-signed form is a PDF)", async () => {
    expect(await checkSignedForm(pdf)).toEqual({ kind: "pdf" });
  });

  it("accepts a DER CMS SignedData wrapping the PDF", async () => {
    expect(await checkSignedForm(p7m)).toEqual({ kind: "p7m" });
  });

  it("accepts the BER indefinite-length form of the same .p7m", async () => {
    expect(await checkSignedForm(toBerIndefinite(p7m))).toEqual({ kind: "p7m" });
  });

  it("accepts a .p7m sent as base64 text or PEM", async () => {
    const b64 = p7m.toString("base64");
    expect(await checkSignedForm(Buffer.from(b64))).toEqual({ kind: "p7m" });
    const pem = `-----BEGIN PKCS7-----\n${b64.replace(/.{64}/g, "$&\n")}\n-----END PKCS7-----\n`;
    expect(await checkSignedForm(Buffer.from(pem))).toEqual({ kind: "p7m" });
  });

  it.each([
    ["a PNG", () => pngBuffer()],
    ["a JPEG", () => jpegBuffer()],
    ["plain text", () => Buffer.from("this is not a signed form")],
    ["an empty file", () => Buffer.alloc(0)],
    ["a PDF cut in half", () => pdf.subarray(0, Math.floor(pdf.length / 2))],
    ["a truncated .p7m", () => p7m.subarray(0, p7m.length - 100)],
    ["a CMS ContentInfo of type data", () => cmsOfType("1.2.840.113549.1.7.1")],
    ["a SignedData that is not well formed", () => cmsOfType("1.2.840.113549.1.7.2")],
  ])("rejects %s with 415", async (_label, bytes) => {
    expect(codeOf(await checkSignedForm(bytes()))).toEqual(UNSUPPORTED);
  });

  it("rejects a .p7m whose signed content is not a PDF", async () => {
    expect(codeOf(await checkSignedForm(await p7mBuffer(Buffer.from("plain text"))))).toEqual(UNSUPPORTED);
  });

  it("rejects files over the size limit with 413", async () => {
    const big = Buffer.concat([pdf, Buffer.alloc(MAX_UPLOAD_BYTES)]);
    expect(codeOf(await checkSignedForm(big))).toEqual(TOO_LARGE);
  });
});

describe("checkIdDocument", () => {
  it("recognises a PDF, a JPEG and a PNG by content", async () => {
    expect(await checkIdDocument(pdf)).toEqual({ kind: "pdf" });
    expect(await checkIdDocument(jpegBuffer())).toEqual({ kind: "jpeg" });
    expect(await checkIdDocument(pngBuffer())).toEqual({ kind: "png" });
  });

  it.each([
    ["a .p7m", () => p7m],
    ["a GIF", () => Buffer.from("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "latin1")],
    ["plain text", () => Buffer.from("hello")],
    ["a PNG with a corrupted CRC", () => { const b = Buffer.from(pngBuffer()); b[b.length - 20] ^= 0xff; return b; }],
    ["a PNG without IEND", () => pngBuffer().subarray(0, pngBuffer().length - 12)],
    ["a JPEG header alone", () => jpegBuffer().subarray(0, 20)],
    ["a JPEG without end marker", () => jpegBuffer().subarray(0, jpegBuffer().length - 2)],
    ["a damaged PDF", () => Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from("garbage")])],
  ])("rejects %s with 415", async (_label, bytes) => {
    expect(codeOf(await checkIdDocument(bytes()))).toEqual(UNSUPPORTED);
  });

  it("rejects files over the size limit with 413", async () => {
    expect(codeOf(await checkIdDocument(Buffer.concat([pngBuffer(), Buffer.alloc(MAX_UPLOAD_BYTES)])))).toEqual(TOO_LARGE);
  });
});

describe("decodeBase64Strict", () => {
  it("decodes padded base64, ignoring line breaks", () => {
    expect(decodeBase64Strict("aGVsbG8=")?.toString()).toBe("hello");
    expect(decodeBase64Strict("aGVs\r\nbG8h")?.toString()).toBe("hello!");
  });

  it.each(["", "aGVsbG8", "aGVsbG8=!", "aGV sbG8=x", "aGVsbG8-", "a===", "%%%%"])("rejects %j", (s) => {
    expect(decodeBase64Strict(s)).toBeNull();
  });
});
