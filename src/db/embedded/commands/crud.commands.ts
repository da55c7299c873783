import { canonicalKey } from "../storage/bson-order.js";
import { RawDoc } from "../wire/protocol.js";
import { assertDocSize, bsonOf, keepWireBson, withId, type Collection, type StoredDoc } from "../storage/collection.js";
import { indexValues } from "../storage/index-store.js";
import { fromWire, isPlainObject, wireBytes, type Doc, type Hints } from "../storage/values.js";
import {
  collOf,
  dbOf,
  optBool,
  optDoc,
  optNumber,
  outDoc,
  plain,
  toLong,
  type CommandContext,
  type CommandHandler,
} from "./context.js";
import type { Collation } from "../storage/mingo-context.js";
import { checkCollatedFilter, checkCollatedPipeline, parseCollation, parseLet } from "./collation.js";
import { CommandError, ErrorCode, asCommandError } from "./errors.js";
import { notSupported } from "./options.js";
import { isOperatorUpdate, projectDocs, runQuery } from "./query-exec.js";
import { applyUpdate, changed, checkIdForStorage, upsertSeed } from "./update-apply.js";
import { validateDoc } from "./validation.js";

/**
 * A hint only picks a plan, and every plan here returns the same documents, so a hint naming an
 * existing index is honoured by accepting it. A sparse or partial index would return fewer documents
 * than a scan: that is refused rather than quietly answered differently.
 */
export function checkHint(coll: Collection | undefined, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  const hint = plain(raw);
  if (typeof hint === "string" && hint === "$natural") return;
  if (isPlainObject(hint) && Object.keys(hint).length === 1 && "$natural" in hint) return;
  if (typeof hint !== "string" && !isPlainObject(hint)) throw new CommandError(ErrorCode.FailedToParse, "hint must be a string or an object");
  if (!coll) return;
  const ix = [...coll.indexes.values()].find((i) => (typeof hint === "string" ? i.name === hint : JSON.stringify(i.spec.key) === JSON.stringify(hint)));
  if (!ix) throw new CommandError(ErrorCode.BadValue, "error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index");
  if (ix.spec.sparse || ix.spec.partialFilterExpression) throw notSupported(`a hint of the sparse or partial index '${ix.name}'`);
}

function checkCollatedProjection(projection: Doc | undefined, collation: Collation | null): void {
  if (collation && projection && JSON.stringify(projection).includes("$elemMatch")) throw notSupported("$elemMatch projection with a non-simple collation");
}

// Update operators that compare strings (or match array elements) without the collation.
const UNCOLLATED_MODIFIERS = ["$pull", "$pullAll", "$addToSet", "$min", "$max"];

function checkCollatedUpdate(u: unknown, arrayFilters: Doc[] | undefined, collation: Collation | null): void {
  if (!collation) return;
  if (Array.isArray(u)) return checkCollatedPipeline(plain<Doc[]>(u), collation);
  if (!isOperatorUpdate(u)) return;
  for (const op of UNCOLLATED_MODIFIERS) if (u[op] !== undefined) throw notSupported(`${op} with a non-simple collation`);
  if (arrayFilters) throw notSupported("arrayFilters with a non-simple collation");
  for (const fields of Object.values(u)) {
    if (isPlainObject(fields) && Object.keys(fields).some((k) => k === "$" || k.includes(".$"))) throw notSupported("the positional $ operator with a non-simple collation");
  }
}

function arrayField(cmd: Doc, field: string): unknown[] {
  const v = cmd[field];
  if (!Array.isArray(v)) throw new CommandError(ErrorCode.FailedToParse, `'${field}' must be an array`);
  return v;
}

/** Wire documents → stored form, remembering which numbers need their exact BSON type back. */
function storedFromWire(raw: unknown): StoredDoc {
  if (!isPlainObject(raw)) throw new CommandError(ErrorCode.TypeMismatch, "document must be an object");
  const hints: Hints = {};
  const converted = fromWire(raw, hints) as Doc;
  const view = withId(converted);
  checkIdForStorage(view["_id"]);
  const doc: StoredDoc = { view, hints: Object.keys(hints).length ? hints : null };
  // With its _id already first (withId left it alone), a document that came in a sequence (insertMany,
  // bulk writes) is stored as it arrived; one embedded in the command (insertOne) is encoded again.
  const bytes = wireBytes.get(raw);
  if (bytes !== undefined && view === converted) keepWireBson(doc, bytes);
  return doc;
}

