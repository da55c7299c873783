export * from "./query-limits.js";
export * from "./rate-limit.js";
export * from "./crypto.js";
export * from "./sanitize.js";
export * from "./url-guard.js";
export * from "./principal.js";
export * from "./token-buckets.js";
