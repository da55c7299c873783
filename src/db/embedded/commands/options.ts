import { fromWire, isPlainObject, type Doc } from "../storage/values.js";
import { CommandError, ErrorCode } from "./errors.js";

/**
 * The rule: never silently different. Every field a command may carry is listed here as handled,
 * accepted on purpose (with the reason), or refused; a field that is none of these is refused too, so an
 * option the engine does not implement is never ignored quietly.
 */

export const NOT_SUPPORTED = "not supported by the embedded engine";

function notSupported(what: string): CommandError {
  return new CommandError(ErrorCode.NotImplemented, `${what} is ${NOT_SUPPORTED}`);
}

// Fields the driver (and mongoose through it) puts on commands of every kind.
const ENVELOPE = new Set([
  "$db",
  // Sessions: the engine has no transactions (refused in runCommand); an implicit session changes nothing.
  "lsid",
  // Only sent back when a server gossips cluster time, which this standalone does not; harmless if present.
  "$clusterTime",
  // Read preference: a standalone answers every read mode from its only copy, as MongoDB does.
  "$readPreference",
  // Stable API: the engine answers the v1 commands it implements and refuses the rest anyway.
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
  // Comments only show up in logs and profiler output.
  "comment",
  // Commands run synchronously to completion, far under any sane limit; a limit can never cut one short.
  "maxTimeMS",
  // Checked below: w 0/1/majority and j are what a standalone honours (replies already wait for fsync).
  "writeConcern",
  // Checked below: local/available/majority read the only copy there is.
  "readConcern",
]);

/** Per command: fields it implements (besides the envelope) and fields refused unless falsy. */
interface CommandOptions {
  handled: string[];
  /** Refused when present with a truthy value; a false/0 value is the default and changes nothing. */
  refusedIfTrue?: string[];
}

const COMMANDS: Record<string, CommandOptions> = {
  find: {
    // allowDiskUse: no memory limit to spill past. allowPartialResults: only sharded clusters differ.
    handled: ["find", "filter", "sort", "projection", "skip", "limit", "batchSize", "singleBatch", "hint", "collation", "let", "allowDiskUse", "noCursorTimeout", "allowPartialResults"],
    refusedIfTrue: ["tailable", "awaitData", "oplogReplay", "returnKey", "showRecordId", "min", "max"],
  },
  getMore: { handled: ["getMore", "collection", "batchSize"] },
  killCursors: { handled: ["killCursors", "cursors"] },
  aggregate: {
    // bypassDocumentValidation: the engine has no validators (they are refused), so nothing to bypass.
    handled: ["aggregate", "pipeline", "cursor", "explain", "allowDiskUse", "collation", "hint", "let", "bypassDocumentValidation"],
  },
  count: { handled: ["count", "query", "limit", "skip", "hint", "collation"] },
  distinct: { handled: ["distinct", "key", "query", "collation"] },
  insert: { handled: ["insert", "documents", "ordered", "bypassDocumentValidation"] },
  update: { handled: ["update", "updates", "ordered", "bypassDocumentValidation", "let"] },
  delete: { handled: ["delete", "deletes", "ordered", "let"] },
  findAndModify: {
    handled: ["findAndModify", "query", "sort", "remove", "update", "new", "fields", "upsert", "bypassDocumentValidation", "collation", "arrayFilters", "hint", "let"],
  },
  // collation: the simple one is accepted, any other refused by the handler.
  create: { handled: ["create", "collation", "validator", "validationLevel", "validationAction"], refusedIfTrue: ["capped", "autoIndexId"] },
  // Only validation can be changed; index changes, views and the rest are refused.
  collMod: { handled: ["collMod", "validator", "validationLevel", "validationAction"] },
  drop: { handled: ["drop"] },
  dropDatabase: { handled: ["dropDatabase"] },
  listCollections: { handled: ["listCollections", "filter", "nameOnly", "authorizedCollections", "cursor"] },
  listDatabases: { handled: ["listDatabases", "filter", "nameOnly", "authorizedDatabases"] },
  // background: builds are synchronous anyway. commitQuorum: a standalone has one voter.
  createIndexes: { handled: ["createIndexes", "indexes", "commitQuorum"] },
  listIndexes: { handled: ["listIndexes", "cursor"] },
  dropIndexes: { handled: ["dropIndexes", "index"] },
  explain: { handled: ["explain", "verbosity"] },
};
COMMANDS["findandmodify"] = { ...COMMANDS["findAndModify"]!, handled: [...COMMANDS["findAndModify"]!.handled, "findandmodify"] };

