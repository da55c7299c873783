import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export const STATUS_EVENTS = `subscription($after: String) { statusEvents(after: $after) { cursor sequence requestId from to at source } }`;
export const REQUEST_UPDATED = `subscription($id: ID!) { signatureRequestUpdated(id: $id) { id status statusHistory { status } } }`;

export interface FeedEvent {
  cursor: string;
  sequence: number;
  requestId: string;
  from: string;
  to: string;
  at: string;
  source: string;
}

/** A graphql-ws client over a real WebSocket to the gateway's /graphql, authenticated with `key`. */
export function wsClient(httpUrl: string, connectionParams: Record<string, unknown> | null): Client & { closed: Promise<number> } {
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: connectionParams ?? undefined,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  return Object.assign(client, { closed });
}

/** Items of one subscription as they arrive, with a way to wait for the n-th. */
export interface Collected<T> {
  items: T[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Resolves once `n` items arrived (or rejects on a subscription error or after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the items once `done(items)` holds. */
  waitUntil(done: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  /** Resolves with the errors of the first failing result. */
  failed(timeoutMs?: number): Promise<Array<{ message: string; extensions?: Record<string, unknown> }>>;
  stop(): void;
}

/** Subscribes and collects `pick(data)` of every result. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, pick: (data: Record<string, unknown>) => T): Collected<T> {
  const items: T[] = [];
  const errors: Collected<T>["errors"] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const stop = client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next(result) {
        if (result.errors) errors.push(...(result.errors as Collected<T>["errors"]));
        if (result.data) items.push(pick(result.data));
        wake();
      },
      error(err) {
        errors.push(...(Array.isArray(err) ? err : [{ message: String((err as Error)?.message ?? err) }]));
        wake();
      },
      complete: wake,
    },
  );
  const until = <R>(ready: () => R | undefined, what: string, timeoutMs: number) =>
    new Promise<R>((resolve, reject) => {
      const check = () => {
        let value: R | undefined;
        try {
          value = ready();
        } catch (err) {
          done();
          reject(err as Error);
          return;
        }
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; got ${items.length} items: ${JSON.stringify(items)}; errors: ${JSON.stringify(errors)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    items,
    errors,
    waitFor(n, timeoutMs = 15_000) {
      return until(
        () => {
          if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
          return items.length >= n ? items.slice(0, n) : undefined;
        },
        `${n} items`,
        timeoutMs,
      );
    },
    waitUntil(done, timeoutMs = 15_000) {
      return until(
        () => {
          if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
          return done(items) ? [...items] : undefined;
        },
        "the condition",
        timeoutMs,
      );
    },
    failed(timeoutMs = 15_000) {
      return until(() => (errors.length > 0 ? errors : undefined), "an error", timeoutMs);
    },
    stop,
  };
}
