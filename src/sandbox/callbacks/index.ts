export * from "./callback.dispatcher.js";
export * from "./callback-target.guard.js";
export * from "./callback-http.js";
