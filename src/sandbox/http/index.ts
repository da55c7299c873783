export * from "./envelope.js";
export * from "./sandbox.router.js";
