export * from "./product.type.js";
export * from "./product-filter.input.js";
export * from "./product.resolver.js";
