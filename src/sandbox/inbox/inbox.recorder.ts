import { randomInt } from "node:crypto";
import { Types, type Model } from "mongoose";
import { identifiedByVideo, type Step } from "../lifecycle/index.js";
import type { SandboxRequestDoc } from "../models/index.js";
import type { SandboxCipher } from "../sandbox-cipher.js";
import type { EnvelopeCodes, InboxKind, SandboxMailDoc } from "./inbox.model.js";

/** One mail as GET /sandbox/_inbox shows it. */
export interface MailView {
  id: string;
  request_id: string;
  codice_richiesta: string;
  kind: InboxKind;
  to: string | null;
  subject: string;
  body: string;
  at: string;
  /** For the ENVELOPE mail: the path of its PDF, relative to the sandbox. */
  attachment: string | null;
}

/**
 * Writes the e-mails the applicant of a sandbox request would receive at each moment of its
 * lifecycle: instructions after the order, the video-call invitation, a refusal, and at `evasa` the
 * certification authority's virtual envelope with FAKE activation codes. Nothing is sent anywhere.
 */
export class InboxRecorder {
  private seq = 0;

  constructor(
    private readonly model: Model<SandboxMailDoc>,
    private readonly cipher: SandboxCipher,
  ) {}

  /** Records the mails of a batch of lifecycle steps (the order's own step has from === to). */
  async record(events: readonly { doc: SandboxRequestDoc; step: Step }[]): Promise<void> {
    const mails: SandboxMailDoc[] = [];
    for (const { doc, step } of events) {
      for (const [kind, at] of mailsFor(doc, step)) mails.push({ _id: new Types.ObjectId(), ...this.mail(doc, kind, at) });
    }
    // The driver's insert, not the model's: the mails are complete and typed, and casting a clock
    // advance's thousand envelopes one by one costs more than writing them.
    if (mails.length > 0) await this.model.collection.insertMany(mails, { ordered: false });
  }

  /** The video-call invitation after POST /richiesta/VIDEORIC. */
  async videoBooked(doc: SandboxRequestDoc, at: Date): Promise<void> {
    await this.model.create(this.mail(doc, "VIDEO_INVITATION", at));
  }

  /** The tenant's mails, optionally of one request, in the order they were written. */
  async list(tenantId: string, requestId?: string): Promise<MailView[]> {
    const filter = requestId === undefined ? { tenantId } : { tenantId, requestId };
    const docs = await this.model.find(filter).sort({ seq: 1, _id: 1 }).lean();
    return docs.map(mailView);
  }

  /** The envelope PDF of one of the tenant's mails; null when there is none. */
  async envelopePdf(tenantId: string, mailId: string, request: Pick<SandboxRequestDoc, "prodotto" | "tipo"> | null): Promise<Uint8Array | null> {
    if (!/^[0-9a-f]{24}$/i.test(mailId)) return null;
    const doc = await this.model.findOne({ _id: mailId, tenantId }).lean();
    if (doc === null || doc.envelope === null) return null;
    const codes = JSON.parse(this.cipher.decrypt(doc.envelope)) as EnvelopeCodes;
    // pdf-lib loads on the first envelope, not when the gateway starts (see ../documents/index.ts).
    const { renderEnvelope } = await import("./envelope.pdf.js");
    return renderEnvelope({ codiceRichiesta: doc.codice_richiesta, prodotto: request?.prodotto ?? "", tipo: request?.tipo ?? "", codes, at: doc.at });
  }

  /** Removes the tenant's mails (sandbox reset). */
  async clear(tenantId: string): Promise<number> {
    return (await this.model.deleteMany({ tenantId })).deletedCount ?? 0;
  }

  private mail(doc: SandboxRequestDoc, kind: InboxKind, at: Date): Omit<SandboxMailDoc, "_id"> {
    const to = applicantEmail(doc);
    const text = TEMPLATES[kind](doc);
    return {
      tenantId: doc.tenantId,
      requestId: doc._id.toHexString(),
      codice_richiesta: doc.codice_richiesta,
      kind,
      to,
      subject: text.subject,
      body: text.body,
      at,
      envelope: kind === "ENVELOPE" ? this.cipher.encrypt(JSON.stringify(fakeCodes())) : null,
      seq: Date.now() * 1000 + (++this.seq % 1000),
      createdAt: new Date(),
    };
  }
}

