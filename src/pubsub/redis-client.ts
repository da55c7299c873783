import { createRequire } from "node:module";
import type * as RedisEventTarget from "@graphql-yoga/redis-event-target";
import type * as IoRedis from "ioredis";

const require = createRequire(import.meta.url);

/**
 * ioredis's client class, loaded on first use: a gateway without REDIS_URL never opens a Redis
 * connection, and ioredis alone costs several MiB of heap and code. Synchronous, so the callers
 * (the feed bus, the rate limits) keep their synchronous construction.
 */
export function redisClient(): typeof IoRedis.Redis {
  return (require("ioredis") as typeof IoRedis).Redis;
}

/** @graphql-yoga/redis-event-target's factory, loaded on first use like {@link redisClient}. */
export function redisEventTargetFactory(): typeof RedisEventTarget.createRedisEventTarget {
  return (require("@graphql-yoga/redis-event-target") as typeof RedisEventTarget).createRedisEventTarget;
}
