import type { Model } from "mongoose";

/** The name of the TTL index retention keeps on a collection. */
export const RETENTION_INDEX = "retention_ttl";

/**
 * Makes documents of `model` expire `days` after their `field` date with a TTL index (MongoDB and
 * the embedded engine delete them in the background). The index is not declared in the schema, as
 * its lifetime is configuration: a changed retention replaces the index (TTL options cannot be
 * changed in place on the embedded engine). Returns the seconds applied.
 */
export async function applyRetention(model: Pick<Model<never>, "collection">, field: string, days: number): Promise<number> {
  const seconds = Math.round(days * 24 * 3600);
  const collection = model.collection;
  let existing: { name?: string; expireAfterSeconds?: number; key?: Record<string, unknown> } | undefined;
  try {
    existing = (await collection.indexes()).find((ix) => ix.name === RETENTION_INDEX);
  } catch {
    // A collection that does not exist yet has no indexes.
    existing = undefined;
  }
  if (existing !== undefined) {
    if (existing.expireAfterSeconds === seconds && existing.key?.[field] === 1) return seconds;
    await collection.dropIndex(RETENTION_INDEX);
  }
  await collection.createIndex({ [field]: 1 }, { name: RETENTION_INDEX, expireAfterSeconds: seconds });
  return seconds;
}