/** Which mails a step produces, with their tenant-clock time. */
export function mailsFor(doc: Pick<SandboxRequestDoc, "family" | "videoriconoscimento">, step: Step): [InboxKind, Date][] {
  const out: [InboxKind, Date][] = [];
  const created = step.from === step.to;
  if (created) {
    out.push(["INSTRUCTIONS", step.at]);
    if (identifiedByVideo(doc)) out.push(["VIDEO_INVITATION", step.at]);
    return out;
  }
  if (step.from === "in_riconoscimento" && step.to === "in_registrazione") out.push(["DOCUMENTS_REFUSED", step.at]);
  if (step.to === "rifiutata") out.push(["VIDEO_FAILED", step.at]);
  if (step.to === "evasa" && (doc.family === "firme" || doc.family === "aruba" || doc.family === "video")) out.push(["ENVELOPE", step.at]);
  return out;
}

// The e-mail is not among the sealed fields of an anagrafica: it is read without opening them.
function applicantEmail(doc: SandboxRequestDoc): string | null {
  if (doc.email !== null) return doc.email;
  const a = doc.anagrafica ?? doc.anagrafica_spedizione;
  return typeof a?.email === "string" ? a.email : null;
}

type Template = (doc: SandboxRequestDoc) => { subject: string; body: string };

const SANDBOX_NOTE = "\n\n-- \nSANDBOX: this e-mail was recorded by the firma-gateway sandbox and sent to no one.";

const TEMPLATES: Record<InboxKind, Template> = {
  INSTRUCTIONS: (d) => ({
    subject: `Your order ${d.codice_richiesta}: ${d.prodotto} - next steps`,
    body:
      `Thank you for ordering ${d.prodotto} (${d.codice_prodotto}).\n` +
      (d.family === "firme" || d.family === "aruba"
        ? d.videoriconoscimento
          ? "Your identity will be checked by a video call: an invitation follows.\n"
          : "Print the registration form, sign it, and upload it with a copy of your ID document. A public officer then checks your identity.\n"
        : d.family === "video"
          ? "Your identity will be checked by a video call: an invitation follows.\n"
          : d.family === "lettore"
            ? "Your device ships once the order is processed.\n"
            : "Your renewal is processed at once.\n") +
      `Request code: ${d.codice_richiesta}.` +
      SANDBOX_NOTE,
  }),
  VIDEO_INVITATION: (d) => ({
    subject: `Book your identification video call (request ${d.codice_richiesta})`,
    body:
      `To issue your ${d.prodotto} certificate we need to see you and your ID document on a short video call.\n` +
      `Book a slot at https://video.sandbox.invalid/book/${d.codice_richiesta} (a sandbox link that leads nowhere).\n` +
      "Have your ID document and your health insurance card (tessera sanitaria) at hand." +
      SANDBOX_NOTE,
  }),
  DOCUMENTS_REFUSED: (d) => ({
    subject: `Your documents for request ${d.codice_richiesta} were not accepted`,
    body:
      "The certification authority could not verify your identity from the documents sent.\n" +
      "Please upload the signed registration form and your ID document again." +
      SANDBOX_NOTE,
  }),
  VIDEO_FAILED: (d) => ({
    subject: `Video identification failed (request ${d.codice_richiesta})`,
    body: "The video identification could not be completed, so the certificate was not issued.\nContact your reseller to start a new request." + SANDBOX_NOTE,
  }),
  ENVELOPE: (d) => ({
    subject: `Your ${d.prodotto} activation codes (virtual envelope)`,
    body:
      "Your certificate has been issued. The attached PDF is your virtual envelope: it holds the PIN, the PUK and the emergency code of your device.\n" +
      "Keep it safe and never share it.\n" +
      "SANDBOX DATA: the attached codes are fake, generated by the sandbox, and activate nothing." +
      SANDBOX_NOTE,
  }),
};

function mailView(d: SandboxMailDoc): MailView {
  return {
    id: d._id.toHexString(),
    request_id: d.requestId,
    codice_richiesta: d.codice_richiesta,
    kind: d.kind,
    to: d.to,
    subject: d.subject,
    body: d.body,
    at: d.at.toISOString(),
    attachment: d.envelope === null ? null : `/_inbox/${d._id.toHexString()}/envelope.pdf`,
  };
}

/** Obviously fake activation codes: every one starts with SBX. */
function fakeCodes(): EnvelopeCodes {
  return { pin: `SBX${digits(5)}`, puk: `SBX${digits(8)}`, codice_emergenza: `SBX-${digits(4)}-${digits(4)}` };
}

function digits(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}
