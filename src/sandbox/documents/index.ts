/**
 * The sandbox's documents: the registration form it renders and the uploads it checks. Their
 * libraries (pdf-lib, pkijs, asn1js, file-type) load on first use, not when the gateway starts: an
 * idle gateway never needs them, and they cost several MiB of heap and code. The first form or
 * upload of a process waits for that load once.
 */
import type { SandboxError } from "../sandbox-error.js";
import type { ModuloInput } from "./modulo.pdf.js";

export { decodeBase64Strict } from "./base64.js";
export type { ModuloInput } from "./modulo.pdf.js";

/** Renders the registration form to sign (see modulo.pdf.ts). */
export async function renderModulo(input: ModuloInput): Promise<Uint8Array> {
  return (await import("./modulo.pdf.js")).renderModulo(input);
}

/** Checks a signed registration form, a PDF or a .p7m (see upload.validator.ts). */
export async function checkSignedForm(bytes: Buffer): Promise<{ kind: "pdf" | "p7m" } | SandboxError> {
  return (await import("./upload.validator.js")).checkSignedForm(bytes);
}

/** Checks an identity document scan, a PDF, JPEG or PNG (see upload.validator.ts). */
export async function checkIdDocument(bytes: Buffer): Promise<{ kind: "pdf" | "jpeg" | "png" } | SandboxError> {
  return (await import("./upload.validator.js")).checkIdDocument(bytes);
}
