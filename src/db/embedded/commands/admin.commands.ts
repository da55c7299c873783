import { BSON } from "bson";
import type { Collection } from "../storage/collection.js";
import type { IndexSpec } from "../storage/index-store.js";
import { isPlainObject, toWire, type Doc } from "../storage/values.js";
import { collOf, dbOf, optBool, optDoc, plain, type CommandContext, type CommandHandler } from "./context.js";
import { compileQuery } from "../storage/mingo-context.js";
import { parseCollation } from "./collation.js";
import { CommandError, ErrorCode } from "./errors.js";
import { notSupported } from "./options.js";
import { parseValidation } from "./validation.js";

export const MAX_WIRE_VERSION = 17;

/** The hello/isMaster reply: a standalone server (no setName), so drivers use neither transactions nor retryable writes. */
function helloReply(cmd: Doc, ctx: CommandContext, legacyName: boolean): Doc {
  const reply: Doc = {
    isWritablePrimary: true,
    ismaster: true,
    helloOk: true,
    maxBsonObjectSize: 16777216,
    maxMessageSizeBytes: 48000000,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  // Legacy isMaster callers expect only the old field name.
  if (legacyName && !cmd["helloOk"]) delete reply["isWritablePrimary"];
  return reply;
}

const buildInfo: CommandHandler = () => ({
  version: "6.0.0",
  gitVersion: "embedded",
  versionArray: [6, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16777216,
  storageEngines: ["embedded"],
  modules: [],
  ok: 1,
});

const getParameter: CommandHandler = (cmd) => {
  const reply: Doc = {};
  const all = cmd["getParameter"] === "*" || (isPlainObject(cmd["getParameter"]) && Boolean(plain(cmd["getParameter"])));
  if (all || cmd["featureCompatibilityVersion"] !== undefined) reply["featureCompatibilityVersion"] = { version: "6.0" };
  if (all || cmd["authenticationMechanisms"] !== undefined) reply["authenticationMechanisms"] = [];
  reply["ok"] = 1;
  return reply;
};

function collectionInfo(name: string, options: Doc): Doc {
  return { name, type: "collection", options, info: { readOnly: false }, idIndex: { v: 2, key: { _id: 1 }, name: "_id_" } };
}

const create: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "create");
  if (ctx.catalog.get(db, name)) throw new CommandError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
  // Every other option (viewOn, validator, capped, timeseries, ...) is refused by checkCommandOptions.
  if (parseCollation(cmd["collation"])) throw notSupported("a collection default collation");
  const options: Doc = parseValidation(cmd, true);
  ctx.ops.push({ op: "create", db, coll: name, options });
  ctx.catalog.ensure(db, name, options);
  return { ok: 1 };
};

