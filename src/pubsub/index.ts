export * from "./feed-bus.js";
