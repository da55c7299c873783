export * from "./signature-request.type.js";
export * from "./signature-request-filter.input.js";
export * from "./signature-request-connection.type.js";
export * from "./place-order.input.js";
export * from "./signature-request.resolver.js";
