export * from "./tenant.type.js";
export * from "./create-tenant.input.js";
export * from "./create-tenant.payload.js";
export * from "./tenant.resolver.js";
