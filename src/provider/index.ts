export * from "./http-transport.js";
export * from "./provider-errors.js";
export * from "./upstream.types.js";
export * from "./firmadigitale.client.js";
export * from "./mapping.js";
