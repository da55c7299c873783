// The wire shapes of ws.firmadigitale.com, named and spelled as in its OpenAPI description
// (components/schemas). Where the spec's own examples contradict its schemas (numbers where strings
// are declared, `false` for a missing shipment), the type admits both: the client must read what the
// upstream really sends. The English view of these lives in mapping.ts.

/** `{data, success, message, error}`: every JSON answer of the upstream. */
export interface UpstreamEnvelope<T> {
  data: T | null;
  success: boolean;
  message: string;
  error: number | null;
}

/** Schema `Prodotto`, plus `vergine` (blank device or reader) which the examples carry. */
export interface UpstreamProduct {
  nome: string;
  /** Certification authority as written upstream: "Infocert", "Aruba", "Namirial". */
  tipo: string;
  codice_prodotto: string;
  /** Euros without VAT, a float. */
  prezzo: number;
  vergine?: boolean;
}

export type UpstreamSpedizione = "ordinaria" | "prioritaria" | "veloce";

/** Schema `Callback`: where and how the upstream reports a request's changes. */
export interface UpstreamCallback {
  url: string;
  /** "POST" (form-encoded, the upstream default) or "JSON". */
  method?: "POST" | "JSON";
  /** Name of the key holding the request object in the callback body. */
  field?: string;
  /** The caller's own object, echoed back inside the request's `callback`. */
  data?: Record<string, unknown>;
}

/** Schema `Anagrafica`: the applicant of a signature; dates are dd/mm/yyyy. */
export interface UpstreamAnagrafica {
  nome: string;
  cognome: string;
  email: string;
  cellulare: string;
  codice_fiscale: string;
  data_nascita: string;
  sesso: string;
  comune_nascita: string;
  provincia_nascita: string;
  nazione_nascita: string;
  indirizzo_residenza: string;
  comune_residenza: string;
  provincia_residenza: string;
  cap_residenza: string;
  nazione_residenza: string;
  destinatario: string;
  indirizzo_spedizione: string;
  comune_spedizione: string;
  provincia_spedizione: string;
  cap_spedizione: string;
  tipo_documento: string;
  numero_documento: string;
  soggetto_emittente: string;
  data_emissione: string;
  data_scadenza: string;
  note?: string;
}

/** Schema `AnagraficaSpedizione`: the recipient of blank devices and readers. */
export interface UpstreamAnagraficaSpedizione {
  destinatario: string;
  email: string;
  cellulare: string;
  indirizzo_spedizione: string;
  comune_spedizione: string;
  provincia_spedizione: string;
  cap_spedizione: string;
  note?: string;
}

/** Schema `Firma`: the issued device. `pin`, `puk`, `codice_emergenza` must never leave the gateway. */
export interface UpstreamFirma {
  codice_spedizione?: string;
  pin?: string;
  puk?: string;
  numero_dispositivo?: string;
  codice_carta?: string;
  numero_busta?: string;
  codice_utente?: string;
  iut?: string;
  alias?: string;
  codice_emergenza?: string;
}

/** Schema `Fornitore`: the supplier handling the request (where the signed form goes). */
export interface UpstreamFornitore {
  ragione_sociale?: string;
  sede_legale?: string;
  partita_iva?: string;
  legale_rappresentante?: string;
  email_assistenza?: string;
  email_contabilita?: string;
  telefono_assistenza?: string;
  sede_riconoscimento?: string;
}

/**
 * Schema `Timestamp` (Unix seconds), plus `registrazione` which the PATCH examples carry. The FIREST
 * example sends strings such as "1693574555,", hence `string`.
 */
export interface UpstreamTimestamp {
  acquisto?: number | string;
  registrazione?: number | string;
  emissione?: number | string;
  evasione?: number | string;
  scadenza?: number | string;
}

/** Per family: `{token}` renewals, `{codice}` FIREST, `{username}` video products. */
export interface UpstreamCredenziali {
  token?: string;
  codice?: string;
  username?: string;
}

/**
 * The request object: the union of ResponseFirma, ResponseFirmeAruba, ResponseLettore,
 * ResponseRinnovo, ResponseFirmaEstero, ResponseFirmeVideoriconoscimento and Richieste (the list).
 * The client guarantees `id` (the list's examples name it `_id`); everything the spec leaves
 * optional stays optional.
 */
