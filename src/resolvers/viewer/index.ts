export * from "./viewer.type.js";
export * from "./viewer.resolver.js";
