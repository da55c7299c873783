import products from "./catalogue.json" with { type: "json" };
import families from "./families.json" with { type: "json" };

/**
 * Product families, named after the request-body schema each family's POST /richiesta/{code} takes:
 * firme = PostBodyFirme, aruba = PostBodyFirmeAruba, video = PostBodyFirmeVideoriconoscimento,
 * lettore = PostBodyLettore (readers and blank `_V` devices), rinnovo = PostBodyRinnovi and
 * PostBodyFirmaEstero (same shape), videoric = PostBodyVideoriconoscimento.
 */
export type ProductFamily = "firme" | "aruba" | "video" | "lettore" | "rinnovo" | "videoric";

/** One product as GET /prodotti serves it (schema `Prodotto` plus `vergine`). */
export interface Prodotto {
  nome: string;
  tipo: string;
  codice_prodotto: string;
  prezzo: number;
  vergine?: boolean;
}

/** A product orderable through POST /richiesta/{codice_prodotto}, with its family. */
export interface CatalogueProduct extends Prodotto {
  family: ProductFamily;
}

const PRODUCT_FAMILIES: readonly ProductFamily[] = ["firme", "aruba", "video", "lettore", "rinnovo", "videoric"];

const familyByCode: ReadonlyMap<string, ProductFamily> = buildFamilyIndex(families);

/**
 * The whole list GET /prodotti serves, in the spec's order, exactly as the spec's example shows it.
 * It includes SPID_PER, which is ordered through /spid_personale, not /richiesta, so it has no family.
 */
export const prodotti: readonly Readonly<Prodotto>[] = Object.freeze(
  (products as Prodotto[]).map((p) => Object.freeze({ ...p })),
);

/** Every product orderable through POST /richiesta/{codice_prodotto}, with its family. */
export const catalogue: readonly Readonly<CatalogueProduct>[] = Object.freeze(
  prodotti.flatMap((p) => {
    const family = familyByCode.get(p.codice_prodotto);
    return family === undefined ? [] : [Object.freeze({ ...p, family })];
  }),
);

const productByCode: ReadonlyMap<string, CatalogueProduct> = new Map(catalogue.map((p) => [p.codice_prodotto, p]));

/** The orderable product with this exact code (codes are case-sensitive upstream), if any. */
export function findProduct(code: string): CatalogueProduct | undefined {
  return productByCode.get(code);
}

/** The family of an orderable product code, if any. */
export function familyOf(code: string): ProductFamily | undefined {
  return familyByCode.get(code);
}

// families.json maps family → codes; a code in two families or an unknown family is a data bug,
// caught at import rather than as a wrong body schema later.
function buildFamilyIndex(data: Record<string, string[]>): Map<string, ProductFamily> {
  const index = new Map<string, ProductFamily>();
  for (const [family, codes] of Object.entries(data)) {
    if (!PRODUCT_FAMILIES.includes(family as ProductFamily)) {
      throw new Error(`families.json: unknown family "${family}", expected one of ${PRODUCT_FAMILIES.join(", ")}`);
    }
    for (const code of codes) {
      if (index.has(code)) throw new Error(`families.json: ${code} is in both ${index.get(code)} and ${family}`);
      index.set(code, family as ProductFamily);
    }
  }
  const priced = new Set((products as Prodotto[]).map((p) => p.codice_prodotto));
  for (const code of index.keys()) {
    if (!priced.has(code)) throw new Error(`families.json: ${code} has no entry in catalogue.json`);
  }
  return index;
}

/** SPID_PER, sold through GET /spid_personale (not /richiesta): Namirial's personal SPID voucher. */
export function findSpidProduct(): Readonly<Prodotto> {
  const spid = prodotti.find((p) => p.codice_prodotto === SPID_PRODUCT_CODE);
  if (spid === undefined) throw new Error(`catalogue.json: ${SPID_PRODUCT_CODE} is missing`);
  return spid;
}

/** The code of the personal SPID voucher. */
export const SPID_PRODUCT_CODE = "SPID_PER";