const collMod: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "collMod");
  if (!ctx.catalog.get(db, name)) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${db}.${name}`);
  const options = parseValidation(cmd, false);
  const op = { op: "collMod", db, coll: name, options } as const;
  ctx.ops.push(op);
  ctx.catalog.apply(op);
  return { ok: 1 };
};

const drop: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "drop");
  const coll = ctx.catalog.get(db, name);
  // MongoDB 7+ answers ok for a missing collection; the driver tolerates both.
  if (!coll) return { ok: 1 };
  ctx.ops.push({ op: "drop", db, coll: name });
  ctx.catalog.apply({ op: "drop", db, coll: name });
  return { nIndexesWas: coll.indexes.size, ns: coll.ns, ok: 1 };
};

const dropDatabase: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  if (ctx.catalog.dbs.has(db)) {
    ctx.ops.push({ op: "dropDatabase", db });
    ctx.catalog.apply({ op: "dropDatabase", db });
  }
  return { dropped: db, ok: 1 };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const filter = optDoc(cmd, "filter") ?? {};
  const nameOnly = optBool(cmd, "nameOnly", false);
  const q = compileQuery(filter);
  const infos = ctx.catalog
    .list(db)
    .map((c) => collectionInfo(c.name, c.options))
    .filter((i) => q.test(i))
    .map((i) => (nameOnly ? { name: i["name"], type: i["type"] } : i));
  const batchSize = isPlainObject(cmd["cursor"]) ? plain<number | undefined>(cmd["cursor"]["batchSize"]) : undefined;
  return ctx.cursors.first(`${db}.$cmd.listCollections`, infos, batchSize, false);
};

const listDatabases: CommandHandler = (cmd, ctx) => {
  const nameOnly = optBool(cmd, "nameOnly", false);
  const filter = optDoc(cmd, "filter") ?? {};
  const q = compileQuery(filter);
  const databases = [...ctx.catalog.dbs.keys()]
    .map((name) => (nameOnly ? { name } : { name, sizeOnDisk: 0, empty: ctx.catalog.list(name).every((c) => c.docs.size === 0) }))
    .filter((d) => q.test(d));
  return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
};

function indexNameOf(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join("_");
}

// Index options the engine implements; background is moot (builds are synchronous) but listed back,
// collation only "simple".
const INDEX_OPTIONS = new Set(["key", "name", "v", "unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "background", "collation", "hidden"]);

// Options that make two same-named definitions different indexes.
const COMPARED_OPTIONS = ["unique", "sparse", "partialFilterExpression", "expireAfterSeconds"];

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return COMPARED_OPTIONS.every((o) => JSON.stringify(a[o] ?? null) === JSON.stringify(b[o] ?? null) || (o !== "expireAfterSeconds" && !a[o] && !b[o]));
}

const createIndexes: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "createIndexes");
  const raw = cmd["indexes"];
  if (!Array.isArray(raw) || raw.length === 0) throw new CommandError(ErrorCode.BadValue, "Must specify at least one index to create");
  const existed = ctx.catalog.get(db, name);
  const before = existed?.indexes.size ?? 1;
  const specs: IndexSpec[] = raw.map((r) => {
    if (!isPlainObject(r) || !isPlainObject(r["key"])) throw new CommandError(ErrorCode.BadValue, "index specification must have a 'key' object");
    const p = plain<Doc>(r);
    const key = p["key"] as Doc;
    if (Object.keys(key).length === 0) throw new CommandError(ErrorCode.CannotCreateIndex, "Index keys cannot be empty.");
    for (const v of Object.values(key)) {
      if (typeof v !== "number" && typeof v !== "string") throw new CommandError(ErrorCode.CannotCreateIndex, `bad index key pattern ${JSON.stringify(key)}`);
    }
    for (const [field, v] of Object.entries(key)) {
      if (typeof v === "string") throw notSupported(`index type ${JSON.stringify(v)} (field '${field}')`);
    }
    for (const opt of Object.keys(p)) {
      if (!INDEX_OPTIONS.has(opt)) throw notSupported(`index option '${opt}'`);
    }
    if (parseCollation(r["collation"])) throw notSupported("an index collation");
    if (p["hidden"] === true) throw notSupported("index option 'hidden'");
    // listIndexes shows v, key, name first, like MongoDB.
    // A simple collation and hidden: false are the defaults, not kept (as MongoDB); background is kept.
    const { v: _v, key: _k, name: _n, collation: _c, hidden: _h, ...options } = p;
    const spec: IndexSpec = { v: 2, key, name: typeof p["name"] === "string" ? p["name"] : indexNameOf(key), ...options };
    return spec;
  });
  const coll = existed ?? ctx.catalog.ensure(db, name);
  if (!existed) ctx.ops.push({ op: "create", db, coll: name, options: {} });
  let created = 0;
  for (const spec of specs) {
    const same = coll.indexes.get(spec.name);
    if (same) {
      if (JSON.stringify(same.spec.key) !== JSON.stringify(spec.key)) {
        throw new CommandError(ErrorCode.IndexKeySpecsConflict, `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`);
      }
      if (!sameOptions(same.spec, spec)) {
        throw new CommandError(ErrorCode.IndexOptionsConflict, `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(same.spec)}`);
      }
      continue;
    }
    for (const ix of coll.indexes.values()) {
      if (JSON.stringify(ix.spec.key) === JSON.stringify(spec.key) && sameOptions(ix.spec, spec) && !spec.partialFilterExpression) {
        throw new CommandError(ErrorCode.IndexOptionsConflict, `Index already exists with a different name: ${ix.name}`);
      }
    }
    coll.createIndex(spec);
    ctx.ops.push({ op: "createIndex", db, coll: name, spec });
    created++;
  }
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: before + created, createdCollectionAutomatically: !existed, ok: 1 };
  if (created === 0) reply["note"] = "all indexes already exist";
  return reply;
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "listIndexes");
  const coll = ctx.catalog.get(db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${db}.${name}`);
  const specs = [...coll.indexes.values()].map((ix) => ({ ...ix.spec }));
  const batchSize = isPlainObject(cmd["cursor"]) ? plain<number | undefined>(cmd["cursor"]["batchSize"]) : undefined;
  return ctx.cursors.first(`${db}.$cmd.listIndexes.${name}`, specs, batchSize, false);
};

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "dropIndexes");
  const coll = ctx.catalog.get(db, name);
  if (!coll) throw new CommandError(ErrorCode.NamespaceNotFound, `ns not found ${db}.${name}`);
  const target = plain(cmd["index"]);
  const nIndexesWas = coll.indexes.size;
  let names: string[];
  if (target === "*") names = [...coll.indexes.keys()].filter((n) => n !== "_id_");
  else if (typeof target === "string") names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (isPlainObject(target)) {
    const found = [...coll.indexes.values()].find((ix) => JSON.stringify(ix.spec.key) === JSON.stringify(target));
    if (!found) throw new CommandError(ErrorCode.IndexNotFound, `can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  } else throw new CommandError(ErrorCode.BadValue, "'index' must be a name, a key pattern, '*' or an array of names");
  for (const n of names) {
    if (n === "_id_") throw new CommandError(ErrorCode.InvalidOptions, "cannot drop _id index");
    if (!coll.indexes.has(n)) throw new CommandError(ErrorCode.IndexNotFound, `index not found with name [${n}]`);
  }
  for (const n of names) {
    coll.dropIndex(n);
    ctx.ops.push({ op: "dropIndex", db, coll: name, name: n });
  }
  return { nIndexesWas, ok: 1 };
};

function splitNs(ns: unknown): [string, string] {
  const i = typeof ns === "string" ? ns.indexOf(".") : -1;
  if (i <= 0 || i === (ns as string).length - 1) throw new CommandError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${String(ns)}'`);
  return [(ns as string).slice(0, i), (ns as string).slice(i + 1)];
}

