export * from "./sandbox.type.js";
export * from "./sandbox.input.js";
export * from "./sandbox.resolver.js";
