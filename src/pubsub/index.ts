export * from "./feed-bus.js";
export { redisClient } from "./redis-client.js";
