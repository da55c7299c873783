export * from "./status-event.type.js";
export * from "./feed-context.js";
export * from "./feed.resolver.js";
