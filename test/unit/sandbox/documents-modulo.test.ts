import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { renderModulo, winAnsi } from "../../../src/sandbox/documents/modulo.pdf.js";
import { checkSignedForm } from "../../../src/sandbox/documents/upload.validator.js";
import { APPLICANT_TAX_CODE, validAnagrafica, validAnagraficaSpedizione } from "../../helpers/fixtures.js";

async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  // pdfjs may detach the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  let text = "";
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str : "")).join(" ") + "\n";
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text };
}

const createdAt = new Date("2026-11-27T15:00:00Z");

describe("renderModulo", () => {
  it("renders the request code, product and applicant's data as text in a 1-2 page PDF", async () => {
    const bytes = await renderModulo({
      codiceRichiesta: "8417d",
      prodotto: "Firma Digitale Remota Infocert",
      codiceProdotto: "FIRREM",
      anagrafica: validAnagrafica(),
      createdAt,
    });
    const { pages, text } = await pdfText(bytes);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    for (const expected of ["Modulo di richiesta / registrazione", "8417d", "FIRREM", "Rossi", "Mario", APPLICANT_TAX_CODE, "27/11/2026", "Firma del richiedente"]) {
      expect(text).toContain(expected);
    }
  });

  it("renders shipping data for reader orders", async () => {
    const bytes = await renderModulo({
      codiceRichiesta: "c335c",
      prodotto: "Lettore Smart Card USB",
      codiceProdotto: "LETTORE",
      anagraficaSpedizione: validAnagraficaSpedizione({ destinatario: "Giulia Verdi" }),
      createdAt,
    });
    const { text } = await pdfText(bytes);
    expect(text).toContain("Giulia Verdi");
    expect(text).toContain("c335c");
  });

  it("draws names outside WinAnsi instead of failing, keeping Italian accents", async () => {
    const bytes = await renderModulo({
      codiceRichiesta: "a1b2c",
      prodotto: "Firma Digitale",
      codiceProdotto: "FIR",
      anagrafica: validAnagrafica({ nome: "Niccolò Łukasz 🙂", cognome: "Dell'Acqua\nSecondo" }),
      anagraficaSpedizione: null,
      createdAt,
    });
    const { text } = await pdfText(bytes);
    expect(text).toContain("Niccolò Lukasz ?");
    expect(text).toContain("Dell'Acqua Secondo");
  });

  it("produces a PDF the upload check accepts as a form", async () => {
    const bytes = await renderModulo({ codiceRichiesta: "x", prodotto: "Firma Digitale", codiceProdotto: "FIR", createdAt });
    expect(await checkSignedForm(Buffer.from(bytes))).toEqual({ kind: "pdf" });
  });
});

describe("winAnsi", () => {
  it.each([
    ["àèéìòù €", "àèéìòù €"],
    ["Ștefan", "Stefan"],
    ["Łódź (ó is Latin-1, Ł and ź are not)", "Lódz (ó is Latin-1, L and z are not)"],
    ["日本", "??"],
    ["a\tb", "a b"],
  ])("maps %j to %j", (input, expected) => {
    expect(winAnsi(input)).toBe(expected);
  });
});
