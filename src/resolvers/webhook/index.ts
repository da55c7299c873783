export * from "./webhook.type.js";
export * from "./webhook.resolver.js";
