import { describe, expect, it } from "vitest";
import { BadUserInputError } from "../../../src/errors/index.js";
import {
  PRODUCT_CODES_BY_FAMILY,
  authorityOfTipo,
  centsToEuro,
  dateFromUnixSeconds,
  euroToCents,
  familyOfCode,
  fromAnagrafica,
  fromAnagraficaSpedizione,
  fromUpstreamProduct,
  fromUpstreamRequest,
  isFinalStatus,
  isoDateToUpstream,
  shippingSpeedFromSpedizione,
  spedizioneOf,
  statoOf,
  statusFromStato,
  tipoOf,
  toAnagrafica,
  toAnagraficaSpedizione,
  toUpstreamOrderBody,
  upstreamDateToIso,
  type ApplicantInput,
  type KnownSignatureRequestStatus,
  type ProductFamily,
  type ShippingRecipientInput,
  type ShippingSpeed,
} from "../../../src/provider/mapping.js";
import { UpstreamUnavailableError } from "../../../src/provider/provider-errors.js";
import type { UpstreamAnagrafica, UpstreamRequest } from "../../../src/provider/upstream.types.js";

/** Catches a synchronous throw so tests can assert its class and fields. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw, it returned");
}

const applicant: ApplicantInput = {
  firstName: "alberto",
  lastName: "neri",
  email: "a.neri@altravia.it",
  phone: "349xxxxx18",
  taxCode: "NRELRT00T28L117X",
  birthDate: "2000-12-28",
  sex: "M",
  birthPlace: "terni",
  birthProvince: "TR",
  birthCountry: "italia",
  residence: { address: "via rossi 2", city: "terni", province: "TR", postalCode: "05100", country: "italia" },
  shipping: { recipient: "alberto neri", address: "via rossi 2", city: "terni", province: "TR", postalCode: "05100" },
  document: { type: "patente", number: "123456", issuedBy: "mctc", issueDate: "1990-11-05", expiryDate: "2030-12-12" },
  notes: "citofono 3",
};

const anagrafica: UpstreamAnagrafica = {
  nome: "alberto",
  cognome: "neri",
  email: "a.neri@altravia.it",
  cellulare: "349xxxxx18",
  codice_fiscale: "NRELRT00T28L117X",
  data_nascita: "28/12/2000",
  sesso: "M",
  comune_nascita: "terni",
  provincia_nascita: "TR",
  nazione_nascita: "italia",
  indirizzo_residenza: "via rossi 2",
  comune_residenza: "terni",
  provincia_residenza: "TR",
  cap_residenza: "05100",
  nazione_residenza: "italia",
  destinatario: "alberto neri",
  indirizzo_spedizione: "via rossi 2",
  comune_spedizione: "terni",
  provincia_spedizione: "TR",
  cap_spedizione: "05100",
  tipo_documento: "patente",
  numero_documento: "123456",
  soggetto_emittente: "mctc",
  data_emissione: "05/11/1990",
  data_scadenza: "12/12/2030",
  note: "citofono 3",
};

const recipient: ShippingRecipientInput = {
  recipient: "alberto neri",
  email: "a.neri@altravia.it",
  phone: "349xxxxx18",
  address: "via rossi 2",
  city: "terni",
  province: "TR",
  postalCode: "05100",
};

const callback = { url: "https://gw.example.com/callbacks/firmadigitale/abc", gatewayRequestId: "sr_123" };
const upstreamCallback = { url: callback.url, method: "JSON", field: "data", data: { gatewayRequestId: "sr_123" } };

describe("statusFromStato / statoOf", () => {
  it.each<[string, KnownSignatureRequestStatus]>([
    ["in_registrazione", "IN_REGISTRAZIONE"],
    ["in_riconoscimento", "IN_RICONOSCIMENTO"],
    ["in_lavorazione", "IN_LAVORAZIONE"],
    ["evasa", "EVASA"],
  ])("maps %s ↔ %s", (stato, status) => {
    expect(statusFromStato(stato)).toBe(status);
    expect(statoOf(status)).toBe(stato);
  });

  it("tolerates case and surrounding blanks", () => {
    expect(statusFromStato(" Evasa ")).toBe("EVASA");
  });

  it("maps a stato it does not know to UNKNOWN, which is not final", () => {
    expect(statusFromStato("annullata")).toBe("UNKNOWN");
    expect(isFinalStatus("UNKNOWN")).toBe(false);
  });

  it("treats only EVASA as final", () => {
    expect((["IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA"] as const).filter(isFinalStatus)).toEqual(["EVASA"]);
  });
});

describe("shippingSpeedFromSpedizione / spedizioneOf", () => {
  it.each<[string, ShippingSpeed]>([
    ["ordinaria", "STANDARD"],
    ["prioritaria", "PRIORITY"],
    ["veloce", "EXPRESS"],
  ])("maps %s ↔ %s", (spedizione, speed) => {
    expect(shippingSpeedFromSpedizione(spedizione)).toBe(speed);
    expect(spedizioneOf(speed)).toBe(spedizione);
  });

  it.each([[false], [undefined], ["teletrasporto"]])("maps %s (not shipped or unknown) to null", (value) => {
    expect(shippingSpeedFromSpedizione(value)).toBeNull();
  });
});

describe("familyOfCode", () => {
  const rows = (Object.entries(PRODUCT_CODES_BY_FAMILY) as [ProductFamily, readonly string[]][]).flatMap(([family, codes]) =>
    codes.map((code) => [code, family] as const),
  );

  it.each(rows)("puts %s in %s", (code, family) => {
    expect(familyOfCode(code)).toBe(family);
  });

  it("covers every code of the spec's requestBody description", () => {
    expect(rows).toHaveLength(25);
  });

  it("returns null for a catalogue code not ordered through /richiesta", () => {
    expect(familyOfCode("SPID_PER")).toBeNull();
  });
});

describe("authorityOfTipo / tipoOf", () => {
  it.each([
    ["Infocert", "INFOCERT"],
    ["Aruba", "ARUBA"],
    ["Namirial", "NAMIRIAL"],
  ] as const)("maps %s ↔ %s", (tipo, authority) => {
    expect(authorityOfTipo(tipo)).toBe(authority);
    expect(authorityOfTipo(tipo.toUpperCase())).toBe(authority);
    expect(tipoOf(authority)).toBe(tipo);
  });

  it("returns null for an unknown or missing tipo", () => {
    expect(authorityOfTipo("Poste")).toBeNull();
    expect(authorityOfTipo(undefined)).toBeNull();
  });
});

describe("euroToCents / centsToEuro", () => {
  it.each([
    [9, 900],
    [22.7, 2270],
    [39.7, 3970],
    [40.3, 4030],
    [57.9, 5790],
    [0.1 + 0.2, 30],
    [1.005, 101],
    [1.995, 200],
    [0.125, 13],
    [19.999, 2000],
    [0, 0],
    [-1.005, -101],
  ])("converts %s euro to %s cents", (euro, cents) => {
    expect(euroToCents(euro)).toBe(cents);
  });

  it.each([[2270, 22.7], [900, 9], [1, 0.01]])("converts %s cents back to %s euro", (cents, euro) => {
    expect(centsToEuro(cents)).toBe(euro);
    expect(euroToCents(centsToEuro(cents))).toBe(cents);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [1e300]])("rejects %s euro with RangeError", (euro) => {
    expect(thrown(() => euroToCents(euro))).toBeInstanceOf(RangeError);
  });

  it("rejects fractional cents", () => {
    expect(thrown(() => centsToEuro(1.5))).toBeInstanceOf(RangeError);
  });
});

describe("dates", () => {
  it.each([
    ["2000-12-28", "28/12/2000"],
    ["2024-02-29", "29/02/2024"],
  ])("converts ISO %s ↔ upstream %s", (iso, upstream) => {
    expect(isoDateToUpstream(iso)).toBe(upstream);
    expect(upstreamDateToIso(upstream)).toBe(iso);
  });

  it.each([["2023-02-29"], ["28/12/2000"], ["2000-1-2"], [""]])("refuses ISO input %j", (iso) => {
    expect(isoDateToUpstream(iso)).toBeNull();
  });

  it("reads single-digit upstream days and months", () => {
    expect(upstreamDateToIso("5/1/1990")).toBe("1990-01-05");
  });

  it.each([
    [1602587629, "2020-10-13T11:13:49.000Z"],
    ["1693574555,", "2023-09-01T13:22:35.000Z"],
  ])("reads Unix seconds %j as a Date", (value, iso) => {
    expect(dateFromUnixSeconds(value)?.toISOString()).toBe(iso);
  });

  it.each([[undefined], [null], [0], ["abc"]])("reads %j as no date", (value) => {
    expect(dateFromUnixSeconds(value)).toBeNull();
  });
});

describe("toAnagrafica / fromAnagrafica", () => {
  it("maps every field of the applicant with dates as dd/mm/yyyy", () => {
    expect(toAnagrafica(applicant)).toEqual(anagrafica);
  });

  it("maps every field of the anagrafica back with ISO dates", () => {
    expect(fromAnagrafica(anagrafica)).toEqual(applicant);
  });

  it("omits note when there are no notes", () => {
    const { notes: _notes, ...withoutNotes } = applicant;
    expect(toAnagrafica(withoutNotes)).not.toHaveProperty("note");
  });

  it("rejects bad input with BAD_USER_INPUT naming every bad field", () => {
    const err = thrown(() =>
      toAnagrafica({
        ...applicant,
        firstName: " ",
        sex: "X" as "M",
        birthDate: "28/12/2000",
        document: { ...applicant.document, expiryDate: "2030-02-30" },
      }),
    ) as BadUserInputError;

    expect(err).toBeInstanceOf(BadUserInputError);
    expect(err.extensions.code).toBe("BAD_USER_INPUT");
    expect(err.fields.map((f) => f.path)).toEqual([
      "applicant.sex",
      "applicant.firstName",
      "applicant.birthDate",
      "applicant.document.expiryDate",
    ]);
  });

  it("keeps an unparseable upstream date as sent rather than failing the read", () => {
    expect(fromAnagrafica({ ...anagrafica, data_scadenza: "mai" }).document.expiryDate).toBe("mai");
  });
});

describe("toAnagraficaSpedizione / fromAnagraficaSpedizione", () => {
  const spedizione = {
    destinatario: "alberto neri",
    email: "a.neri@altravia.it",
    cellulare: "349xxxxx18",
    indirizzo_spedizione: "via rossi 2",
    comune_spedizione: "terni",
    provincia_spedizione: "TR",
    cap_spedizione: "05100",
  };

  it("maps every field both ways", () => {
    expect(toAnagraficaSpedizione(recipient)).toEqual(spedizione);
    expect(fromAnagraficaSpedizione(spedizione)).toEqual(recipient);
    expect(toAnagraficaSpedizione({ ...recipient, notes: "piano 2" }).note).toBe("piano 2");
  });

  it("rejects a missing postal code with BAD_USER_INPUT", () => {
    const err = thrown(() => toAnagraficaSpedizione({ ...recipient, postalCode: "" })) as BadUserInputError;

    expect(err).toBeInstanceOf(BadUserInputError);
    expect(err.fields.map((f) => f.path)).toEqual(["recipient.postalCode"]);
  });
});

describe("toUpstreamOrderBody", () => {
  const file = { fileName: "documento.pdf", contentBase64: "JVBERi0xLjYK" };

  it("builds PostBodyFirme for SIGNATURE with explicit defaults", () => {
    expect(toUpstreamOrderBody("SIGNATURE", { callback, applicant })).toEqual({
      assistenza: false,
      urgenza: false,
      spedizione: "ordinaria",
      callback: upstreamCallback,
      anagrafica,
    });
  });

  it("adds documento and modulo to PostBodyFirme when given", () => {
    const body = toUpstreamOrderBody("SIGNATURE", {
      callback,
      applicant,
      assistance: true,
      urgent: true,
      shipping: "EXPRESS",
      idDocument: file,
      form: { fileName: "modulo.pdf", contentBase64: "JVBERi0x\nLjYK" },
    });

    expect(body).toMatchObject({
      assistenza: true,
      urgenza: true,
      spedizione: "veloce",
      documento: "JVBERi0xLjYK",
      nome_documento: "documento.pdf",
      modulo: "JVBERi0xLjYK",
      nome_modulo: "modulo.pdf",
    });
  });

  it("builds PostBodyFirmeAruba with the required document", () => {
    expect(toUpstreamOrderBody("ARUBA", { callback, applicant, idDocument: file, videoRecognition: true, shipping: "PRIORITY" })).toEqual({
      assistenza: false,
      urgenza: false,
      spedizione: "prioritaria",
      documento: "JVBERi0xLjYK",
      nome_documento: "documento.pdf",
      videoriconoscimento: true,
      anagrafica,
      callback: upstreamCallback,
    });
  });

  it("builds PostBodyFirmeVideoriconoscimento for VIDEO", () => {
    expect(toUpstreamOrderBody("VIDEO", { callback, email: "utente@gmail.com", phone: "349xxxxx18", assistance: true })).toEqual({
      assistenza: true,
      urgenza: false,
      email: "utente@gmail.com",
      cellulare: "349xxxxx18",
      callback: upstreamCallback,
    });
  });

  it("builds PostBodyLettore for DEVICE_ONLY with quantity 1 by default", () => {
    expect(toUpstreamOrderBody("DEVICE_ONLY", { callback, recipient })).toEqual({
      assistenza: false,
      urgenza: false,
      spedizione: "ordinaria",
      callback: upstreamCallback,
      anagrafica_spedizione: toAnagraficaSpedizione(recipient),
      quantita: 1,
    });
  });

  it("builds PostBodyRinnovi for RENEWAL", () => {
    expect(toUpstreamOrderBody("RENEWAL", { callback, assistance: true })).toEqual({ assistenza: true, callback: upstreamCallback });
  });

  it("builds PostBodyVideoriconoscimento for VIDEO_UPGRADE, without a callback", () => {
    expect(toUpstreamOrderBody("VIDEO_UPGRADE", { requestId: "5f7ef1e83a716836d3152662" })).toEqual({ id: "5f7ef1e83a716836d3152662" });
    expect(toUpstreamOrderBody("VIDEO_UPGRADE", { requestId: "5f7ef1e83a716836d3152662", requestCode: "8417d" })).toEqual({
      id: "5f7ef1e83a716836d3152662",
      codice_richiesta: "8417d",
    });
  });

  it.each<[string, ProductFamily, unknown, string[]]>([
    ["an Aruba order without document", "ARUBA", { callback, applicant }, ["input.idDocument.fileName", "input.idDocument.contentBase64"]],
    ["a relative callback url", "RENEWAL", { callback: { ...callback, url: "/cb" } }, ["input.callback.url"]],
    ["a missing gatewayRequestId", "RENEWAL", { callback: { url: callback.url } }, ["input.callback.gatewayRequestId"]],
    ["quantity 0", "DEVICE_ONLY", { callback, recipient, quantity: 0 }, ["input.quantity"]],
    ["an unknown shipping speed", "SIGNATURE", { callback, applicant, shipping: "TURBO" }, ["input.shipping"]],
    ["non-base64 content", "SIGNATURE", { callback, applicant, form: { fileName: "m.pdf", contentBase64: "%PDF-1.4" } }, ["input.form.contentBase64"]],
    ["a video order without phone", "VIDEO", { callback, email: "a@b.it" }, ["input.phone"]],
    ["an applicant with a bad tax code field", "SIGNATURE", { callback, applicant: { ...applicant, taxCode: "" } }, ["input.applicant.taxCode"]],
  ])("rejects %s with BAD_USER_INPUT naming the field", (_name, family, input, paths) => {
    const err = thrown(() => toUpstreamOrderBody(family, input as never)) as BadUserInputError;

    expect(err).toBeInstanceOf(BadUserInputError);
    expect(err.extensions.code).toBe("BAD_USER_INPUT");
    expect(err.fields.map((f) => f.path)).toEqual(paths);
  });
});

describe("fromUpstreamRequest", () => {
  const issued: UpstreamRequest = {
    id: "5f7ef1e83a716836d3152662",
    codice_richiesta: "8417d",
    prodotto: "Firma Digitale Remota Infocert",
    codice_prodotto: "FIRREM",
    tipo: "Infocert",
    stato: "evasa",
    owner: "a.neri@altravia.com",
    assistenza: true,
    urgenza: false,
    spedizione: "prioritaria",
    videoriconoscimento: false,
    quantita: 1,
    modulo: true,
    documento: true,
    timestamp: { acquisto: 1602587629, registrazione: 1681226069, emissione: 1689149510, evasione: 1689149510, scadenza: 1783843910 },
    callback: { url: "https://gw.example.com/cb", method: "JSON", field: "data", data: { gatewayRequestId: "sr_123" } },
    anagrafica,
    fornitore: { ragione_sociale: "Openapi Srl", sede_riconoscimento: "Piazza San Giovanni Decollato 6 - 05100 Terni (TR)", email_assistenza: "" },
    firma: {
      codice_spedizione: "TRK123",
      pin: "98127364",
      puk: "55550001",
      numero_dispositivo: "DEV-9",
      codice_carta: "CARD-1",
      numero_busta: "ENV-42",
      codice_utente: "U-7",
      iut: "IUT-3",
      alias: "aneri",
      codice_emergenza: "EMERG-777",
    },
  };

  it("maps an issued request to the English view", () => {
    expect(fromUpstreamRequest(issued)).toEqual({
      upstreamId: "5f7ef1e83a716836d3152662",
      requestCode: "8417d",
      productCode: "FIRREM",
      productName: "Firma Digitale Remota Infocert",
      family: "SIGNATURE",
      authority: "INFOCERT",
      status: "EVASA",
      upstreamStatus: "evasa",
      owner: "a.neri@altravia.com",
      assistance: true,
      urgent: false,
      shipping: "PRIORITY",
      videoRecognition: false,
      quantity: 1,
      formUploaded: true,
      documentUploaded: true,
      timestamps: {
        purchasedAt: new Date(1602587629_000),
        registeredAt: new Date(1681226069_000),
        issuedAt: new Date(1689149510_000),
        fulfilledAt: new Date(1689149510_000),
        expiresAt: new Date(1783843910_000),
      },
      gatewayRequestId: "sr_123",
      device: {
        trackingCode: "TRK123",
        envelopeNumber: "ENV-42",
        deviceNumber: "DEV-9",
        cardCode: "CARD-1",
        userCode: "U-7",
        iut: "IUT-3",
        alias: "aneri",
      },
      credentials: null,
      supplier: {
        companyName: "Openapi Srl",
        registeredOffice: null,
        vatNumber: null,
        legalRepresentative: null,
        supportEmail: null,
        accountingEmail: null,
        supportPhone: null,
        recognitionOffice: "Piazza San Giovanni Decollato 6 - 05100 Terni (TR)",
      },
    });
  });

  it("never lets PIN, PUK, emergency code or the tax code through", () => {
    const text = JSON.stringify(fromUpstreamRequest(issued));

    for (const secret of ["98127364", "55550001", "EMERG-777", "NRELRT00T28L117X"]) expect(text).not.toContain(secret);
    for (const key of ["pin", "puk", "codice_emergenza", "emergencyCode"]) expect(text).not.toContain(`"${key}"`);
  });

  it("reads the spec's quirks: numeric codice_richiesta, spedizione false, string timestamps, credentials", () => {
    const view = fromUpstreamRequest({
      id: "5f7ef1e83a716836d3152662",
      codice_richiesta: 84289,
      codice_prodotto: "FIREST",
      stato: "evasa",
      spedizione: false,
      quantita: true,
      timestamp: { acquisto: "1693574555,", scadenza: 1725196956 },
      credenziali: { codice: "test-codice123" },
      firma: { pin: "", puk: "", codice_spedizione: "" },
    });

    expect(view).toMatchObject({
      requestCode: "84289",
      family: "RENEWAL",
      shipping: null,
      quantity: null,
      device: null,
      gatewayRequestId: null,
      credentials: { token: null, code: "test-codice123", username: null },
    });
    expect(view.timestamps.purchasedAt).toEqual(new Date(1693574555_000));
    expect(view.timestamps.fulfilledAt).toBeNull();
  });
});

describe("fromUpstreamProduct", () => {
  it("maps a catalogue entry with its price in cents", () => {
    expect(fromUpstreamProduct({ nome: "Kit Firma Digitale", tipo: "Infocert", codice_prodotto: "KIT", prezzo: 39.7 })).toEqual({
      code: "KIT",
      name: "Kit Firma Digitale",
      authority: "INFOCERT",
      family: "SIGNATURE",
      priceCents: 3970,
      currency: "EUR",
      blank: false,
    });
  });

  it("marks blank devices and leaves SPID without a family", () => {
    expect(fromUpstreamProduct({ nome: "Lettore", tipo: "Infocert", codice_prodotto: "LETTORE", prezzo: 13, vergine: true }).blank).toBe(true);
    expect(fromUpstreamProduct({ nome: "Spid Personale", tipo: "Namirial", codice_prodotto: "SPID_PER", prezzo: 14.2 }).family).toBeNull();
  });

  it("treats a non-numeric price as a bad upstream answer", () => {
    const err = thrown(() => fromUpstreamProduct({ nome: "x", tipo: "Infocert", codice_prodotto: "FIR", prezzo: "22.7" as unknown as number }));

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as UpstreamUnavailableError).reason).toBe("bad_response");
  });
});
