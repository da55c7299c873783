export * from "./timeline.type.js";
export * from "./timeline.resolver.js";