function writeCollection(ctx: CommandContext, db: string, name: string): Collection {
  const existing = ctx.catalog.get(db, name);
  if (existing) return existing;
  ctx.ops.push({ op: "create", db, coll: name, options: {} });
  return ctx.catalog.ensure(db, name);
}

const insert: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "insert");
  const docs = arrayField(cmd, "documents");
  const ordered = optBool(cmd, "ordered", true);
  const coll = writeCollection(ctx, db, name);
  const bypass = optBool(cmd, "bypassDocumentValidation", false);
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      const doc = storedFromWire(docs[i]);
      assertDocSize(doc);
      validateDoc(coll, doc, null, bypass);
      coll.insert(doc);
      ctx.ops.push({ op: "put", db, coll: name, doc });
      n++;
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

/** find, also used by explain. */
export function execFind(cmd: Doc, ctx: CommandContext) {
  const db = dbOf(cmd);
  const name = collOf(cmd, "find");
  const filter = optDoc(cmd, "filter") ?? {};
  let limit = optNumber(cmd, "limit");
  let singleBatch = optBool(cmd, "singleBatch", false);
  if (limit !== undefined && limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const collation = parseCollation(cmd["collation"]);
  const variables = parseLet(cmd["let"]);
  checkCollatedFilter(filter, collation);
  checkCollatedProjection(optDoc(cmd, "projection"), collation);
  checkHint(ctx.catalog.get(db, name), cmd["hint"]);
  const result = runQuery(
    ctx.catalog.get(db, name),
    filter,
    { sort: optDoc(cmd, "sort"), skip: optNumber(cmd, "skip"), limit: limit || undefined, collation, variables },
    ctx.stats,
  );
  const projection = optDoc(cmd, "projection");
  // Without a projection the reply carries the stored documents' cached BSON, not a new encoding.
  if (!projection || Object.keys(projection).length === 0) {
    return { db, name, out: result.docs.map((d) => new RawDoc(bsonOf(d))), plan: result.plan, singleBatch };
  }
  const projected = projectDocs(
    result.docs.map((d) => d.view),
    filter,
    projection,
    { collation, variables },
  );
  const out: Array<Doc | RawDoc> = projected.map((v, i) => outDoc({ view: v, hints: result.docs[i]!.hints }));
  return { db, name, out, plan: result.plan, singleBatch };
}

const find: CommandHandler = (cmd, ctx) => {
  const { db, name, out, singleBatch } = execFind(cmd, ctx);
  // noCursorTimeout: the cursor is exempt from the 10-minute idle expiry, as in MongoDB.
  return ctx.cursors.first(`${db}.${name}`, out, optNumber(cmd, "batchSize"), singleBatch, optBool(cmd, "noCursorTimeout", false));
};

const getMore: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "collection");
  return ctx.cursors.getMore(toLong(cmd["getMore"]), `${db}.${name}`, optNumber(cmd, "batchSize"));
};

const killCursors: CommandHandler = (cmd, ctx) => ctx.cursors.kill(arrayField(cmd, "cursors").map(toLong));

interface UpdateStatement {
  q: Doc;
  u: unknown;
  upsert: boolean;
  multi: boolean;
  arrayFilters?: Doc[];
  collation: Collation | null;
  hint: unknown;
  variables?: Doc;
}

function parseUpdateStatement(raw: unknown): UpdateStatement {
  if (!isPlainObject(raw)) throw new CommandError(ErrorCode.FailedToParse, "update statement must be an object");
  const q = plain<Doc>(raw["q"] ?? {});
  if (raw["u"] === undefined) throw new CommandError(ErrorCode.FailedToParse, "update statement requires 'u'");
  const multi = Boolean(plain(raw["multi"]));
  if (multi && isPlainObject(raw["u"]) && !Object.keys(raw["u"]).some((k) => k.startsWith("$"))) {
    throw new CommandError(ErrorCode.FailedToParse, "multi update is not supported for replacement-style update");
  }
  return {
    q,
    u: raw["u"],
    upsert: Boolean(plain(raw["upsert"])),
    multi,
    arrayFilters: raw["arrayFilters"] ? plain<Doc[]>(raw["arrayFilters"]) : undefined,
    collation: parseCollation(raw["collation"]),
    hint: raw["hint"],
  };
}

