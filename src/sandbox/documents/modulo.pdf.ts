import { PDFDocument, type PDFFont, type PDFPage, StandardFonts, rgb } from "pdf-lib";

/** What the registration form shows. */
export interface ModuloInput {
  codiceRichiesta: string;
  prodotto: string;
  codiceProdotto: string;
  anagrafica?: Record<string, unknown> | null;
  anagraficaSpedizione?: Record<string, unknown> | null;
  createdAt: Date;
}

const PAGE: [number, number] = [595.28, 841.89]; // A4 in points
const MARGIN = 50;
const INK = rgb(0.13, 0.15, 0.2);
const MUTED = rgb(0.42, 0.45, 0.5);
const ACCENT = rgb(0.05, 0.3, 0.55);
const RULE = rgb(0.82, 0.85, 0.89);

// Sections of the applicant's data, with the Italian labels of the upstream's field names.
const APPLICANT_SECTIONS: readonly { title: string; fields: readonly [string, string][] }[] = [
  {
    title: "Dati anagrafici",
    fields: [
      ["cognome", "Cognome"], ["nome", "Nome"], ["codice_fiscale", "Codice fiscale"], ["sesso", "Sesso"],
      ["data_nascita", "Data di nascita"], ["comune_nascita", "Comune di nascita"],
      ["provincia_nascita", "Provincia di nascita"], ["nazione_nascita", "Nazione di nascita"],
    ],
  },
  {
    title: "Residenza e recapiti",
    fields: [
      ["indirizzo_residenza", "Indirizzo"], ["cap_residenza", "CAP"], ["comune_residenza", "Comune"],
      ["provincia_residenza", "Provincia"], ["nazione_residenza", "Nazione"], ["email", "E-mail"],
      ["cellulare", "Cellulare"],
    ],
  },
  {
    title: "Documento di identità",
    fields: [
      ["tipo_documento", "Tipo"], ["numero_documento", "Numero"], ["soggetto_emittente", "Rilasciato da"],
      ["data_emissione", "Data di rilascio"], ["data_scadenza", "Data di scadenza"],
    ],
  },
];

const SHIPPING_FIELDS: readonly [string, string][] = [
  ["destinatario", "Destinatario"], ["indirizzo_spedizione", "Indirizzo"], ["cap_spedizione", "CAP"],
  ["comune_spedizione", "Comune"], ["provincia_spedizione", "Provincia"], ["email", "E-mail"],
  ["cellulare", "Cellulare"], ["note", "Note"],
];

const DECLARATION =
  "Il/La sottoscritto/a, consapevole delle sanzioni penali previste dall'art. 76 del D.P.R. 445/2000 " +
  "per le dichiarazioni mendaci, dichiara che i dati sopra riportati sono veri e corrispondono al " +
  "documento di identità allegato, chiede il rilascio del certificato di firma digitale indicato e " +
  "accetta le condizioni generali del servizio. Dichiara inoltre di aver ricevuto l'informativa sul " +
  "trattamento dei dati personali ai sensi degli artt. 13 e 14 del Regolamento (UE) 2016/679 (GDPR).";

