import { Types } from "mongoose";
import { SignatureRequestModel, type RequestStatus } from "../models/index.js";
import { BadUserInputError } from "../errors/index.js";
import { boundedText } from "./input-bounds.js";
import type { StatusEventView } from "./events.service.js";

export interface FeedFilterInput {
  /** Only events whose new status (`to`) is one of these. */
  status?: readonly RequestStatus[] | null;
  /** Only events of requests of these product codes. */
  productCode?: readonly string[] | null;
}

export const MAX_FILTER_VALUES = 30;
// Product codes per subscription kept in memory; past it the cache starts over.
const PRODUCT_CACHE = 10_000;

/** Checks a feed filter before the feed opens: bounded lists of bounded codes. */
export function checkFeedFilter(filter: FeedFilterInput): { status: Set<string> | null; productCode: Set<string> | null } {
  const problems = [];
  for (const field of ["status", "productCode"] as const) {
    const values = filter[field];
    if (values !== null && values !== undefined && (values.length === 0 || values.length > MAX_FILTER_VALUES)) {
      problems.push({ path: field, message: `expected 1 to ${MAX_FILTER_VALUES} values (or none for all), received ${values.length}` });
    }
  }
  if (problems.length > 0) throw new BadUserInputError("invalid feed filter", problems);
  filter.productCode?.forEach((code, i) => boundedText(code, `productCode.${i}`, "productCode", { min: 1 }));
  return {
    status: filter.status ? new Set(filter.status) : null,
    productCode: filter.productCode ? new Set(filter.productCode) : null,
  };
}

/**
 * Narrows a tenant's feed to some statuses and/or products, on the server. The stream, its replay
 * from a cursor and its order are the feed's own; events filtered out are simply not told (their
 * cursors are skipped, so resuming from the last cursor received misses nothing wanted).
 * `return()` reaches the feed at once, even while waiting.
 */
export function filterFeed(feed: AsyncIterableIterator<StatusEventView>, tenantId: string, filter: FeedFilterInput): AsyncIterableIterator<StatusEventView> {
  const wanted = checkFeedFilter(filter);
  if (wanted.status === null && wanted.productCode === null) return feed;
  const products = new Map<string, string | null>();
  const productOf = async (requestId: string): Promise<string | null> => {
    if (products.has(requestId)) return products.get(requestId) ?? null;
    const doc = Types.ObjectId.isValid(requestId)
      ? await SignatureRequestModel.findOne({ _id: requestId, tenantId }, { productCode: 1 }).lean<{ productCode: string } | null>()
      : null;
    if (products.size >= PRODUCT_CACHE) products.clear();
    products.set(requestId, doc?.productCode ?? null);
    return doc?.productCode ?? null;
  };
  const matches = async (event: StatusEventView): Promise<boolean> => {
    if (wanted.status !== null && !wanted.status.has(event.to)) return false;
    if (wanted.productCode !== null) {
      const code = await productOf(event.requestId);
      if (code === null || !wanted.productCode.has(code)) return false;
    }
    return true;
  };
  const iterator: AsyncIterableIterator<StatusEventView> = {
    async next() {
      for (;;) {
        const r = await feed.next();
        if (r.done === true || (await matches(r.value))) return r;
      }
    },
    async return() {
      return (await feed.return?.()) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
