import { Types, type MongooseQueryMiddleware, type Query, type Schema } from "mongoose";

/**
 * Which tenants' documents a write may have changed: some tenants, or every tenant when the write
 * does not say (a filter on neither `tenantId` nor `_id`, an upsert without a tenant...).
 */
export type TenantWrite = { kind: "tenants"; tenantIds: readonly string[] } | { kind: "all" };

type TenantWriteListener = (write: TenantWrite) => void;

const listeners = new Set<TenantWriteListener>();

/**
 * Calls `listener` synchronously after every write (or failed write) through a model carrying
 * tenantWritesPlugin, before the write's promise settles; returns the unsubscriber.
 */
export function onTenantWrite(listener: TenantWriteListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(write: TenantWrite | null): void {
  if (write === null || (write.kind === "tenants" && write.tenantIds.length === 0)) return;
  for (const listener of listeners) {
    try {
      listener(write);
    } catch (err) {
      // The write itself succeeded: failing it now would make its caller retry a stored change.
      process.emitWarning(`tenant write listener failed: ${(err as Error).message}`);
    }
  }
}

/** Ids whose tenant is known in this process (tenants never change), so writes by `_id` need no read to name it. */
const tenantById = new Map<string, string>();
const MAX_KNOWN_IDS = 200_000;

/** Records that documents `ids` belong to `tenantId` (ids of any collection: ObjectIds are unique). */
export function rememberTenantOf(ids: Iterable<string>, tenantId: string): void {
  for (const id of ids) {
    if (tenantById.size >= MAX_KNOWN_IDS) {
      // Forget the oldest half at once: cheaper than an LRU on every write, and only costs a read later.
      let drop = MAX_KNOWN_IDS / 2;
      for (const key of tenantById.keys()) {
        tenantById.delete(key);
        if (--drop === 0) break;
      }
    }
    tenantById.set(id, tenantId);
  }
}

/** Forgets every id's tenant (tests: the next write by _id reads it from the collection). */
export function forgetKnownTenants(): void {
  tenantById.clear();
}

function isId(v: unknown): v is string | Types.ObjectId {
  return typeof v === "string" || v instanceof Types.ObjectId;
}

/** The values a filter condition restricts a field to (`x`, `{$eq: x}`, `{$in: [...]}`); null for any other shape. */
function pointValues(cond: unknown): string[] | null {
  if (isId(cond)) return [String(cond)];
  if (cond === null || typeof cond !== "object" || Array.isArray(cond)) return null;
  const ops = Object.keys(cond);
  if (ops.length !== 1) return null;
  const arg = (cond as Record<string, unknown>)[ops[0]!];
  if (ops[0] === "$eq" && isId(arg)) return [String(arg)];
  if (ops[0] === "$in" && Array.isArray(arg) && arg.every(isId)) return arg.map(String);
  return null;
}

/** What the filter restricts `field` to, looking into top-level `$and`s; null when unrestricted. */
function restrictedTo(filter: Record<string, unknown>, field: string): string[] | null {
  if (field in filter) {
    const values = pointValues(filter[field]);
    if (values !== null) return values;
  }
  const and = filter.$and;
  if (Array.isArray(and)) {
    for (const sub of and) {
      if (sub !== null && typeof sub === "object") {
        const values = restrictedTo(sub as Record<string, unknown>, field);
        if (values !== null) return values;
      }
    }
  }
  return null;
}

/** The tenant an upsert would insert under, from its filter or update; null when neither names one. */
function upsertTenant(filter: Record<string, unknown>, update: unknown): string | null {
  const fromFilter = restrictedTo(filter, "tenantId");
  if (fromFilter?.length === 1) return fromFilter[0]!;
  if (update === null || typeof update !== "object" || Array.isArray(update)) return null;
  const u = update as Record<string, Record<string, unknown> | undefined>;
  for (const value of [u.tenantId, u.$set?.tenantId, u.$setOnInsert?.tenantId]) if (isId(value)) return String(value);
  return null;
}

function tenantOfDoc(doc: unknown): string | null {
  if (doc === null || typeof doc !== "object") return null;
  const tenantId = (doc as { tenantId?: unknown }).tenantId;
  return isId(tenantId) ? String(tenantId) : null;
}

/** Which tenants a query's write touches, reading their ids' tenants when this process has not seen them. */
async function tenantsOfQuery(query: Query<unknown, unknown>): Promise<TenantWrite | "fromResult"> {
  const filter = query.getFilter() as Record<string, unknown>;
  const options = query.getOptions() as { upsert?: boolean };
  const tenants = new Set<string>();
  if (options.upsert) {
    const tenant = upsertTenant(filter, query.getUpdate());
    if (tenant === null) return { kind: "all" };
    tenants.add(tenant);
  }
  const byTenant = restrictedTo(filter, "tenantId");
  if (byTenant !== null) return { kind: "tenants", tenantIds: [...tenants, ...byTenant] };
  const ids = restrictedTo(filter, "_id");
  if (ids === null) {
    // A findOneAnd* answers with the one document it changed, which names its tenant.
    return (query as unknown as { op?: string }).op?.startsWith("findOneAnd") && tenants.size === 0 ? "fromResult" : { kind: "all" };
  }
  const unknown: Types.ObjectId[] = [];
  for (const id of ids) {
    const tenant = tenantById.get(id);
    if (tenant !== undefined) tenants.add(tenant);
    else if (Types.ObjectId.isValid(id) && String(new Types.ObjectId(id)) === id.toLowerCase()) unknown.push(new Types.ObjectId(id));
    // Any other id matches no document of these collections (their _id are ObjectIds).
  }
  if (unknown.length > 0) {
    // The driver's collection, not the model: this read must not run the model's hooks.
    const rows = await query.model.collection.find({ _id: { $in: unknown } }, { projection: { tenantId: 1 } }).toArray();
    for (const row of rows) {
      const tenant = tenantOfDoc(row);
      if (tenant === null) return { kind: "all" };
      tenants.add(tenant);
      rememberTenantOf([String(row._id)], tenant);
    }
  }
  return { kind: "tenants", tenantIds: [...tenants] };
}

const WRITE_QUERIES: MongooseQueryMiddleware[] = ["updateOne", "updateMany", "replaceOne", "findOneAndUpdate", "findOneAndReplace", "deleteOne", "deleteMany", "findOneAndDelete"];

/** Where a query keeps, between its pre and post hooks, the tenants its write touches. */
const PLANNED = Symbol("tenantWrite");
type PlannedQuery = Query<unknown, unknown> & { [PLANNED]?: TenantWrite | "fromResult" };

function settledQuery(query: PlannedQuery, result: unknown): TenantWrite {
  const planned = query[PLANNED];
  if (planned === undefined) return { kind: "all" }; // failed before planning: assume the worst
  if (planned !== "fromResult") return planned;
  // With includeResultMetadata the document is under `value`.
  const doc = result !== null && typeof result === "object" && "value" in result && "ok" in result ? (result as { value: unknown }).value : result;
  if (doc === null || doc === undefined) return { kind: "tenants", tenantIds: [] }; // nothing matched, nothing changed
  const tenant = tenantOfDoc(doc);
  return tenant === null ? { kind: "all" } : { kind: "tenants", tenantIds: [tenant] };
}

function tenantsOfDocs(docs: unknown): TenantWrite {
  const list = Array.isArray(docs) ? docs : [docs];
  const tenants = new Set<string>();
  for (const doc of list) {
    const tenant = tenantOfDoc(doc);
    if (tenant === null) return { kind: "all" };
    tenants.add(tenant);
    const id = (doc as { _id?: unknown })._id;
    if (isId(id)) rememberTenantOf([String(id)], tenant);
  }
  return { kind: "tenants", tenantIds: [...tenants] };
}

/**
 * Reports every write to a tenant-owned collection (onTenantWrite), whatever mongoose API made it:
 * queries (update*, replace*, delete*, findOneAnd*), documents (save, create, insertOne,
 * doc.updateOne, doc.deleteOne), insertMany and bulkWrite. It runs after the write, so a read
 * started before it cannot keep what the write changed; and after a failed write too (it may have
 * landed). Only the driver's collection (`Model.collection`) and `{ middleware: false }` get past it.
 */
export function tenantWritesPlugin(schema: Schema): void {
  schema.pre(WRITE_QUERIES, { document: false, query: true }, async function (this: PlannedQuery) {
    this[PLANNED] = await tenantsOfQuery(this);
  });
  schema.post(WRITE_QUERIES, { document: false, query: true }, function (this: PlannedQuery, result: unknown) {
    emit(settledQuery(this, result));
  });
  // Error handlers take no `next`: they observe, and the error goes on to the caller.
  schema.post(WRITE_QUERIES, { document: false, query: true, errorHandler: true }, function (this: PlannedQuery, _err: unknown) {
    const planned = this[PLANNED];
    emit(planned === undefined || planned === "fromResult" ? { kind: "all" } : planned);
  });

  // Documents: save (create, insertOne), and the document forms of updateOne and deleteOne.
  const DOC_WRITES: ("save" | "updateOne" | "deleteOne")[] = ["save", "updateOne", "deleteOne"];
  schema.post(DOC_WRITES, { document: true, query: false }, function (this: unknown) {
    emit(tenantsOfDocs(this));
  });
  schema.post(DOC_WRITES, { document: true, query: false, errorHandler: true }, function (this: unknown, _err: unknown) {
    emit(tenantsOfDocs(this));
  });

  // insertMany's hooks see the documents (given ones on error); bulkWrite's see only the result,
  // hence all tenants (no code writes these collections with it).
  schema.post("insertMany", function (docs: unknown) {
    emit(tenantsOfDocs(docs));
  });
  schema.post("insertMany", { errorHandler: true }, function (_err: unknown, docs: unknown) {
    emit(tenantsOfDocs(docs));
  });
  schema.post("bulkWrite", () => emit({ kind: "all" }));
  schema.post("bulkWrite", { errorHandler: true }, function (_err: unknown) {
    emit({ kind: "all" });
  });
}