/** Inserts an upserted document built from the filter's equality fields and the update. */
interface WriteSpec {
  q: Doc;
  u: unknown;
  arrayFilters?: Doc[];
  variables?: Doc;
  collation?: Collation | null;
  /** bypassDocumentValidation */
  bypass?: boolean;
}

function upsertInsert(ctx: CommandContext, coll: Collection, st: WriteSpec): StoredDoc {
  const doc = applyUpdate({ view: upsertSeed(st.q), hints: null }, st.u, st.q, st.arrayFilters, true, { variables: st.variables, collation: st.collation });
  assertDocSize(doc);
  validateDoc(coll, doc, null, st.bypass ?? false);
  coll.insert(doc);
  ctx.ops.push({ op: "put", db: coll.db, coll: coll.name, doc });
  return doc;
}

/** Applies an update to a stored document; returns the new one, or null when nothing changed. */
function updateExisting(ctx: CommandContext, coll: Collection, old: StoredDoc, st: WriteSpec): StoredDoc | null {
  const next = applyUpdate(old, st.u, st.q, st.arrayFilters, false, { variables: st.variables, collation: st.collation });
  if (!changed(old, next)) return null;
  assertDocSize(next);
  validateDoc(coll, next, old, st.bypass ?? false);
  coll.replace(next);
  ctx.ops.push({ op: "put", db: coll.db, coll: coll.name, doc: next });
  return next;
}

const update: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "update");
  const statements = arrayField(cmd, "updates");
  const ordered = optBool(cmd, "ordered", true);
  const variables = parseLet(cmd["let"]);
  const bypass = optBool(cmd, "bypassDocumentValidation", false);
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < statements.length; i++) {
    try {
      const st = { ...parseUpdateStatement(statements[i]), variables, bypass };
      const existing = ctx.catalog.get(db, name);
      checkCollatedFilter(st.q, st.collation);
      checkCollatedUpdate(st.u, st.arrayFilters, st.collation);
      checkHint(existing, st.hint);
      const { docs } = runQuery(existing, st.q, { limit: st.multi ? undefined : 1, collation: st.collation, variables }, ctx.stats);
      if (docs.length === 0) {
        if (st.upsert) {
          const doc = upsertInsert(ctx, writeCollection(ctx, db, name), st);
          upserted.push({ index: i, _id: outDoc(doc)["_id"] });
          n++;
        }
        continue;
      }
      for (const old of docs) {
        if (updateExisting(ctx, existing!, old, st)) nModified++;
        n++;
      }
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length) reply["upserted"] = upserted;
  if (writeErrors.length) reply["writeErrors"] = writeErrors;
  reply["ok"] = 1;
  return reply;
};

