/**
 * Small helpers shared by the benchmarks: run a fixed number of operations with bounded
 * concurrency, repeat that over rounds, summarise with medians and percentiles, print aligned
 * tables. Figures on a shared 2-core machine are noisy, so benchmarks report medians of rounds
 * and compare against a baseline measured in the same run.
 */
import { performance } from "node:perf_hooks";

/** One timed batch of operations. */
export interface RoundResult {
  ops: number;
  ms: number;
  opsPerSec: number;
  /** Per-operation latencies in milliseconds, in completion order. */
  latencies: number[];
}

/** Summary of several rounds of the same measurement. */
export interface RoundsSummary {
  rounds: RoundResult[];
  medianOpsPerSec: number;
  minOpsPerSec: number;
  maxOpsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Options for {@link runConcurrent} and {@link timedRounds}. */
export interface LoadOptions {
  /** Total operations per round. */
  ops: number;
  /** Operations kept in flight at once. */
  concurrency: number;
}

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0..100) by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile expects p in 0..100, received ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * Runs `op(i)` for i in 0..ops-1 keeping `concurrency` calls in flight, and times the whole batch.
 * Errors propagate: a benchmark whose operations fail has no figure worth printing.
 */
export async function runConcurrent(
  { ops, concurrency }: LoadOptions,
  op: (i: number) => unknown | Promise<unknown>,
): Promise<RoundResult> {
  if (!Number.isInteger(ops) || ops <= 0) throw new RangeError(`ops must be a positive integer, received ${ops}`);
  if (!Number.isInteger(concurrency) || concurrency <= 0) {
    throw new RangeError(`concurrency must be a positive integer, received ${concurrency}`);
  }
  const latencies: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ops) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, lane));
  const ms = performance.now() - start;
  return { ops, ms, opsPerSec: (ops / ms) * 1000, latencies };
}

/**
 * Repeats {@link runConcurrent} `rounds` times after `warmup` untimed rounds, and summarises.
 * `op` receives the operation index within its round.
 */
export async function timedRounds(
  options: LoadOptions & { rounds: number; warmup?: number },
  op: (i: number) => unknown | Promise<unknown>,
): Promise<RoundsSummary> {
  for (let w = 0; w < (options.warmup ?? 1); w++) await runConcurrent(options, op);
  const rounds: RoundResult[] = [];
  for (let r = 0; r < options.rounds; r++) rounds.push(await runConcurrent(options, op));
  return summarise(rounds);
}

/** Median, spread and latency percentiles over rounds. */
export function summarise(rounds: readonly RoundResult[]): RoundsSummary {
  const rates = rounds.map((r) => r.opsPerSec);
  const latencies = rounds.flatMap((r) => r.latencies);
  return {
    rounds: [...rounds],
    medianOpsPerSec: median(rates),
    minOpsPerSec: Math.min(...rates),
    maxOpsPerSec: Math.max(...rates),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Formats a number for a table: thousands separators, `digits` decimals below 100. */
export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const decimals = abs >= 100 ? 0 : digits;
  return n.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Renders rows as an aligned text table; numbers are right-aligned, everything else left-aligned. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === "number" ? formatNumber(c) : c)));
  const numeric = headers.map((_, col) => rows.length > 0 && rows.every((row) => typeof row[col] === "number"));
  const widths = headers.map((h, col) => Math.max(h.length, ...cells.map((row) => (row[col] ?? "").length)));
  const line = (row: readonly string[]): string =>
    row.map((c, col) => (numeric[col] ? c.padStart(widths[col]) : c.padEnd(widths[col]))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

/** Prints {@link formatTable} to stdout. */
export function printTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  console.log(formatTable(headers, rows));
}

/** A seeded pseudo-random generator in [0, 1), so runs pick the same keys. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast and good enough to spread lookups over a key range.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}