/** Renders the registration form of a request as a PDF, to be signed and sent back by the applicant. */
export async function renderModulo(input: ModuloInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Modulo di richiesta ${winAnsi(input.codiceRichiesta)}`);
  doc.setSubject("Modulo di richiesta / registrazione - firma digitale");
  doc.setProducer("firma-gateway sandbox");
  doc.setCreationDate(input.createdAt);
  doc.setModificationDate(input.createdAt);
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  const w = new Writer(doc, fonts);

  w.header(input);
  if (input.anagrafica) {
    for (const section of APPLICANT_SECTIONS) w.section(section.title, rowsOf(input.anagrafica, section.fields));
    w.section("Indirizzo di spedizione del dispositivo", rowsOf(input.anagrafica, SHIPPING_FIELDS.filter(([k]) => k !== "email" && k !== "cellulare")));
  }
  if (input.anagraficaSpedizione) w.section("Dati di spedizione", rowsOf(input.anagraficaSpedizione, SHIPPING_FIELDS));
  if (!input.anagrafica && !input.anagraficaSpedizione) {
    w.section("Dati del richiedente", [["Nota", "dati anagrafici non ancora forniti"]]);
  }
  w.declaration(DECLARATION);
  w.signatureBox(input.createdAt);
  w.footers(input.codiceRichiesta);
  return doc.save();
}

function rowsOf(data: Record<string, unknown>, fields: readonly [string, string][]): [string, string][] {
  return fields.flatMap(([key, label]) => {
    const value = data[key];
    if (value === undefined || value === null || value === "") return [];
    return [[label, typeof value === "string" ? value : JSON.stringify(value)]];
  });
}

// A top-down cursor over pages: each block asks for the room it needs and gets a new page if not.
class Writer {
  private page: PDFPage;
  private y: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: { regular: PDFFont; bold: PDFFont },
  ) {
    this.page = doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  header(input: ModuloInput): void {
    const width = PAGE[0] - 2 * MARGIN;
    this.page.drawRectangle({ x: MARGIN, y: this.y - 4, width, height: 4, color: ACCENT });
    this.y -= 34;
    this.text("Modulo di richiesta / registrazione", MARGIN, this.y, 20, this.fonts.bold, INK);
    this.y -= 18;
    this.text("Certificato di firma digitale - servizio ws.firmadigitale.com", MARGIN, this.y, 10, this.fonts.regular, MUTED);
    this.y -= 30;
    const boxHeight = 58;
    this.page.drawRectangle({ x: MARGIN, y: this.y - boxHeight + 14, width, height: boxHeight, color: rgb(0.95, 0.96, 0.98), borderColor: RULE, borderWidth: 1 });
    const columns: [string, string][] = [
      ["Codice richiesta", input.codiceRichiesta],
      ["Prodotto", `${input.prodotto} (${input.codiceProdotto})`],
      ["Data", romeDate(input.createdAt)],
    ];
    const colWidth = width / columns.length;
    columns.forEach(([label, value], i) => {
      const x = MARGIN + 12 + i * colWidth;
      this.text(label.toUpperCase(), x, this.y, 8, this.fonts.bold, MUTED);
      this.wrapped(value, x, this.y - 16, colWidth - 20, 12, this.fonts.bold, INK, 2);
    });
    this.y -= boxHeight + 12;
  }

  section(title: string, rows: [string, string][]): void {
    const rowHeight = 16;
    // Keep a section on one page; only one longer than a page may break.
    this.ensure(30 + rowHeight * Math.min(rows.length, 40));
    this.text(title, MARGIN, this.y, 12, this.fonts.bold, ACCENT);
    this.y -= 6;
    this.rule();
    this.y -= 14;
    for (const [label, value] of rows) {
      this.ensure(rowHeight);
      this.text(label, MARGIN + 4, this.y, 9, this.fonts.regular, MUTED);
      this.text(fit(value, this.fonts.regular, 11, PAGE[0] - 2 * MARGIN - 170), MARGIN + 160, this.y, 11, this.fonts.regular, INK);
      this.y -= rowHeight;
    }
    this.y -= 10;
  }

  declaration(paragraph: string): void {
    const lines = wrap(winAnsi(paragraph), this.fonts.regular, 9.5, PAGE[0] - 2 * MARGIN);
    // The declaration and the signature belong together on one page.
    this.ensure(28 + lines.length * 13 + 12 + 12 + 94);
    this.text("Dichiarazione", MARGIN, this.y, 12, this.fonts.bold, ACCENT);
    this.y -= 6;
    this.rule();
    this.y -= 14;
    for (const line of lines) {
      this.text(line, MARGIN, this.y, 9.5, this.fonts.regular, INK);
      this.y -= 13;
    }
    this.y -= 12;
  }

  signatureBox(createdAt: Date): void {
    const height = 84;
    this.ensure(height + 10);
    this.text("Firma", MARGIN, this.y, 12, this.fonts.bold, ACCENT);
    this.y -= 12;
    const width = PAGE[0] - 2 * MARGIN;
    const half = (width - 16) / 2;
    const top = this.y;
    this.box(MARGIN, top, half, height, "Luogo e data", `__________________, ${romeDate(createdAt)}`);
    this.box(MARGIN + half + 16, top, half, height, "Firma del richiedente", "");
    this.y -= height + 10;
  }

  footers(codiceRichiesta: string): void {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      const note = `Richiesta ${codiceRichiesta} - pagina ${i + 1} di ${pages.length} - generato dal sandbox firma-gateway, privo di valore legale`;
      page.drawText(winAnsi(note), { x: MARGIN, y: 28, size: 7.5, font: this.fonts.regular, color: MUTED });
    });
  }

  private box(x: number, top: number, width: number, height: number, label: string, content: string): void {
    this.page.drawRectangle({ x, y: top - height, width, height, borderColor: INK, borderWidth: 0.8 });
    this.text(label, x + 8, top - 14, 9, this.fonts.bold, MUTED);
    if (content !== "") this.text(content, x + 8, top - height + 14, 10, this.fonts.regular, INK);
  }

  private rule(): void {
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE[0] - MARGIN, y: this.y }, thickness: 0.7, color: RULE });
  }

  private ensure(room: number): void {
    if (this.y - room >= MARGIN + 20) return;
    this.page = this.doc.addPage(PAGE);
    this.y = PAGE[1] - MARGIN;
  }

  private wrapped(text: string, x: number, y: number, width: number, size: number, font: PDFFont, color: ReturnType<typeof rgb>, maxLines: number): void {
    wrap(winAnsi(text), font, size, width).slice(0, maxLines).forEach((line, i) => this.text(line, x, y - i * (size + 2), size, font, color));
  }

  private text(text: string, x: number, y: number, size: number, font: PDFFont, color: ReturnType<typeof rgb>): void {
    this.page.drawText(winAnsi(text), { x, y, size, font, color });
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

// Values come from partners' JSON: one long value must not run off the page.
function fit(text: string, font: PDFFont, size: number, width: number): string {
  const clean = winAnsi(text);
  if (font.widthOfTextAtSize(clean, size) <= width) return clean;
  let cut = clean;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}...`, size) > width) cut = cut.slice(0, -1);
  return `${cut}...`;
}

// The standard fonts encode WinAnsi (CP1252) only; pdf-lib throws on anything else. Keep Latin-1
// and CP1252's extras (Italian accents, euro, curly quotes), strip other diacritics, replace the rest.
const CP1252_EXTRAS = new Set([..."€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"]);
// Letters with a stroke do not decompose under NFD.
const STROKED: Readonly<Record<string, string>> = { Ł: "L", ł: "l", Đ: "D", đ: "d", Ħ: "H", ħ: "h", ı: "i" };

/** Maps text onto the WinAnsi character set the PDF standard fonts can draw. */
export function winAnsi(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC")) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\n" || ch === "\r" || ch === "\t") out += " ";
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRAS.has(ch)) out += ch;
    else if (STROKED[ch] !== undefined) out += STROKED[ch];
    else {
      const base = ch.normalize("NFD").replace(/\p{M}/gu, "");
      out += base !== ch && [...base].every((c) => (c.codePointAt(0) ?? 0) <= 0xff) ? base : "?";
    }
  }
  return out;
}

function romeDate(d: Date): string {
  return new Intl.DateTimeFormat("it-IT", { timeZone: "Europe/Rome", day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
}
