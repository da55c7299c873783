import path from "node:path";

/** Typed configuration, read from the environment once at start-up. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: the embedded engine runs in-process with `dataDir/db` as its data directory. */
  mongodbUri: string | null;
  /** Unset: subscriptions fan out in-process only. */
  redisUrl: string | null;
  /** Unset: admin operations (createTenant, ...) are off. */
  adminToken: string | null;
  firmadigitaleUrl: string;
  /** Base for callback URLs handed upstream; null: this server's own address once listening. */
  publicUrl: string | null;
  logLevel: string;
  nodeEnv: string;
  /** GraphQL and sandbox requests per API key and minute. */
  rateLimitPerMinute: number;
  /** placeOrder calls per API key and minute (orders spend money). */
  orderRateLimitPerMinute: number;
  /** WEBHOOKS_ALLOW_PRIVATE=true: webhook endpoints may be private or loopback addresses (never in production). */
  webhooksAllowPrivate: boolean;
  /** Background timings overriding the defaults (RECONCILE_INTERVAL_MS, ...); unset ones keep theirs. */
  timings: { reconcileIntervalMs?: number; reconcileAfterMs?: number; checkDelayMs?: number; upstreamTimeoutMs?: number };
  /** GRAPHQL_JIT=off: operations run on graphql-js instead of compiled by graphql-jit. */
  graphqlJit: boolean;
}

/** A problem with one environment variable, reported all together so a misconfiguration is fixed in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n- ${problems.join("\n- ")}`);
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Reads and validates the environment; throws ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };

  const portText = str("PORT") ?? "4000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT: expected an integer between 0 and 65535, got ${JSON.stringify(portText)}`);
  }
  const host = str("HOST") ?? "127.0.0.1";

  const url = (name: string, fallback: string | null): string | null => {
    const v = str(name) ?? fallback;
    if (v === null) return null;
    try {
      const parsed = new URL(v);
      if (name === "MONGODB_URI" && !/^mongodb(\+srv)?:$/.test(parsed.protocol)) throw new Error();
      if (name === "REDIS_URL" && !/^rediss?:$/.test(parsed.protocol)) throw new Error();
      if (/_URL$/.test(name) && name !== "REDIS_URL" && !/^https?:$/.test(parsed.protocol)) throw new Error();
    } catch {
      problems.push(`${name}: expected a valid URL, got ${JSON.stringify(v)}`);
    }
    return v.replace(/\/+$/, "");
  };

  const mongodbUri = url("MONGODB_URI", null);
  const redisUrl = url("REDIS_URL", null);
  const firmadigitaleUrl = url("FIRMADIGITALE_URL", "https://ws.firmadigitale.com") ?? "";
  const publicUrl = url("PUBLIC_URL", null);
  const adminToken = str("ADMIN_TOKEN");
  if (adminToken !== null && adminToken.length < 16) {
    problems.push("ADMIN_TOKEN: expected at least 16 characters (it grants admin rights)");
  }
  const logLevel = str("LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`);
  }

  const positive = (name: string, fallback: number): number => {
    const text = str(name);
    const n = text === null ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) problems.push(`${name}: expected a positive integer, got ${JSON.stringify(text)}`);
    return n;
  };
  const rateLimitPerMinute = positive("RATE_LIMIT_PER_MINUTE", 300);
  const orderRateLimitPerMinute = positive("ORDER_RATE_LIMIT_PER_MINUTE", 30);

  const optionalMs = (name: string): number | undefined => (str(name) === null ? undefined : positive(name, 1));
  const timings: Config["timings"] = {};
  for (const [name, key] of [
    ["RECONCILE_INTERVAL_MS", "reconcileIntervalMs"],
    ["RECONCILE_AFTER_MS", "reconcileAfterMs"],
    ["RECONCILE_CHECK_DELAY_MS", "checkDelayMs"],
    ["UPSTREAM_TIMEOUT_MS", "upstreamTimeoutMs"],
  ] as const) {
    const ms = optionalMs(name);
    if (ms !== undefined) timings[key] = ms;
  }

  const graphqlJit = str("GRAPHQL_JIT") ?? "on";
  if (graphqlJit !== "on" && graphqlJit !== "off") problems.push(`GRAPHQL_JIT: expected on or off, received ${JSON.stringify(graphqlJit)}`);

  const config: Config = {
    port,
    host,
    dataDir: path.resolve(str("DATA_DIR") ?? "./.data"),
    mongodbUri,
    redisUrl,
    adminToken,
    firmadigitaleUrl,
    publicUrl,
    logLevel,
    nodeEnv: str("NODE_ENV") ?? "development",
    rateLimitPerMinute,
    orderRateLimitPerMinute,
    webhooksAllowPrivate: str("WEBHOOKS_ALLOW_PRIVATE") === "true",
    timings,
    graphqlJit: graphqlJit !== "off",
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
