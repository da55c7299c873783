export * from "./feed-bus.js";
export * from "./graphql-ws.js";