const del: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "delete");
  const statements = arrayField(cmd, "deletes");
  const ordered = optBool(cmd, "ordered", true);
  const variables = parseLet(cmd["let"]);
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < statements.length; i++) {
    try {
      const raw = statements[i];
      if (!isPlainObject(raw)) throw new CommandError(ErrorCode.FailedToParse, "delete statement must be an object");
      const q = plain<Doc>(raw["q"] ?? {});
      const limit = plain<number>(raw["limit"] ?? 0);
      const coll = ctx.catalog.get(db, name);
      const collation = parseCollation(raw["collation"]);
      checkCollatedFilter(q, collation);
      checkHint(coll, raw["hint"]);
      const { docs } = runQuery(coll, q, { limit: limit === 1 ? 1 : undefined, collation, variables }, ctx.stats);
      for (const d of docs) {
        coll!.delete(d.view["_id"]);
        ctx.ops.push({ op: "delete", db, coll: name, id: d.view["_id"] });
        n++;
      }
    } catch (err) {
      writeErrors.push(asCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

const findAndModify: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, cmd["findAndModify"] !== undefined ? "findAndModify" : "findandmodify");
  const q = optDoc(cmd, "query") ?? {};
  const sort = optDoc(cmd, "sort");
  const remove = optBool(cmd, "remove", false);
  const returnNew = optBool(cmd, "new", false);
  const upsert = optBool(cmd, "upsert", false);
  const fields = optDoc(cmd, "fields");
  const rawUpdate = cmd["update"];
  const arrayFilters = cmd["arrayFilters"] ? plain<Doc[]>(cmd["arrayFilters"]) : undefined;
  if (remove && rawUpdate !== undefined) throw new CommandError(ErrorCode.FailedToParse, "Cannot specify both an update and remove=true");
  if (!remove && rawUpdate === undefined) throw new CommandError(ErrorCode.FailedToParse, "Either an update or remove=true must be specified");
  if (remove && upsert) throw new CommandError(ErrorCode.FailedToParse, "Cannot specify both upsert=true and remove=true");
  const collation = parseCollation(cmd["collation"]);
  const variables = parseLet(cmd["let"]);
  checkCollatedFilter(q, collation);
  checkCollatedProjection(fields, collation);
  if (!remove) checkCollatedUpdate(rawUpdate, arrayFilters, collation);

  const coll = ctx.catalog.get(db, name);
  checkHint(coll, cmd["hint"]);
  const [old] = runQuery(coll, q, { sort, limit: 1, collation, variables }, ctx.stats).docs;
  const project = (d: StoredDoc | null): Doc | null => {
    if (!d) return null;
    const [view] = projectDocs([d.view], q, fields, { collation, variables });
    return outDoc({ view: view!, hints: d.hints });
  };
  if (remove) {
    if (old) {
      coll!.delete(old.view["_id"]);
      ctx.ops.push({ op: "delete", db, coll: name, id: old.view["_id"] });
    }
    return { lastErrorObject: { n: old ? 1 : 0 }, value: project(old ?? null), ok: 1 };
  }
  if (!old) {
    if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = upsertInsert(ctx, writeCollection(ctx, db, name), { q, u: rawUpdate, arrayFilters, variables, collation, bypass: optBool(cmd, "bypassDocumentValidation", false) });
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: outDoc(doc)["_id"] },
      value: returnNew ? project(doc) : null,
      ok: 1,
    };
  }
  const next = updateExisting(ctx, coll!, old, { q, u: rawUpdate, arrayFilters, variables, collation, bypass: optBool(cmd, "bypassDocumentValidation", false) }) ?? old;
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? next : old), ok: 1 };
};

/** count, also used by explain. */
export function execCount(cmd: Doc, ctx: CommandContext) {
  const db = dbOf(cmd);
  const name = collOf(cmd, "count");
  const skip = optNumber(cmd, "skip") ?? 0;
  const limit = Math.abs(optNumber(cmd, "limit") ?? 0);
  const query = optDoc(cmd, "query") ?? {};
  const collation = parseCollation(cmd["collation"]);
  checkCollatedFilter(query, collation);
  checkHint(ctx.catalog.get(db, name), cmd["hint"]);
  const result = runQuery(ctx.catalog.get(db, name), query, { collation }, ctx.stats);
  let n = Math.max(0, result.docs.length - skip);
  if (limit) n = Math.min(n, limit);
  return { n, plan: result.plan };
}

const count: CommandHandler = (cmd, ctx) => ({ n: execCount(cmd, ctx).n, ok: 1 });

/** distinct, also used by explain. */
export function execDistinct(cmd: Doc, ctx: CommandContext) {
  const db = dbOf(cmd);
  const name = collOf(cmd, "distinct");
  const key = cmd["key"];
  if (typeof key !== "string") throw new CommandError(ErrorCode.TypeMismatch, "'key' must be a string");
  const query = optDoc(cmd, "query") ?? {};
  const collation = parseCollation(cmd["collation"]);
  checkCollatedFilter(query, collation);
  const result = runQuery(ctx.catalog.get(db, name), query, { collation }, ctx.stats);
  const seen = new Set<string>();
  const values: unknown[] = [];
  // Under a collation, strings it deems equal are one value (the first one met is returned).
  const strings: string[] = [];
  for (const d of result.docs) {
    const wire = outDoc(d);
    for (const v of indexValues(wire, key).values) {
      if (v === undefined) continue;
      if (collation && typeof v === "string") {
        if (strings.some((s) => collation.compare(s, v) === 0)) continue;
        strings.push(v);
        values.push(v);
        continue;
      }
      const k = canonicalKey(fromWire(v));
      if (seen.has(k)) continue;
      seen.add(k);
      values.push(v);
    }
  }
  return { values, plan: result.plan };
}

const distinct: CommandHandler = (cmd, ctx) => ({ values: execDistinct(cmd, ctx).values, ok: 1 });

export const crudCommands: Record<string, CommandHandler> = {
  insert,
  find,
  getMore,
  killCursors,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
  count,
  distinct,
};

