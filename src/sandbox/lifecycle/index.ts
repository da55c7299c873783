export * from "./request-status.js";
export * from "./lifecycle.js";
