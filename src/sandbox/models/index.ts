export * from "./sandbox-request.model.js";
export * from "./sandbox-account.model.js";
export * from "./sandbox-callback.model.js";
