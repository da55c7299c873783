export * from "./money.type.js";
export * from "./page-info.type.js";
