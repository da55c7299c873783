export * from "./spid.type.js";
export * from "./spid.resolver.js";
