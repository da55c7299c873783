import { onTenantWrite, rememberTenantOf, type TenantWrite } from "../models/index.js";
import type { InvalidationBus } from "../pubsub/index.js";
import type { ApplicantView, ShipmentView } from "../loaders.js";
import type { RequestPage } from "./requests.service.js";

/** The scope a tenant's requests, applicants and shipments are invalidated under on the invalidation bus. */
export const requestsScope = (tenantId: string): string => `requests:${tenantId}`;
/** Published when a write could not name its tenants: every replica drops every tenant. */
export const ALL_REQUESTS_SCOPE = "requests:*";

export interface RequestListCacheOptions {
  /** LIST_CACHE=off: nothing is kept (writes are still announced to the other replicas). */
  enabled: boolean;
  /** What the cache may hold in all, approximately (LIST_CACHE_MAX_MB); one tenant holds a quarter at most. */
  maxBytes: number;
  /** Entries older than this are read again: the bound on staleness if an invalidation is lost (Redis down). */
  ttlMs: number;
  /** Cross-replica invalidations (the feed bus's); without it, this process only. */
  invalidations?: InvalidationBus;
  now?: () => number;
}

/** Taken before reading the database, shown when storing what was read: a write in between voids it. */
export type ReadTicket = number;

/** Views by id, as a loader reads and keeps them (null: known not to exist for this tenant). */
export interface ViewShelf<T> {
  /** The view, null when known missing, undefined when not cached. */
  get(id: string): T | null | undefined;
  put(ticket: ReadTicket, views: [id: string, view: T | null][]): void;
  ticket(): ReadTicket;
}

interface Entry<T> {
  value: T;
  bytes: number;
  storedAt: number;
}

/** One tenant's cached pages and the applicants and shipments they show, all dropped together. */
class Shelf {
  readonly pages = new Map<string, Entry<RequestPage>>();
  readonly applicants = new Map<string, Entry<ApplicantView | null>>();
  readonly shipments = new Map<string, Entry<ShipmentView | null>>();
  bytes = 0;
}

type Section = "pages" | "applicants" | "shipments";

// Sizes are estimates (no serialisation on the way in): a view's strings and dates, plus object overhead.
const PAGE_BYTES = 512;
const REQUEST_BYTES = 1_500;
const HISTORY_ENTRY_BYTES = 120;
const APPLICANT_BYTES = 1_200;
const SHIPMENT_BYTES = 600;

/** Past this many tenants remembered as just invalidated, they are forgotten for one global mark. */
const MAX_MARKS = 10_000;

/**
 * Pages of `signatureRequests` and the applicants and shipments behind them, per tenant, so the
 * main list of every frontend is answered from memory until something changes.
 *
 * Invalidation: every write to signature requests, applicants or shipments goes through the
 * models' tenantWritesPlugin, which reports its tenants synchronously after the write and before
 * its promise resolves; this drops those tenants here at once (read-your-writes on this replica)
 * and publishes them on the invalidation bus for the other replicas (stale there for as long as
 * the bus takes to deliver; at most `ttlMs` if a message is lost). A read takes a ticket before it
 * reads the database and stores nothing if its tenant was invalidated since: a page read before a
 * write never outlives the write.
 */
