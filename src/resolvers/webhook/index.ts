export * from "./webhook.type.js";
export * from "./webhook.resolver.js";
export * from "./webhook-tools.resolver.js";
