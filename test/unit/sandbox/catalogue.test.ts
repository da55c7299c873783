import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { catalogue, familyOf, findProduct, type ProductFamily, prodotti } from "../../../src/sandbox/catalogue/index.js";

// The spec's `Prodotto` schema, plus the `vergine` flag its example shows; no other field may leak.
const prodottoSchema = {
  type: "object",
  properties: {
    nome: { type: "string" },
    tipo: { type: "string" },
    codice_prodotto: { type: "string" },
    prezzo: { type: "number" },
    vergine: { type: "boolean", const: true },
  },
  required: ["nome", "tipo", "codice_prodotto", "prezzo"],
  additionalProperties: false,
};

const FAMILY_CODES: Record<ProductFamily, string[]> = {
  firme: ["FIR", "KIT", "KEY", "FIRREM", "KEYCNS", "KITCNS", "SMARTCARDCNS"],
  aruba: ["SCARUBACNS", "ARUBAKEYCNS", "OTPDIS", "OTPMOB"],
  video: ["SMARTCARDCNS_VIDEO", "KEYCNS_VIDEO", "FIRREM_VIDEO"],
  lettore: ["LETTORE", "FIR_V", "KEY_V", "FIRREM_V", "KEYCNS_V", "SMARTCARDCNS_V"],
  rinnovo: ["RINFIR", "RINCNS", "RINFIRREM", "FIREST"],
  videoric: ["VIDEORIC"],
};

describe("catalogue", () => {
  it("serves every product of the spec's list, each valid against the Prodotto schema", () => {
    const validate = new Ajv({ strict: false }).compile(prodottoSchema);
    expect(prodotti).toHaveLength(26);
    for (const p of prodotti) expect(validate(p), JSON.stringify(validate.errors)).toBe(true);
    expect(new Set(prodotti.map((p) => p.codice_prodotto)).size).toBe(prodotti.length);
  });

  it("maps every code of the spec's body schemas to its family", () => {
    for (const [family, codes] of Object.entries(FAMILY_CODES)) {
      for (const code of codes) expect([code, familyOf(code)]).toEqual([code, family]);
    }
    expect(catalogue).toHaveLength(Object.values(FAMILY_CODES).flat().length);
  });

  it("keeps SPID_PER in the served list but not among orderable products", () => {
    expect(prodotti.some((p) => p.codice_prodotto === "SPID_PER")).toBe(true);
    expect(findProduct("SPID_PER")).toBeUndefined();
    expect(familyOf("SPID_PER")).toBeUndefined();
  });

  it("finds products by exact, case-sensitive code", () => {
    expect(findProduct("FIRREM")).toMatchObject({ nome: "Firma Digitale Remota Infocert", tipo: "Infocert", prezzo: 25.7, family: "firme" });
    expect(findProduct("LETTORE")).toMatchObject({ vergine: true, family: "lettore" });
    expect(findProduct("firrem")).toBeUndefined();
    expect(findProduct("NOPE")).toBeUndefined();
  });

  it("marks only blank devices and readers as vergine", () => {
    const blank = prodotti.filter((p) => p.vergine === true).map((p) => p.codice_prodotto).sort();
    expect(blank).toEqual([...FAMILY_CODES.lettore].sort());
  });

  it("prices every product as a positive euro amount with at most two decimals", () => {
    for (const p of prodotti) {
      expect(p.prezzo).toBeGreaterThan(0);
      expect(Math.round(p.prezzo * 100) / 100).toBe(p.prezzo);
    }
  });
});
