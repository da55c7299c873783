import { assertNever } from "../lifecycle/index.js";
import type { SandboxRequestDoc } from "../models/index.js";

/** The supplier block the upstream attaches to device requests (Openapi's own company data). */
export const FORNITORE = Object.freeze({
  ragione_sociale: "Openapi Srl",
  sede_legale: "Viale F. Tommaso Marinetti 221 - 00143 Roma (RM)",
  partita_iva: "07432261001",
  legale_rappresentante: "",
  email_assistenza: "",
  email_contabilita: "",
  telefono_assistenza: "",
  sede_riconoscimento: "Piazza San Giovanni Decollato 6 - 05100 Terni (TR)",
});

/** Unix seconds, as the upstream's timestamps. */
export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * The request object exactly as `GET /richiesta/{id}` returns it in `data` (and as callbacks carry
 * it): the fields of the family's Response* schema, in the order of the spec's examples.
 */
export function toUpstream(doc: SandboxRequestDoc): Record<string, unknown> {
  const timestamp: Record<string, number> = { acquisto: unixSeconds(doc.acquistoAt) };
  if (doc.registrazioneAt !== null) timestamp.registrazione = unixSeconds(doc.registrazioneAt);
  if (doc.emissioneAt !== null) timestamp.emissione = unixSeconds(doc.emissioneAt);
  if (doc.evasioneAt !== null) timestamp.evasione = unixSeconds(doc.evasioneAt);
  if (doc.scadenzaAt !== null) timestamp.scadenza = unixSeconds(doc.scadenzaAt);
  const common = {
    id: doc._id.toHexString(),
    codice_richiesta: doc.codice_richiesta,
    prodotto: doc.prodotto,
    codice_prodotto: doc.codice_prodotto,
    tipo: doc.tipo,
    stato: doc.stato,
    timestamp,
    owner: doc.owner,
    assistenza: doc.assistenza,
    urgenza: doc.urgenza,
    videoriconoscimento: doc.videoriconoscimento,
    quantita: doc.quantita,
    ...(doc.callback === null ? {} : { callback: doc.callback }),
  };
  switch (doc.family) {
    case "firme":
    case "aruba":
      return {
        ...common,
        spedizione: doc.spedizione ?? "ordinaria",
        anagrafica: doc.anagrafica,
        fornitore: FORNITORE,
        firma: doc.firma,
        modulo: doc.modulo,
        documento: doc.documento,
      };
    case "lettore":
      return {
        ...common,
        spedizione: doc.spedizione ?? "ordinaria",
        anagrafica_spedizione: doc.anagrafica_spedizione,
        fornitore: FORNITORE,
        firma: doc.firma,
        modulo: false,
        documento: false,
      };
    case "video":
      return {
        ...common,
        spedizione: false,
        email: doc.email,
        cellulare: doc.cellulare,
        credenziali: doc.credenziali ?? {},
      };
    case "rinnovo":
      return { ...common, spedizione: false, credenziali: doc.credenziali ?? {} };
    default:
      return assertNever(doc.family);
  }
}
