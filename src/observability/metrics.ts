import type { ApolloServerPlugin } from "@apollo/server";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** One registry per server (not prom-client's global), so several servers in a process never clash. */
export interface Metrics {
  registry: Registry;
  graphqlPlugin: ApolloServerPlugin;
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

  const graphqlPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const body = ctx.response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.code;
          const labels = {
            // Unnamed operations share one label: names come from clients, so cardinality stays bounded by their code.
            operation: ctx.operationName ?? "anonymous",
            type: ctx.operation?.operation ?? "unknown",
            outcome: errors?.length ? (typeof code === "string" ? code : "ERROR") : "ok",
          };
          requests.inc(labels);
          duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
  return { registry, graphqlPlugin };
}