const UPDATE_STATEMENT = new Set(["q", "u", "upsert", "multi", "arrayFilters", "collation", "hint", "upsertSupplied"]);
const DELETE_STATEMENT = new Set(["q", "limit", "collation", "hint"]);

function truthy(v: unknown): boolean {
  const p = fromWire(v);
  return p !== undefined && p !== null && p !== false && p !== 0;
}

function checkWriteConcern(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isPlainObject(v)) throw new CommandError(ErrorCode.TypeMismatch, "'writeConcern' must be an object");
  const wc = fromWire(v) as Doc;
  const w = wc["w"];
  if (w !== undefined && w !== 0 && w !== 1 && w !== "majority") {
    throw notSupported(`writeConcern w: ${JSON.stringify(w)} (a standalone has one member)`);
  }
  for (const k of Object.keys(wc)) {
    // j: every reply already waits for its fsync. wtimeout: one member answers at once. fsync: as j.
    if (!["w", "j", "wtimeout", "fsync", "provenance"].includes(k)) throw notSupported(`writeConcern field '${k}'`);
  }
}

function checkReadConcern(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isPlainObject(v)) throw new CommandError(ErrorCode.TypeMismatch, "'readConcern' must be an object");
  const rc = fromWire(v) as Doc;
  for (const [k, val] of Object.entries(rc)) {
    if (k === "level") {
      if (!["local", "available", "majority"].includes(String(val))) throw notSupported(`readConcern level '${String(val)}'`);
    } else if (k !== "provenance") {
      throw notSupported(`readConcern field '${k}'`);
    }
  }
}

function checkStatements(name: string, cmd: Doc): void {
  const field = name === "update" ? "updates" : "deletes";
  const allowed = name === "update" ? UPDATE_STATEMENT : DELETE_STATEMENT;
  const list = cmd[field];
  if (!Array.isArray(list)) return;
  for (const st of list) {
    if (!isPlainObject(st)) continue;
    for (const k of Object.keys(st)) {
      if (allowed.has(k)) continue;
      // MongoDB 6.0 and 7.0 do not know `sort` in update statements (8.0 applies it): refuse as they do.
      if (k === "sort" && name === "update") {
        throw new CommandError(ErrorCode.UnknownField, "BSON field 'update.updates.sort' is an unknown field.");
      }
      throw notSupported(`BSON field '${name}.${field}.${k}'`);
    }
  }
}

/** Refuses any field the command does not implement. Commands not listed (handshake, admin) are not checked. */
export function checkCommandOptions(name: string, cmd: Doc): void {
  const spec = COMMANDS[name];
  if (!spec) return;
  checkWriteConcern(cmd["writeConcern"]);
  checkReadConcern(cmd["readConcern"]);
  // Retryable writes need a replica set; MongoDB answers a standalone the same way.
  if (cmd["txnNumber"] !== undefined) {
    throw new CommandError(ErrorCode.IllegalOperation, "Transaction numbers are only allowed on a replica set member or mongos");
  }
  for (const [k, v] of Object.entries(cmd)) {
    if (ENVELOPE.has(k) || spec.handled.includes(k)) continue;
    if (spec.refusedIfTrue?.includes(k)) {
      if (truthy(v)) throw notSupported(`option '${k}' of ${name}`);
      continue;
    }
    throw notSupported(`option '${k}' of ${name}`);
  }
  if (name === "update" || name === "delete") checkStatements(name, cmd);
}

export { notSupported };