export interface UpstreamRequest {
  id: string;
  /** The list's examples carry the id here instead of `id`. */
  _id?: string;
  /** A short code such as "8417d"; some examples send a number. */
  codice_richiesta?: string | number;
  prodotto?: string;
  codice_prodotto: string;
  tipo?: string;
  /** Free text upstream; the examples use in_registrazione, in_riconoscimento, in_lavorazione, evasa. */
  stato: string;
  owner?: string;
  assistenza?: boolean;
  urgenza?: boolean;
  /** `false` for products that are not shipped (renewals, FIREST, video). */
  spedizione?: UpstreamSpedizione | false;
  videoriconoscimento?: boolean;
  /** An integer; ResponseFirmeAruba declares a boolean. */
  quantita?: number | boolean;
  /** Whether the signed form has been uploaded. */
  modulo?: boolean;
  /** Whether the ID document has been uploaded. */
  documento?: boolean;
  timestamp?: UpstreamTimestamp;
  callback?: UpstreamCallback;
  anagrafica?: UpstreamAnagrafica;
  anagrafica_spedizione?: UpstreamAnagraficaSpedizione;
  /** Video products: the applicant's contact instead of an anagrafica. */
  email?: string;
  cellulare?: string;
  fornitore?: UpstreamFornitore;
  firma?: UpstreamFirma;
  credenziali?: UpstreamCredenziali;
}

/** Schema `PostBodyFirme`: FIR, KIT, KEY, FIRREM, KEYCNS, KITCNS, SMARTCARDCNS. */
export interface UpstreamPostBodyFirme {
  assistenza?: boolean;
  urgenza?: boolean;
  spedizione?: UpstreamSpedizione;
  callback?: UpstreamCallback;
  anagrafica: UpstreamAnagrafica;
  documento?: string;
  nome_documento?: string;
  modulo?: string;
  nome_modulo?: string;
}

/** Schema `PostBodyFirmeAruba`: SCARUBACNS, ARUBAKEYCNS, OTPDIS, OTPMOB. */
export interface UpstreamPostBodyFirmeAruba {
  assistenza?: boolean;
  urgenza?: boolean;
  spedizione?: UpstreamSpedizione;
  documento: string;
  nome_documento: string;
  videoriconoscimento?: boolean;
  anagrafica: UpstreamAnagrafica;
  callback?: UpstreamCallback;
}

/** Schema `PostBodyFirmeVideoriconoscimento`: SMARTCARDCNS_VIDEO, KEYCNS_VIDEO, FIRREM_VIDEO. */
export interface UpstreamPostBodyFirmeVideoriconoscimento {
  assistenza?: boolean;
  urgenza?: boolean;
  email: string;
  cellulare: string;
  callback?: UpstreamCallback;
}

/** Schema `PostBodyLettore`: LETTORE and the blank devices (FIR_V, KEY_V, FIRREM_V, KEYCNS_V, SMARTCARDCNS_V). */
export interface UpstreamPostBodyLettore {
  assistenza?: boolean;
  urgenza?: boolean;
  spedizione?: UpstreamSpedizione;
  callback?: UpstreamCallback;
  anagrafica_spedizione: UpstreamAnagraficaSpedizione;
  quantita?: number;
}

/** Schema `PostBodyRinnovi` (RINFIR, RINCNS, RINFIRREM), identical to `PostBodyFirmaEstero` (FIREST). */
export interface UpstreamPostBodyRinnovi {
  assistenza?: boolean;
  callback?: UpstreamCallback;
}

/** Schema `PostBodyVideoriconoscimento`: VIDEORIC, the add-on to an existing request. */
export interface UpstreamPostBodyVideoriconoscimento {
  id: string;
  codice_richiesta?: string;
}

/** Any body of POST /richiesta/{codice_prodotto}; which one depends on the product's family. */
export type UpstreamOrderBody =
  | UpstreamPostBodyFirme
  | UpstreamPostBodyFirmeAruba
  | UpstreamPostBodyFirmeVideoriconoscimento
  | UpstreamPostBodyLettore
  | UpstreamPostBodyRinnovi
  | UpstreamPostBodyVideoriconoscimento;

/** Schema `PostBodyPatch`: base64 files for PATCH /richiesta/{id}. */
export interface UpstreamPostBodyPatch {
  modulo?: string;
  nome_modulo?: string;
  documento?: string;
  nome_documento?: string;
}