const renameCollection: CommandHandler = (cmd, ctx) => {
  const [db, coll] = splitNs(cmd["renameCollection"]);
  const [toDb, toColl] = splitNs(cmd["to"]);
  if (!ctx.catalog.get(db, coll)) throw new CommandError(ErrorCode.NamespaceNotFound, "source namespace does not exist");
  if (ctx.catalog.get(toDb, toColl) && !optBool(cmd, "dropTarget", false)) {
    throw new CommandError(ErrorCode.NamespaceExists, "target namespace exists");
  }
  if (db === toDb && coll === toColl) throw new CommandError(ErrorCode.IllegalOperation, "Can't rename a collection to itself");
  const op = { op: "rename", db, coll, toDb, toColl } as const;
  ctx.ops.push(op);
  ctx.catalog.apply(op);
  return { ok: 1 };
};

function sizeOf(c: Collection): number {
  let size = 0;
  for (const d of c.docs.values()) size += BSON.calculateObjectSize(toWire(d.view, d.hints));
  return size;
}

const collStats: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const name = collOf(cmd, "collStats");
  const c = ctx.catalog.get(db, name);
  if (!c) throw new CommandError(ErrorCode.NamespaceNotFound, `Collection [${db}.${name}] not found.`);
  const size = sizeOf(c);
  const count = c.docs.size;
  const indexSizes: Doc = {};
  for (const ix of c.indexes.values()) indexSizes[ix.name] = ix.size * 16;
  return { ns: c.ns, size, count, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size, nindexes: c.indexes.size, indexSizes, ok: 1 };
};

const dbStats: CommandHandler = (cmd, ctx) => {
  const db = dbOf(cmd);
  const colls = ctx.catalog.list(db);
  const dataSize = colls.reduce((n, c) => n + sizeOf(c), 0);
  const objects = colls.reduce((n, c) => n + c.docs.size, 0);
  return {
    db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes: colls.reduce((n, c) => n + c.indexes.size, 0),
    ok: 1,
  };
};

const ok: CommandHandler = () => ({ ok: 1 });

/** MongoDB commands the engine does not implement: refused as such, not as unknown commands. */
const UNIMPLEMENTED = [
  "mapReduce",
  "validate",
  "reIndex",
  "compact",
  "convertToCapped",
  "cloneCollectionAsCapped",
  "createView",
  "bulkWrite",
  "geoSearch",
  "dataSize",
  "filemd5",
  "serverStatus",
  "currentOp",
  "killOp",
  "fsync",
  "fsyncUnlock",
  "profile",
  "setParameter",
  "getLog",
  "hostInfo",
  "top",
  "shutdown",
  "createUser",
  "updateUser",
  "dropUser",
  "usersInfo",
  "createRole",
  "rolesInfo",
  "saslStart",
  "saslContinue",
  "authenticate",
  "startSession",
  "refreshSessions",
  "replSetGetStatus",
  "setFeatureCompatibilityVersion",
];
const unimplemented: Record<string, CommandHandler> = Object.fromEntries(
  UNIMPLEMENTED.map((name): [string, CommandHandler] => [
    name,
    () => {
      throw new CommandError(ErrorCode.CommandNotSupported, `command ${name} is not supported by the embedded engine`);
    },
  ]),
);

export const adminCommands: Record<string, CommandHandler> = {
  ...unimplemented,
  hello: (cmd, ctx) => helloReply(cmd, ctx, false),
  isMaster: (cmd, ctx) => helloReply(cmd, ctx, true),
  ismaster: (cmd, ctx) => helloReply(cmd, ctx, true),
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  endSessions: ok,
  killSessions: ok,
  create,
  collMod,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  renameCollection,
  collStats,
  dbStats,
  whatsmyuri: (_cmd, ctx) => ({ you: `127.0.0.1:${ctx.connectionId}`, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
};

