export * from "./tenant/index.js";
export * from "./viewer/index.js";
