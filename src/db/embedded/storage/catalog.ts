import { Collection, type StoredDoc } from "./collection.js";
import type { IndexSpec } from "./index-store.js";
import { fromWire, toWire, type Doc, type Hints } from "./values.js";

/**
 * The effect of a command, as journaled. Every op is idempotent (put = upsert by _id) so replaying a
 * journal over a snapshot that already contains some of its effects converges to the same state.
 */
export type Op =
  | { op: "create"; db: string; coll: string; options: Doc }
  | { op: "drop"; db: string; coll: string }
  | { op: "dropDatabase"; db: string }
  | { op: "createIndex"; db: string; coll: string; spec: IndexSpec }
  | { op: "dropIndex"; db: string; coll: string; name: string }
  | { op: "put"; db: string; coll: string; doc: StoredDoc }
  | { op: "delete"; db: string; coll: string; id: unknown }
  | { op: "rename"; db: string; coll: string; toDb: string; toColl: string }
  /** collMod: options (validator, validationLevel, validationAction) replaced on an existing collection. */
  | { op: "collMod"; db: string; coll: string; options: Doc };

/** All databases and collections held by the engine. */
export class Catalog {
  readonly dbs = new Map<string, Map<string, Collection>>();

  get(db: string, coll: string): Collection | undefined {
    return this.dbs.get(db)?.get(coll);
  }

  list(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  /** Applies one effect; used for live writes (after validation) and for replay alike. */
  apply(op: Op): void {
    switch (op.op) {
      case "create":
        this.ensure(op.db, op.coll, op.options);
        return;
      case "drop":
        this.dbs.get(op.db)?.delete(op.coll);
        return;
      case "dropDatabase":
        this.dbs.delete(op.db);
        return;
      case "createIndex": {
        const c = this.ensure(op.db, op.coll);
        if (!c.indexes.has(op.spec.name)) c.createIndex(op.spec);
        return;
      }
      case "dropIndex":
        this.get(op.db, op.coll)?.dropIndex(op.name);
        return;
      case "put":
        this.ensure(op.db, op.coll).put(op.doc);
        return;
      case "delete":
        this.get(op.db, op.coll)?.delete(op.id);
        return;
      case "rename":
        this.rename(op.db, op.coll, op.toDb, op.toColl);
        return;
      case "collMod": {
        const c = this.get(op.db, op.coll);
        if (c) Object.assign(c.options, op.options);
        return;
      }
      default: {
        const never: never = op;
        throw new Error(`unknown op ${JSON.stringify(never)}`);
      }
    }
  }

  /** Moves a collection (documents and indexes), replacing any target. A no-op when the source is gone (replay). */
  private rename(db: string, coll: string, toDb: string, toColl: string): void {
    const src = this.get(db, coll);
    if (!src) return;
    this.dbs.get(db)!.delete(coll);
    this.dbs.get(toDb)?.delete(toColl);
    const dst = this.ensure(toDb, toColl, src.options);
    for (const ix of src.indexes.values()) if (ix.name !== "_id_") dst.createIndex(ix.spec);
    for (const doc of src.docs.values()) dst.put(doc);
  }

  /** Returns the collection, creating it (implicitly, as MongoDB does on first write) if needed. */
  ensure(db: string, coll: string, options: Doc = {}): Collection {
    let d = this.dbs.get(db);
    if (!d) {
      d = new Map();
      this.dbs.set(db, d);
    }
    let c = d.get(coll);
    if (!c) {
      c = new Collection(db, coll, options);
      d.set(coll, c);
    }
    return c;
  }
}

/** Serializable form of an op (documents in their exact wire types). */
export function opToWire(op: Op): Doc {
  if (op.op === "put") return { ...op, doc: toWire(op.doc.view, op.doc.hints) };
  return op as unknown as Doc;
}

/** Inverse of opToWire for a record read back with promoteValues:false. */
export function opFromWire(raw: Doc): Op {
  const plain = (v: unknown): unknown => fromWire(v);
  const op = String(raw["op"]);
  if (op === "put") {
    const hints: Hints = {};
    const view = fromWire(raw["doc"], hints) as Doc;
    return { op: "put", db: String(raw["db"]), coll: String(raw["coll"]), doc: { view, hints: Object.keys(hints).length ? hints : null } };
  }
  if (op === "delete") return { op: "delete", db: String(raw["db"]), coll: String(raw["coll"]), id: plain(raw["id"]) };
  return plain(raw) as Op;
}
