import { createHash, randomBytes } from "node:crypto";
import { Types, type Model } from "mongoose";
import type { Logger } from "pino";
import { findProduct, findSpidProduct, type CatalogueProduct } from "../catalogue/index.js";
import type { CallbackDispatcher, StatusChangeNotice } from "../callbacks/index.js";
import { checkIdDocument, checkSignedForm, decodeBase64Strict, renderModulo } from "../documents/index.js";
import {
  applyDueStep,
  applyUpload,
  applyVideoUpgrade,
  initialState,
  magicFlagsOf,
  type RequestFamily,
  type Shipping,
  type Step,
} from "../lifecycle/index.js";
import {
  DEFAULT_BALANCE_CENTS,
  faultsOf,
  NO_FAULTS,
  type FaultSettings,
  type SandboxAccountDoc,
  type SandboxCallbackDoc,
  type SandboxRequestDoc,
  type StoredCallback,
  type StoredUpload,
} from "../models/index.js";
import { Errors, ValidationErrors, isSandboxError, type SandboxError } from "../sandbox-error.js";
import { checkBodyBounds, validateOrderBody } from "../validation/index.js";
import { TenantLock } from "./tenant-lock.js";
import { toUpstream } from "./request.view.js";
import { openAnagrafica, sealAnagrafica, type SandboxCipher } from "../sandbox-cipher.js";
import type { InboxRecorder } from "../inbox/index.js";

/** Video recognition surcharge (Aruba's `videoriconoscimento: true`, POST /richiesta/VIDEORIC), cents. */
export const VIDEO_SURCHARGE_CENTS = 1500;

/** The longest single clock advance: ten years. */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

// One round's worth of due requests (read, stepped, written, announced); more are picked up by the
// next round. Small rounds keep every command's message far below a megabyte: a large one costs the
// driver and the engine fresh memory for each of its copies (page faults, garbage), which on the
// benchmark machine weighed more than the few extra round trips (sandbox-clock bench, issue 10).
const DUE_BATCH = 100;

export interface SandboxServiceDeps {
  requests: Model<SandboxRequestDoc>;
  accounts: Model<SandboxAccountDoc>;
  dispatcher: CallbackDispatcher;
  logger: Logger;
  now: () => Date;
  /** Keeps tax codes and document numbers encrypted in the sandbox's own collections. */
  cipher: SandboxCipher;
  /** Records the applicant's e-mails at each step (the sandbox inbox). */
  inbox?: InboxRecorder;
}

/** The tenant clock's state as GET /sandbox/_clock shows it. */
export interface ClockView {
  now: string;
  offset_seconds: number;
}

type Body = Record<string, unknown>;

/**
 * The sandbox's behaviour, independent of HTTP: orders, uploads, the per-tenant clock, wallet and
 * faults. Every public method takes the tenant lock, and first applies whatever the tenant clock
 * has made due, so a read never shows a state the clock has already left.
 */
export class SandboxService {
  private readonly lock = new TenantLock();

  constructor(private readonly deps: SandboxServiceDeps) {}

  /** The request object upstream would answer, with sealed fields opened. */
  private view(doc: SandboxRequestDoc): Record<string, unknown> {
    return toUpstream({ ...doc, anagrafica: openAnagrafica(this.deps.cipher, doc.anagrafica) });
  }

  /** The tenant's sandbox account, created with the default wallet on first use. */
  async account(tenantId: string): Promise<SandboxAccountDoc> {
    const found = await this.deps.accounts.findById(tenantId).lean();
    if (found !== null) return found;
    const doc: SandboxAccountDoc = {
      _id: tenantId,
      balanceCents: DEFAULT_BALANCE_CENTS,
      clockOffsetMs: 0,
      faults: { ...NO_FAULTS },
      createdAt: new Date(),
    };
    try {
      await this.deps.accounts.create(doc);
    } catch (err) {
      // Another process created it first: theirs wins.
      const again = await this.deps.accounts.findById(tenantId).lean();
      if (again === null) throw err;
      return again;
    }
    return doc;
  }

  /** The tenant clock: real time plus the tenant's offset. */
  clockOf(account: SandboxAccountDoc): Date {
    return new Date(this.deps.now().getTime() + account.clockOffsetMs);
  }

