import type { ApolloServerPlugin } from "@apollo/server";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** One registry per server (not prom-client's global), so several servers in a process never clash. */
export interface Metrics {
  registry: Registry;
  graphqlPlugin: ApolloServerPlugin;
  /** Records one GraphQL operation answered outside Apollo's pipeline (the fast path), as the plugin would. */
  recordFastOperation(operation: string | null, startedNs: bigint): void;
}

/** GraphQL operation counts and latencies per operation name, plus Node's process metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ["operation", "type", "outcome"] as const;
  const requests = new Counter({
    name: "graphql_requests_total",
    help: "GraphQL operations handled, by operation name, type and outcome (ok or an error code)",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "graphql_request_duration_seconds",
    help: "Time from receiving a GraphQL operation to sending its answer",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const fastAnswers = new Counter({
    name: "graphql_fast_path_answers_total",
    help: "GraphQL queries answered on the fast path, without Apollo's per-request pipeline (also counted in graphql_requests_total)",
    registers: [registry],
  });

  // Each label set's children, looked up once: prom-client otherwise hashes the labels on every call.
  const children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  const recordOperation = (operation: string | null, type: string, outcome: string, startedNs: bigint): void => {
    // Unnamed operations share one label: names come from clients, so cardinality stays bounded by their code.
    const name = operation ?? "anonymous";
    const key = `${name}\u0000${type}\u0000${outcome}`;
    let child = children.get(key);
    if (child === undefined) {
      const labels = { operation: name, type, outcome };
      child = { count: requests.labels(labels), time: duration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(Number(process.hrtime.bigint() - startedNs) / 1e9);
  };

  const graphqlPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const body = ctx.response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.code;
          const outcome = errors?.length ? (typeof code === "string" ? code : "ERROR") : "ok";
          recordOperation(ctx.operationName ?? null, ctx.operation?.operation ?? "unknown", outcome, started);
        },
      };
    },
  };
  return {
    registry,
    graphqlPlugin,
    recordFastOperation(operation, startedNs) {
      recordOperation(operation, "query", "ok", startedNs);
      fastAnswers.inc();
    },
  };
}
