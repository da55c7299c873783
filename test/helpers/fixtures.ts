/**
 * Test fixtures shared by every test of the sandbox and the gateway: valid order bodies for each
 * product family (with a codice fiscale computed from the applicant's data) and real files built
 * in code (a PDF, a CMS/PKCS#7 .p7m signed with a throwaway key, a JPEG and a PNG).
 */
import { deflateSync } from "node:zlib";
import * as codiceFiscaleModule from "codice-fiscale-js";
import forge from "node-forge";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { type ProductFamily } from "../../src/sandbox/catalogue/index.js";

/** The applicant every fixture uses; the codice fiscale is computed from these data. */
export const APPLICANT = {
  nome: "Mario",
  cognome: "Rossi",
  sesso: "M" as const,
  birth: { day: 15, month: 3, year: 1985 },
  comune_nascita: "Roma",
  provincia_nascita: "RM",
};

interface ComputeInput {
  name: string;
  surname: string;
  gender: "M" | "F";
  day: number;
  month: number;
  year: number;
  birthplace: string;
  birthplaceProvincia: string;
}

/** Computes a real codice fiscale (the package's CommonJS export lives under `CodiceFiscale`). */
export function computeTaxCode(input: ComputeInput): string {
  const mod = codiceFiscaleModule as unknown as {
    CodiceFiscale?: { compute(o: ComputeInput): string };
    default?: { CodiceFiscale?: { compute(o: ComputeInput): string } };
  };
  const cls = mod.CodiceFiscale ?? mod.default?.CodiceFiscale;
  if (cls === undefined) throw new Error("codice-fiscale-js: CodiceFiscale not found");
  return cls.compute(input);
}

/** The applicant's codice fiscale: RSSMRA85C15H501R. */
export const APPLICANT_TAX_CODE = computeTaxCode({
  name: APPLICANT.nome,
  surname: APPLICANT.cognome,
  gender: APPLICANT.sesso,
  ...APPLICANT.birth,
  birthplace: APPLICANT.comune_nascita,
  birthplaceProvincia: APPLICANT.provincia_nascita,
});

/** Date the ID document fixture expires: far enough ahead for any sandbox clock in the tests. */
export const DOCUMENT_EXPIRY = "31/12/2099";

/** A complete, valid `Anagrafica` (all 25 required fields plus `note`). */
export function validAnagrafica(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nome: APPLICANT.nome,
    cognome: APPLICANT.cognome,
    email: "mario.rossi@example.it",
    cellulare: "+39 347 123 4567",
    codice_fiscale: APPLICANT_TAX_CODE,
    data_nascita: "15/03/1985",
    sesso: APPLICANT.sesso,
    comune_nascita: APPLICANT.comune_nascita,
    provincia_nascita: APPLICANT.provincia_nascita,
    nazione_nascita: "Italia",
    indirizzo_residenza: "Via dei Fori Imperiali 1",
    comune_residenza: "Roma",
    provincia_residenza: "RM",
    cap_residenza: "00186",
    nazione_residenza: "Italia",
    destinatario: "Mario Rossi",
    indirizzo_spedizione: "Via dei Fori Imperiali 1",
    comune_spedizione: "Roma",
    provincia_spedizione: "RM",
    cap_spedizione: "00186",
    tipo_documento: "carta d'identità",
    numero_documento: "CA12345AB",
    soggetto_emittente: "Comune di Roma",
    data_emissione: "10/01/2020",
    data_scadenza: DOCUMENT_EXPIRY,
    note: "",
    ...overrides,
  };
}

/** A complete, valid `AnagraficaSpedizione`. */
export function validAnagraficaSpedizione(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    destinatario: "Mario Rossi",
    email: "mario.rossi@example.it",
    cellulare: "3471234567",
    indirizzo_spedizione: "Via dei Fori Imperiali 1",
    comune_spedizione: "Roma",
    provincia_spedizione: "RM",
    cap_spedizione: "00186",
    note: "citofono Rossi",
    ...overrides,
  };
}

/** A callback block as a partner would send it. */
export function validCallback(url = "https://partner.example.com/hooks/firma"): Record<string, unknown> {
  return { url, method: "JSON", field: "data", data: { ref: "order-42" } };
}