  /**
   * Runs `work` under the tenant lock after applying what the tenant clock made due, with the
   * account and the tenant's now (for the control endpoints built outside this class).
   */
  async withTenant<T>(tenantId: string, work: (acc: SandboxAccountDoc, now: Date) => Promise<T>): Promise<T> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      const now = this.clockOf(acc);
      await this.processDue(tenantId, now);
      return work(acc, now);
    });
  }

  /** GET /spid_personale: debits SPID_PER's price and answers a one-year registration voucher URL. */
  async spidVoucher(tenantId: string): Promise<{ url: string } | SandboxError> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      if (acc.faults?.spid_sold_out === true) return Errors.spidSoldOut();
      const price = cents(findSpidProduct().prezzo);
      if (acc.balanceCents < price) return Errors.spidInsufficientCredit(acc.balanceCents / 100);
      await this.deps.accounts.updateOne({ _id: tenantId }, { $inc: { balanceCents: -price } });
      const voucher = `sbx-${randomBytes(5).toString("hex")}-${randomBytes(5).toString("hex")}`;
      return { url: `https://onboarding.sandbox.invalid/wizard/userSelfRegistration?voucher=${voucher}` };
    });
  }

  /** GET /sandbox/_clock. */
  async clock(tenantId: string): Promise<ClockView> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      await this.processDue(tenantId, this.clockOf(acc));
      return clockView(this.clockOf(acc), acc.clockOffsetMs);
    });
  }

  /**
   * Moves the tenant clock forward and applies every step that became due, in time order; resolves
   * after they are stored and each callback's first attempt is done.
   */
  async advance(tenantId: string, seconds: number): Promise<ClockView & { transitions: number }> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      const offset = acc.clockOffsetMs + seconds * 1000;
      await this.deps.accounts.updateOne({ _id: tenantId }, { $set: { clockOffsetMs: offset } });
      const now = new Date(this.deps.now().getTime() + offset);
      const transitions = await this.processDue(tenantId, now);
      return { ...clockView(now, offset), transitions };
    });
  }

  /** GET /sandbox/_wallet: balance in euros. */
  async wallet(tenantId: string): Promise<{ balance: number; currency: "EUR" }> {
    const acc = await this.account(tenantId);
    return { balance: acc.balanceCents / 100, currency: "EUR" };
  }

  /** PUT /sandbox/_wallet. */
  async setWallet(tenantId: string, balance: number): Promise<{ balance: number; currency: "EUR" }> {
    return this.lock.run(tenantId, async () => {
      await this.account(tenantId);
      const cents = Math.round(balance * 100);
      await this.deps.accounts.updateOne({ _id: tenantId }, { $set: { balanceCents: cents } });
      return { balance: cents / 100, currency: "EUR" as const };
    });
  }

  /** GET /sandbox/_faults. */
  async faults(tenantId: string): Promise<FaultSettings> {
    return faultsOf(await this.account(tenantId));
  }

  /** PUT /sandbox/_faults: fields not given keep their value. */
  async setFaults(tenantId: string, patch: Partial<FaultSettings>): Promise<FaultSettings> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      const faults = { ...faultsOf(acc), ...patch };
      await this.deps.accounts.updateOne({ _id: tenantId }, { $set: { faults } });
      return faults;
    });
  }

  /** GET /sandbox/_callbacks: the delivery log, optionally of one request. */
  async callbacks(tenantId: string, requestId?: string): Promise<SandboxCallbackDoc[]> {
    return this.deps.dispatcher.list(tenantId, requestId);
  }

  /**
   * POST /richiesta/{codice_prodotto}. `known` is the tenant's account as the router read it for its
   * fault check, spared a second read: its clock stamps the order as of its arrival, and the wallet
   * is never debited from it (a conditional update checks the balance). Validation, uploads and
   * the new request are prepared before the tenant lock, which is held only for what orders a
   * tenant's changes: the due steps first, then storing the request and debiting the wallet.
   */
  async order(tenantId: string, code: string, body: unknown, known?: SandboxAccountDoc): Promise<Body | SandboxError> {
    if (code === "VIDEORIC") return this.videoUpgrade(tenantId, body);
    const product = findProduct(code);
    if (product === undefined || product.family === "videoric") return Errors.wrongProduct();
    const family: RequestFamily = product.family;
    const acc = known ?? (await this.account(tenantId));
    const now = this.clockOf(acc);
    const invalid = validateOrderBody(family, body, now);
    if (invalid !== null) return invalid;
    const b = body as Body;
    const uploads = await this.readUploads(b, family === "firme" || family === "aruba", now);
    if (isSandboxError(uploads)) return uploads;
    const video = family === "aruba" && b.videoriconoscimento === true;
    // Readers and blank devices are sold by the piece.
    const pieces = family === "lettore" && typeof b.quantita === "number" ? b.quantita : 1;
    const cost = cents(product.prezzo) * pieces + (video ? VIDEO_SURCHARGE_CENTS : 0);
    const doc = this.newRequest(tenantId, product, family, b, uploads, video, cost, now);
    // The view from the anagrafica in hand: the stored one is sealed, and opening it again costs a decryption.
    const view = toUpstream({ ...doc, anagrafica: family === "firme" || family === "aruba" ? { ...(b.anagrafica as Body) } : null });
    // The order's callback is handed to the dispatcher under the lock (which fixes its place among
    // the request's callbacks) but awaited after it: the caller's callback handler, often the
    // gateway storing the change, must not hold up the tenant's other orders.
    let sent: Promise<void> = Promise.resolve();
    const answer = await this.lock.run(tenantId, async () => {
      await this.processDue(tenantId, now);
      if (!(await this.storePaid(doc, cost))) {
        const balance = (await this.deps.accounts.findById(tenantId, { balanceCents: 1 }).lean())?.balanceCents ?? 0;
        return Errors.insufficientCredit(balance / 100);
      }
      sent = this.notify(acc, doc, [{ step: { at: now, from: doc.stato, to: doc.stato }, view }]);
      // Awaited below; until then a failure must not count as unhandled.
      sent.catch(() => undefined);
      // A renewal is issued at once; anything else may already be due if the order came late.
      if (doc.nextAt === null || doc.nextAt > now) return view;
      await this.processDue(tenantId, now);
      return (await this.findView(tenantId, doc._id)) ?? view;
    });
    await sent;
    return answer;
  }

  /**
   * Stores a new request and debits its cost, both at once (caller holds the tenant lock). The
   * debit is conditional, so the wallet never goes below zero, not even across replicas (which the
   * in-process lock does not serialise). False when the balance is short: the request is taken back
   * before anyone under the lock can see it. A failed write undoes the other one and throws.
   */
  private async storePaid(doc: SandboxRequestDoc, cost: number): Promise<boolean> {
    // The driver's insert, not the model's: the new request is complete and typed, nothing to cast.
    const [debit, insert] = await Promise.allSettled([
      this.deps.accounts.updateOne({ _id: doc.tenantId, balanceCents: { $gte: cost } }, { $inc: { balanceCents: -cost } }),
      this.deps.requests.collection.insertOne(doc),
    ]);
    const paid = debit.status === "fulfilled" && debit.value.matchedCount === 1;
    if (insert.status === "rejected") {
      if (paid) await this.deps.accounts.updateOne({ _id: doc.tenantId }, { $inc: { balanceCents: cost } });
      throw insert.reason;
    }
    if (!paid) await this.deps.requests.collection.deleteOne({ _id: doc._id });
    if (debit.status === "rejected") throw debit.reason;
    return paid;
  }

  /** GET /richiesta: the tenant's requests, optionally of one product. */
  async list(tenantId: string, code?: string): Promise<Body[] | SandboxError> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      await this.processDue(tenantId, this.clockOf(acc));
      const filter = code === undefined ? { tenantId } : { tenantId, codice_prodotto: code };
      const docs = await this.deps.requests.find(filter).sort({ createdAt: 1 }).lean();
      if (docs.length === 0) return Errors.noRequests();
      return docs.map(toUpstream);
    });
  }

  /** GET /richiesta/{id}: another tenant's id answers like a missing one. */
  async get(tenantId: string, id: string): Promise<Body | SandboxError> {
    if (!isObjectIdHex(id)) return Errors.invalidId();
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      await this.processDue(tenantId, this.clockOf(acc));
      return (await this.findView(tenantId, new Types.ObjectId(id))) ?? Errors.noRequestForId(id);
    });
  }

  /** PATCH /richiesta/{id}: the signed form and/or the ID document. */
  async patch(tenantId: string, id: string, body: unknown): Promise<Body | SandboxError> {
    if (!isObjectIdHex(id)) return Errors.patchWrongId();
    // Strings past their bounds are refused before anything is read or stored (docs/input-bounds.md).
    const outOfBounds = checkBodyBounds(body);
    if (outOfBounds !== null) return outOfBounds;
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      const now = this.clockOf(acc);
      await this.processDue(tenantId, now);
      const doc = await this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
      if (doc === null) return Errors.patchNotFound();
      if (doc.family === "video" || doc.family === "lettore" || doc.videoriconoscimento) return Errors.videoNotRequired();
      if (doc.stato !== "in_registrazione") return Errors.alreadyProcessed();
      if (typeof body !== "object" || body === null || Array.isArray(body)) return ValidationErrors.bodyNotObject();
      const b = body as Body;
      if (b.modulo === undefined && b.documento === undefined) return ValidationErrors.required("modulo");
      const uploads = await this.readUploads(b, true, now);
      if (isSandboxError(uploads)) return uploads;
      const step = applyUpload(doc, { modulo: uploads.modulo !== null, documento: uploads.documento !== null }, now);
      doc.uploads = {
        modulo: uploads.modulo ?? doc.uploads?.modulo ?? null,
        documento: uploads.documento ?? doc.uploads?.documento ?? null,
      };
      if (step !== null) doc.history = [...doc.history, { stato: step.to, at: step.at }];
      await this.save(doc);
      const view = this.view(doc);
      if (step !== null) await this.notify(acc, doc, [{ step, view }]);
      return view;
    });
  }

  /** GET /richiesta/{id}/modulo: the form to sign, or an error (served as text/plain upstream). */
  async modulo(tenantId: string, id: string): Promise<Uint8Array | SandboxError> {
    if (!isObjectIdHex(id)) return Errors.invalidId();
    return this.lock.run(tenantId, async () => {
      const doc = await this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
      if (doc === null) return Errors.noRequestForId(id);
      const needsForm = (doc.family === "firme" || doc.family === "aruba") && !doc.videoriconoscimento;
      if (!needsForm) return Errors.formNotRequired();
      return renderModulo({
        codiceRichiesta: doc.codice_richiesta,
        prodotto: doc.prodotto,
        codiceProdotto: doc.codice_prodotto,
        anagrafica: openAnagrafica(this.deps.cipher, doc.anagrafica),
        createdAt: doc.acquistoAt,
      });
    });
  }

  /** Applies due steps for every tenant at its own clock (the background ticker). */
  async tick(): Promise<number> {
    const accounts = await this.deps.accounts.find({}).lean();
    // Tenants in parallel: one tenant's slow callback target must not hold back the others.
    const counts = await Promise.all(
      accounts.map((acc) =>
        this.lock.run(acc._id, async () => {
          // Re-read: an advance may have moved the offset while we waited for the lock.
          const fresh = (await this.deps.accounts.findById(acc._id).lean()) ?? acc;
          return this.processDue(acc._id, this.clockOf(fresh));
        }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Applies every step due by `now` (caller holds the tenant lock): each request is walked through
   * all its due steps in memory, the results stored in one bulk write, then the callbacks are sent
   * in the order the changes happened. Returns the number of status changes.
   */
  private async processDue(tenantId: string, now: Date): Promise<number> {
    let changes = 0;
    let acc: SandboxAccountDoc | null = null;
    for (;;) {
      const due = await this.deps.requests
        .find({ tenantId, nextAt: { $ne: null, $lte: now } })
        .sort({ nextAt: 1 })
        .limit(DUE_BATCH)
        .lean();
      if (due.length === 0) return changes;
      const events: { doc: SandboxRequestDoc; step: Step; view: Body }[] = [];
      for (const doc of due) {
        // Only a request with a callback needs its view at each step; its sealed fields are opened once.
        const anagrafica = doc.callback === null ? null : openAnagrafica(this.deps.cipher, doc.anagrafica);
        while (doc.nextAt !== null && doc.nextAt <= now) {
          const step = applyDueStep(doc);
          if (step === null) continue;
          doc.history = [...doc.history, { stato: step.to, at: step.at }];
          events.push({ doc, step, view: doc.callback === null ? {} : toUpstream({ ...doc, anagrafica }) });
        }
      }
      // The driver's bulkWrite, not the model's: the lean documents are already typed, and casting
      // a thousand updates costs more than writing them. Whole documents replaced (they were read
      // whole, and the version guards them), which spares the engine applying sixteen $set paths each.
      const result = await this.deps.requests.collection.bulkWrite(
        due.map(({ _id, ...doc }) => ({
          replaceOne: { filter: { _id, version: doc.version }, replacement: { ...doc, version: doc.version + 1 } },
        })),
        { ordered: false },
      );
      if (result.matchedCount !== due.length) {
        this.deps.logger.warn({ tenantId, expected: due.length, matched: result.matchedCount }, "sandbox: concurrent request update");
      }
      for (const doc of due) doc.version += 1;
      changes += events.length;
      events.sort((a, b) => a.step.at.getTime() - b.step.at.getTime());
      // Read once per pass: the caller holds the tenant lock, so its faults cannot change meanwhile.
      acc ??= await this.account(tenantId);
      await this.notifyMany(acc, events);
      if (due.length < DUE_BATCH) return changes;
    }
  }

  private async notify(acc: SandboxAccountDoc, doc: SandboxRequestDoc, events: { step: Step; view: Body }[]): Promise<void> {
    await this.notifyMany(acc, events.map((e) => ({ ...e, doc })));
  }

  private async notifyMany(
    acc: SandboxAccountDoc,
    events: readonly { doc: SandboxRequestDoc; step: Step; view: Body }[],
  ): Promise<void> {
    await this.deps.inbox?.record(events);
    const notices: StatusChangeNotice[] = [];
    for (const { doc, step, view } of events) {
      if (doc.callback === null) continue;
      const dropReason = doc.magic.nocallback
        ? "applicant e-mail has +nocallback"
        : acc.faults?.drop_callbacks === true
          ? "fault setting drop_callbacks"
          : null;
      notices.push({
        tenantId: doc.tenantId,
        requestId: doc._id.toHexString(),
        codice_richiesta: doc.codice_richiesta,
        stato: step.to,
        changedAt: step.at,
        callback: doc.callback,
        request: view,
        dropReason,
      });
    }
    await this.deps.dispatcher.dispatch(notices);
  }

  private async videoUpgrade(tenantId: string, body: unknown): Promise<Body | SandboxError> {
    return this.lock.run(tenantId, async () => {
      const acc = await this.account(tenantId);
      const now = this.clockOf(acc);
      await this.processDue(tenantId, now);
      const invalid = validateOrderBody("videoric", body, now);
      if (invalid !== null) return invalid;
      const b = body as Body;
      const id = String(b.id);
      if (!isObjectIdHex(id)) return Errors.invalidId();
      const doc = await this.deps.requests.findOne({ _id: new Types.ObjectId(id), tenantId }).lean();
      if (doc === null) return Errors.noRequestForId(id);
      if (typeof b.codice_richiesta === "string" && b.codice_richiesta !== doc.codice_richiesta) {
        return Errors.noRequestForId(id);
      }
      if ((doc.family !== "firme" && doc.family !== "aruba") || doc.videoriconoscimento) return Errors.videoNotRequired();
      if (doc.stato !== "in_registrazione") return Errors.alreadyProcessed();
      const price = cents(findProduct("VIDEORIC")?.prezzo ?? VIDEO_SURCHARGE_CENTS / 100);
      if (acc.balanceCents < price) return Errors.insufficientCredit(acc.balanceCents / 100);
      applyVideoUpgrade(doc, now);
      doc.paidCents += price;
      await this.save(doc);
      await this.deps.inbox?.videoBooked(doc, now);
      await this.deps.accounts.updateOne({ _id: tenantId }, { $inc: { balanceCents: -price } });
      return this.view(doc);
    });
  }

  private newRequest(
    tenantId: string,
    product: Readonly<CatalogueProduct>,
    family: RequestFamily,
    b: Body,
    uploads: { modulo: StoredUpload | null; documento: StoredUpload | null },
    video: boolean,
    cost: number,
    now: Date,
  ): SandboxRequestDoc {
    const anagrafica = family === "firme" || family === "aruba" ? (b.anagrafica as Body) : null;
    const spedizioneAnag = family === "lettore" ? (b.anagrafica_spedizione as Body) : null;
    const email =
      family === "video"
        ? String(b.email)
        : typeof (anagrafica ?? spedizioneAnag)?.email === "string"
          ? String((anagrafica ?? spedizioneAnag)?.email)
          : null;
    const ships = family === "firme" || family === "aruba" || family === "lettore";
    const state = initialState(
      {
        family,
        codice_prodotto: product.codice_prodotto,
        urgenza: b.urgenza === true,
        spedizione: ships ? ((typeof b.spedizione === "string" ? b.spedizione : "ordinaria") as Shipping) : null,
        videoriconoscimento: video,
        modulo: uploads.modulo !== null,
        documento: uploads.documento !== null,
        magic: magicFlagsOf(email),
      },
      now,
      family === "video" ? email : null,
    );
    return {
      ...state,
      _id: new Types.ObjectId(),
      tenantId,
      codice_richiesta: randomBytes(3).toString("hex").slice(0, 5),
      prodotto: product.nome,
      tipo: product.tipo,
      paidCents: cost,
      assistenza: b.assistenza === true,
      quantita: family === "lettore" && typeof b.quantita === "number" ? b.quantita : 1,
      owner: tenantId,
      anagrafica: sealAnagrafica(this.deps.cipher, anagrafica),
      anagrafica_spedizione: spedizioneAnag,
      email: family === "video" ? email : null,
      cellulare: family === "video" && typeof b.cellulare === "string" ? b.cellulare : null,
      callback: storedCallback(b.callback),
      uploads,
      history: [{ stato: state.stato, at: now }],
      version: 0,
      createdAt: new Date(),
    };
  }

  /** Decodes and checks `modulo`/`documento` when present; nothing is stored but their fingerprint. */
  private async readUploads(
    b: Body,
    accepted: boolean,
    now: Date,
  ): Promise<{ modulo: StoredUpload | null; documento: StoredUpload | null } | SandboxError> {
    const out: { modulo: StoredUpload | null; documento: StoredUpload | null } = { modulo: null, documento: null };
    if (!accepted) return out;
    for (const field of ["modulo", "documento"] as const) {
      const raw = b[field];
      if (raw === undefined || raw === null) continue;
      if (typeof raw !== "string") return ValidationErrors.wrongType(field, "base64 string", raw);
      const bytes = decodeBase64Strict(raw);
      if (bytes === null) return ValidationErrors.invalidBase64(field);
      const checked = field === "modulo" ? await checkSignedForm(bytes) : await checkIdDocument(bytes);
      if (isSandboxError(checked)) return checked;
      const nameField = field === "modulo" ? "nome_modulo" : "nome_documento";
      const nome = typeof b[nameField] === "string" && b[nameField] !== "" ? String(b[nameField]) : `${field}.${checked.kind}`;
      out[field] = {
        nome,
        kind: checked.kind,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        at: now,
      };
    }
    return out;
  }

  private async findView(tenantId: string, id: Types.ObjectId): Promise<Body | null> {
    const doc = await this.deps.requests.findOne({ _id: id, tenantId }).lean();
    return doc === null ? null : this.view(doc);
  }

  private async save(doc: SandboxRequestDoc): Promise<void> {
    await this.deps.requests.updateOne(
      { _id: doc._id, version: doc.version },
      {
        $set: {
          ...lifecycleFields(doc),
          uploads: doc.uploads,
          paidCents: doc.paidCents,
          version: doc.version + 1,
        },
      },
    );
    doc.version += 1;
  }
}

function lifecycleFields(doc: SandboxRequestDoc): Partial<SandboxRequestDoc> {
  return {
    stato: doc.stato,
    videoriconoscimento: doc.videoriconoscimento,
    modulo: doc.modulo,
    documento: doc.documento,
    registrazioneAt: doc.registrazioneAt,
    videoBookedAt: doc.videoBookedAt,
    identifiedAt: doc.identifiedAt,
    shipFrom: doc.shipFrom,
    lostParcels: doc.lostParcels,
    emissioneAt: doc.emissioneAt,
    evasioneAt: doc.evasioneAt,
    scadenzaAt: doc.scadenzaAt,
    firma: doc.firma,
    credenziali: doc.credenziali,
    nextAt: doc.nextAt,
    history: doc.history,
  };
}

function storedCallback(raw: unknown): StoredCallback | null {
  if (typeof raw !== "object" || raw === null) return null;
  const c = raw as Body;
  if (typeof c.url !== "string" || c.url === "") return null;
  return {
    url: c.url,
    method: c.method === "JSON" ? "JSON" : "POST",
    field: typeof c.field === "string" && c.field !== "" ? c.field : "data",
    data: typeof c.data === "object" && c.data !== null && !Array.isArray(c.data) ? (c.data as Body) : {},
  };
}

function clockView(now: Date, offsetMs: number): ClockView {
  return { now: now.toISOString(), offset_seconds: Math.round(offsetMs / 1000) };
}

function cents(euros: number): number {
  return Math.round(euros * 100);
}

/** True for the 24-hex-digit ids the upstream uses. */
export function isObjectIdHex(id: string): boolean {
  return /^[0-9a-fA-F]{24}$/.test(id);
}
