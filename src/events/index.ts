// The bus lives below the services (src/pubsub/); re-exported here for the transports' callers.
export * from "../pubsub/index.js";
export * from "./graphql-ws.js";