export class RequestListCache {
  /** Least recently used first. */
  private readonly shelves = new Map<string, Shelf>();
  private bytes = 0;
  private pageHits = 0;
  private pageReads = 0;
  private seq = 0;
  /** Tickets up to this one are void for every tenant (an invalidation of all, or forgotten marks). */
  private floor = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private readonly pending = new Set<string>();
  /** Page reads under way, by tenant and key, with the ticket each began with. */
  private readonly flights = new Map<string, { ticket: ReadTicket; page: Promise<RequestPage> }>();
  private flushScheduled = false;
  private readonly perTenantBytes: number;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: RequestListCacheOptions) {
    this.perTenantBytes = Math.max(1, Math.floor(options.maxBytes / 4));
    this.now = options.now ?? Date.now;
    this.unsubscribe.push(onTenantWrite((write) => this.written(write)));
    const bus = options.invalidations;
    if (bus !== undefined) {
      this.unsubscribe.push(
        bus.subscribe((scope) => {
          if (scope === ALL_REQUESTS_SCOPE) this.dropAll();
          else if (scope.startsWith("requests:")) this.drop(scope.slice("requests:".length));
        }),
      );
    }
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** What the cache holds (tenants, entries, estimated bytes) and how many page reads it answered or sent on. */
  stats(): { tenants: number; entries: number; bytes: number; pageHits: number; pageReads: number } {
    let entries = 0;
    for (const shelf of this.shelves.values()) entries += shelf.pages.size + shelf.applicants.size + shelf.shipments.size;
    return { tenants: this.shelves.size, entries, bytes: this.bytes, pageHits: this.pageHits, pageReads: this.pageReads };
  }

  /** A ticket for a read about to hit the database. */
  ticket(): ReadTicket {
    return ++this.seq;
  }

  page(tenantId: string, key: string): RequestPage | undefined {
    return this.get(tenantId, "pages", key);
  }

  /**
   * The cached page, else `read()`'s, stored. Concurrent misses of one page share one read (an
   * expired or dropped page under load is read once, not once per waiting request), unless their
   * tenant was invalidated since that read began: a caller never joins a read older than its own write.
   */
  pageOr(tenantId: string, key: string, read: () => Promise<RequestPage>): RequestPage | Promise<RequestPage> {
    const hit = this.get(tenantId, "pages", key);
    if (hit !== undefined) {
      this.pageHits++;
      return hit;
    }
    const flightKey = `${tenantId}\u0000${key}`;
    const flight = this.flights.get(flightKey);
    if (flight !== undefined && this.current(tenantId, flight.ticket)) return flight.page;
    const ticket = this.ticket();
    this.pageReads++;
    const page = read().then((read) => {
      this.storePage(tenantId, ticket, key, read);
      return read;
    });
    this.flights.set(flightKey, { ticket, page });
    const land = () => {
      if (this.flights.get(flightKey)?.page === page) this.flights.delete(flightKey);
    };
    page.then(land, land);
    return page;
  }

  storePage(tenantId: string, ticket: ReadTicket, key: string, page: RequestPage): void {
    let bytes = PAGE_BYTES;
    const ids: string[] = [];
    for (const { node } of page.edges) {
      bytes += REQUEST_BYTES + HISTORY_ENTRY_BYTES * (node.statusHistory.length + node.alerts.length);
      ids.push(node.id);
      if (node.applicantId !== null) ids.push(node.applicantId);
      if (node.shipmentId !== null) ids.push(node.shipmentId);
    }
    // Later writes to these by _id then name their tenant without a read.
    rememberTenantOf(ids, tenantId);
    this.put(tenantId, ticket, "pages", [[key, page, bytes]]);
  }

  /** The tenant's applicants (by id) as the applicant loader keeps them. */
  applicants(tenantId: string): ViewShelf<ApplicantView> {
    return this.shelf(tenantId, "applicants", APPLICANT_BYTES);
  }

  /** The tenant's shipments (by id) as the shipment loader keeps them. */
  shipments(tenantId: string): ViewShelf<ShipmentView> {
    return this.shelf(tenantId, "shipments", SHIPMENT_BYTES);
  }

  private shelf<T>(tenantId: string, section: "applicants" | "shipments", bytes: number): ViewShelf<T> {
    return {
      get: (id) => this.get(tenantId, section, id) as T | null | undefined,
      put: (ticket, views) => this.put(tenantId, ticket, section, views.map(([id, view]) => [id, view, bytes])),
      ticket: () => this.ticket(),
    };
  }

  /** Stops listening to writes and to the bus. */
  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private get<S extends Section>(tenantId: string, section: S, key: string): (Shelf[S] extends Map<string, Entry<infer T>> ? T : never) | undefined {
    if (!this.options.enabled) return undefined;
    const shelf = this.shelves.get(tenantId);
    if (shelf === undefined) return undefined;
    const map = shelf[section] as Map<string, Entry<unknown>>;
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.storedAt >= this.options.ttlMs) {
      map.delete(key);
      this.release(shelf, entry.bytes);
      return undefined;
    }
    if (section === "pages") {
      // Most recently used last, tenant and page alike (the applicants and shipments a page shows
      // are read right after it: they leave in the order they came).
      this.shelves.delete(tenantId);
      this.shelves.set(tenantId, shelf);
      map.delete(key);
      map.set(key, entry);
    }
    return entry.value as never;
  }

  private put(tenantId: string, ticket: ReadTicket, section: Section, items: [string, unknown, number][]): void {
    if (!this.options.enabled || items.length === 0) return;
    if (!this.current(tenantId, ticket)) return;
    let shelf = this.shelves.get(tenantId);
    if (shelf === undefined) this.shelves.set(tenantId, (shelf = new Shelf()));
    const map = shelf[section] as Map<string, Entry<unknown>>;
    const storedAt = this.now();
    for (const [key, value, bytes] of items) {
      const old = map.get(key);
      if (old !== undefined) {
        map.delete(key);
        this.release(shelf, old.bytes);
      }
      map.set(key, { value, bytes, storedAt });
      shelf.bytes += bytes;
      this.bytes += bytes;
    }
    this.evict(shelf);
  }

  /** Whether nothing invalidated the tenant since `ticket` was taken. */
  private current(tenantId: string, ticket: ReadTicket): boolean {
    return ticket > this.floor && ticket > (this.invalidatedAt.get(tenantId) ?? 0);
  }

  private release(shelf: Shelf, bytes: number): void {
    shelf.bytes -= bytes;
    this.bytes -= bytes;
  }

  /** Oldest entries of an over-full tenant first, then least recently used tenants whole. */
  private evict(shelf: Shelf): void {
    while (shelf.bytes > this.perTenantBytes) {
      const victim = (["pages", "applicants", "shipments"] as const).map((s) => shelf[s] as Map<string, Entry<unknown>>).find((m) => m.size > 0);
      if (victim === undefined) break;
      const [key, entry] = victim.entries().next().value as [string, Entry<unknown>];
      victim.delete(key);
      this.release(shelf, entry.bytes);
    }
    for (const [tenantId, oldest] of this.shelves) {
      if (this.bytes <= this.options.maxBytes) break;
      this.shelves.delete(tenantId);
      this.bytes -= oldest.bytes;
    }
  }

  private written(write: TenantWrite): void {
    if (write.kind === "all") {
      this.dropAll();
      this.announce(ALL_REQUESTS_SCOPE);
      return;
    }
    for (const tenantId of write.tenantIds) {
      this.drop(tenantId);
      this.announce(requestsScope(tenantId));
    }
  }

  /** Publishes once per scope and turn of the event loop (one order writes several documents). */
  private announce(scope: string): void {
    const bus = this.options.invalidations;
    if (bus === undefined) return;
    this.pending.add(scope);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const scopes = this.pending.has(ALL_REQUESTS_SCOPE) ? [ALL_REQUESTS_SCOPE] : [...this.pending];
      this.pending.clear();
      for (const scope of scopes) bus.publish(scope);
    });
  }

  private drop(tenantId: string): void {
    if (this.invalidatedAt.size >= MAX_MARKS) {
      this.invalidatedAt.clear();
      this.floor = ++this.seq;
    }
    this.invalidatedAt.set(tenantId, ++this.seq);
    const shelf = this.shelves.get(tenantId);
    if (shelf === undefined) return;
    this.shelves.delete(tenantId);
    this.bytes -= shelf.bytes;
  }

  private dropAll(): void {
    this.floor = ++this.seq;
    this.invalidatedAt.clear();
    this.shelves.clear();
    this.bytes = 0;
  }
}
