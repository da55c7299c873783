export * from "./session.type.js";
export * from "./session.resolver.js";
