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
  /** RATE_LIMIT=off: no throttling at all (GraphQL, placeOrder, the sandbox's REST API). */
  rateLimit: boolean;
  /** Cost points restored per principal (API key) and minute; each operation costs its complexity. */
  rateLimitPerMinute: number;
  /** Points a principal's bucket holds: the burst, and the costliest operation it may run. */
  rateLimitBucket: number;
  /** The tenant-wide ceiling above its principals: points restored per minute, and its bucket. */
  tenantRateLimitPerMinute: number;
  tenantRateLimitBucket: number;
  /** placeOrder calls per live API key and minute (orders spend money). */
  orderRateLimitPerMinute: number;
  /** placeOrder calls per test API key and minute. */
  testOrderRateLimitPerMinute: number;
  /** WEBHOOKS_ALLOW_PRIVATE=true: webhook endpoints may be private or loopback addresses (never in production). */
  webhooksAllowPrivate: boolean;
  /** EVENT_RETENTION_DAYS: status events older than this are deleted (TTL index); older cursors answer CURSOR_EXPIRED. */
  eventRetentionDays: number;
  /** SANDBOX_CALLBACK_RETENTION_DAYS: the sandbox's callback log keeps deliveries this long (TTL index). */
  sandboxCallbackRetentionDays: number;
  /** MAX_WS_PER_TENANT: open graphql-ws connections per tenant and replica; more are closed with 4008. */
  maxWsPerTenant: number;
  /** The sandbox dashboard at /dashboard and GraphiQL: on, except with NODE_ENV=production unless DASHBOARD=on. */
  dashboard: boolean;
  /** DASHBOARD_DIR: where the dashboard's built files are (default dist/dashboard, made by `npm run build`). */
  dashboardDir: string | null;
  /** Background timings overriding the defaults (RECONCILE_INTERVAL_MS, ...); unset ones keep theirs. */
  timings: { reconcileIntervalMs?: number; reconcileAfterMs?: number; checkDelayMs?: number; upstreamTimeoutMs?: number };
  /** GRAPHQL_JIT=off: operations run on graphql-js instead of compiled by graphql-jit. */
  graphqlJit: boolean;
  /** GRAPHQL_FAST_PATH=off: every operation takes Apollo's whole pipeline (see execution/fast-path.ts). */
  graphqlFastPath: boolean;
  /** LIST_CACHE=off: signatureRequests pages are read from the database every time. */
  listCache: boolean;
  /** LIST_CACHE_MAX_MB: what the request-list cache may hold (estimated), all tenants together. */
  listCacheMaxMb: number;
}

/** A problem with one environment variable, reported all together so a misconfiguration is fixed in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n- ${problems.join("\n- ")}`);
    this.name = "ConfigError";
  }
}

/** The query limits' maxComplexity: rate limit buckets must hold at least one such operation. */
const MAX_OPERATION_COST = 1000;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** DASHBOARD=on|off; unset: on, except in production. */
function dashboardSwitch(value: string | null, nodeEnv: string, problems: string[]): boolean {
  if (value === null) return nodeEnv !== "production";
  if (value === "on" || value === "off") return value === "on";
  problems.push(`DASHBOARD: expected on or off, got ${JSON.stringify(value)}`);
  return false;
}

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
  const rateLimitText = str("RATE_LIMIT") ?? "on";
  if (rateLimitText !== "on" && rateLimitText !== "off") problems.push(`RATE_LIMIT: expected on or off, got ${JSON.stringify(rateLimitText)}`);
  // Defaults: 60,000 points a second (over 1,000 `products` queries), one second of them in the bucket.
  const rateLimitPerMinute = positive("RATE_LIMIT_PER_MINUTE", 3_600_000);
  const atLeastMaxCost = (name: string, fallback: number): number => {
    const n = positive(name, Math.max(MAX_OPERATION_COST, fallback));
    if (n < MAX_OPERATION_COST) problems.push(`${name}: expected at least ${MAX_OPERATION_COST} (the costliest operation allowed), got ${n}`);
    return n;
  };
  const rateLimitBucket = atLeastMaxCost("RATE_LIMIT_BUCKET", Math.ceil(rateLimitPerMinute / 60));
  const tenantRateLimitPerMinute = positive("TENANT_RATE_LIMIT_PER_MINUTE", 4 * rateLimitPerMinute);
  const tenantRateLimitBucket = atLeastMaxCost("TENANT_RATE_LIMIT_BUCKET", 4 * rateLimitBucket);
  const orderRateLimitPerMinute = positive("ORDER_RATE_LIMIT_PER_MINUTE", 30);
  const eventRetentionDays = positive("EVENT_RETENTION_DAYS", 30);
  const sandboxCallbackRetentionDays = positive("SANDBOX_CALLBACK_RETENTION_DAYS", 30);
  const maxWsPerTenant = positive("MAX_WS_PER_TENANT", 100);
  // ORDER_RATE_LIMIT_PER_MINUTE alone caps every key, as it always did; the test keys' own variable overrides it.
  const testOrderRateLimitPerMinute = positive("TEST_ORDER_RATE_LIMIT_PER_MINUTE", str("ORDER_RATE_LIMIT_PER_MINUTE") === null ? 600 : orderRateLimitPerMinute);

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
  const graphqlFastPath = str("GRAPHQL_FAST_PATH") ?? "on";
  if (graphqlFastPath !== "on" && graphqlFastPath !== "off") problems.push(`GRAPHQL_FAST_PATH: expected on or off, received ${JSON.stringify(graphqlFastPath)}`);

  const listCache = str("LIST_CACHE") ?? "on";
  if (listCache !== "on" && listCache !== "off") problems.push(`LIST_CACHE: expected on or off, received ${JSON.stringify(listCache)}`);
  const listCacheMaxMb = positive("LIST_CACHE_MAX_MB", 64);

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
    rateLimit: rateLimitText !== "off",
    rateLimitPerMinute,
    rateLimitBucket,
    tenantRateLimitPerMinute,
    tenantRateLimitBucket,
    orderRateLimitPerMinute,
    testOrderRateLimitPerMinute,
    webhooksAllowPrivate: str("WEBHOOKS_ALLOW_PRIVATE") === "true",
    eventRetentionDays,
    sandboxCallbackRetentionDays,
    maxWsPerTenant,
    dashboard: dashboardSwitch(str("DASHBOARD"), str("NODE_ENV") ?? "development", problems),
    dashboardDir: str("DASHBOARD_DIR") === null ? null : path.resolve(str("DASHBOARD_DIR")!),
    timings,
    graphqlJit: graphqlJit !== "off",
    graphqlFastPath: graphqlFastPath !== "off",
    listCache: listCache !== "off",
    listCacheMaxMb,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