/** A valid POST /richiesta/{codice_prodotto} body for the family; `videoric` needs the id of the request to upgrade. */
export function validOrderBody(family: ProductFamily, opts: { videoricId?: string; idDocumentBase64?: string } = {}): Record<string, unknown> {
  switch (family) {
    case "firme":
      return { assistenza: false, urgenza: false, spedizione: "ordinaria", anagrafica: validAnagrafica(), callback: validCallback() };
    case "aruba":
      return {
        assistenza: true,
        urgenza: false,
        spedizione: "prioritaria",
        videoriconoscimento: false,
        anagrafica: validAnagrafica(),
        documento: opts.idDocumentBase64 ?? pngBuffer().toString("base64"),
        nome_documento: "documento.png",
        callback: validCallback(),
      };
    case "video":
      return { assistenza: false, urgenza: true, email: "mario.rossi@example.it", cellulare: "3471234567", callback: validCallback() };
    case "lettore":
      return { assistenza: false, urgenza: false, spedizione: "veloce", quantita: 2, anagrafica_spedizione: validAnagraficaSpedizione(), callback: validCallback() };
    case "rinnovo":
      return { assistenza: true, callback: validCallback() };
    case "videoric":
      return { id: opts.videoricId ?? "5f7ef1e83a716836d3152662" };
    default: {
      const unreachable: never = family;
      throw new Error(`validOrderBody: unknown family ${String(unreachable)}`);
    }
  }
}

/** A small, valid one-page PDF (pdf-lib), e.g. a scanned ID document or an unsigned form. */
export async function pdfBuffer(text = "Documento di identità - fixture"): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(text, { x: 50, y: 780, size: 14, font });
  return Buffer.from(await doc.save());
}

let signer: { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } | undefined;

// RSA key generation is the slow part: one throwaway signer per test process.
function testSigner(): { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } {
  if (signer !== undefined) return signer;
  const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.UTC(2020, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(2099, 0, 1));
  const attrs = [{ name: "commonName", value: "Mario Rossi" }, { name: "countryName", value: "IT" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  signer = { key: keys.privateKey, cert };
  return signer;
}

/** A DER CMS SignedData (.p7m, attached content) wrapping `content` (by default a fixture PDF), signed with node-forge. */
export async function p7mBuffer(content?: Buffer): Promise<Buffer> {
  const inner = content ?? (await pdfBuffer("Modulo di richiesta firmato - fixture"));
  const { key, cert } = testSigner();
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(inner.toString("binary"));
  p7.addCertificate(cert);
  p7.addSigner({
    key,
    certificate: cert,
    digestAlgorithm: forge.pki.oids.sha256,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest },
      { type: forge.pki.oids.signingTime, value: new Date(Date.UTC(2026, 0, 15, 10, 0, 0)) as unknown as string },
    ],
  });
  p7.sign();
  const der = forge.asn1.toDer(p7.toAsn1()).getBytes();
  return Buffer.from(der, "binary");
}

/** A 2x2 RGB PNG, encoded in code (signature, IHDR, IDAT with zlib data, IEND, real CRCs). */
export function pngBuffer(): Buffer {
  const width = 2;
  const height = 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: truecolour
  // compression, filter and interlace methods stay 0
  const rows = Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(rows)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * An 8x8 mid-grey baseline JPEG, encoded in code: one greyscale component whose single block has
 * all DCT coefficients zero, coded with one-symbol Huffman tables (DC category 0, AC end-of-block).
 */
export function jpegBuffer(): Buffer {
  const segment = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof0 = segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
  // Table class/id, 16 code-length counts (one code of length 1), then the symbols.
  const oneCode = (symbol: number): number[] => [1, ...new Array<number>(15).fill(0), symbol];
  const dhtDc = segment(0xc4, [0x00, ...oneCode(0x00)]);
  const dhtAc = segment(0xc4, [0x10, ...oneCode(0x00)]);
  const sos = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  // Bits "0" (DC diff category 0) and "0" (EOB), padded with ones.
  const scan = [0x3f];
  return Buffer.from([0xff, 0xd8, ...jfif, ...dqt, ...sof0, ...dhtDc, ...dhtAc, ...sos, ...scan, 0xff, 0xd9]);
}

// Header length and content length of the DER TLV at `offset`.
function derHeader(der: Buffer, offset: number): { header: number; length: number } {
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return { header: 2, length: first };
  const n = first & 0x7f;
  return { header: 2 + n, length: der.readUIntBE(offset + 2, n) };
}

/**
 * Re-encodes a DER ContentInfo with indefinite lengths on its outer SEQUENCE and [0] wrapper, the
 * BER form signing tools emit when streaming (the spec's own PATCH example starts `MIAG`, 30 80 06).
 */
export function toBerIndefinite(der: Buffer): Buffer {
  const outer = derHeader(der, 0);
  const body = der.subarray(outer.header, outer.header + outer.length);
  const oid = derHeader(body, 0);
  const oidTlv = body.subarray(0, oid.header + oid.length);
  const wrapper = derHeader(body, oidTlv.length);
  const inner = body.subarray(oidTlv.length + wrapper.header, oidTlv.length + wrapper.header + wrapper.length);
  const eoc = Buffer.from([0, 0]);
  return Buffer.concat([Buffer.from([0x30, 0x80]), oidTlv, Buffer.from([0xa0, 0x80]), inner, eoc, eoc]);
}
