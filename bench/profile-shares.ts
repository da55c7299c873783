/**
 * Aggregates a V8 CPU profile (`node --cpu-prof`) by the file each sample's function lives in, into
 * the layers of the gateway, and prints each layer's share of the busy time (idle excluded).
 * Self time only: a sample counts for the function on top of the stack; a native function (JSON,
 * socket writes, builtins) counts for the nearest caller that has a script, so `JSON.stringify`
 * called by Apollo is Apollo's. V8's own entries (GC, idle, program) stay apart.
 *
 *   npx tsx bench/profile-shares.ts /tmp/prof/CPU.*.cpuprofile [--files]
 *
 * `--files` also lists the 25 heaviest files, to check the classification.
 */
import { readFileSync } from "node:fs";
import { formatTable } from "./lib.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Layers, first match wins; `test` sees the script URL (empty for natives) and the function name. */
export const LAYERS: ReadonlyArray<readonly [string, (url: string, fn: string) => boolean]> = [
  ["idle", (url, fn) => url === "" && fn === "(idle)"],
  ["GC", (url, fn) => url === "" && fn === "(garbage collector)"],
  ["load generator (not the gateway)", (url) => url.includes("/autocannon/") || url.includes("/hdr-histogram")],
  ["profiler (not the gateway)", (url) => url.startsWith("node:inspector") || url.includes("/bench/profile-gateway")],
  ["embedded engine", (url) => url.includes("/src/db/embedded/") || url.includes("/node_modules/mingo/")],
  ["data access (mongoose, driver, BSON, loaders)", (url) =>
    /\/node_modules\/(mongoose|mongodb|bson|mquery|kareem|sift|mpath|dataloader)\//.test(url) || url.includes("/src/models/") || url.endsWith("/src/loaders.ts")],
  ["plugins: rate limit", (url) => url.includes("/src/security/rate-limit") || url.includes("/node_modules/ioredis/")],
  ["plugins: complexity / query limits", (url) => url.includes("/src/security/query-limits") || url.includes("/graphql-query-complexity/")],
  ["plugins: metrics", (url) => url.includes("/src/observability/") || url.includes("/prom-client/")],
  ["plugins: access log (pino)", (url) => url.includes("/src/http/access-log") || /\/node_modules\/(pino|sonic-boom|thread-stream|pino-std-serializers|fast-redact|quick-format-unescaped)\//.test(url)],
  ["HTTP adapter (express, body parsing)", (url) =>
    /\/node_modules\/(express|@as-integrations|body-parser|router|raw-body|finalhandler|send|on-finished|type-is|content-type|iconv-lite|qs|mime-types|accepts|negotiator|depd|parseurl|fresh|etag|vary|cookie|merge-descriptors|path-to-regexp|statuses|http-errors|media-typer|debug|ms|encodeurl|escape-html|serve-static|proxy-addr|forwarded|range-parser|setprototypeof|inherits|utils-merge|methods|content-disposition|safe-buffer|bytes|unpipe|ee-first|toidentifier|call-bind|get-intrinsic|side-channel|es-errors|function-bind|has-symbols|hasown|gopd|dunder-proto|math-intrinsics|es-object-atoms|get-proto|call-bound|object-inspect|side-channel-list|side-channel-map|side-channel-weakmap|es-define-property|call-bind-apply-helpers)\//.test(url) || url.includes("/src/http/")],
  ["Apollo pipeline", (url) => url.includes("/node_modules/@apollo/") || url.includes("/node_modules/@graphql-tools/") || url.includes("/node_modules/lru-cache/") || url.includes("/node_modules/uuid/") || url.includes("/node_modules/@josephg/")],
  ["type-graphql", (url) => url.includes("/node_modules/type-graphql/") || url.includes("/node_modules/class-validator/") || url.includes("/node_modules/reflect-metadata/")],
  ["graphql-jit", (url) => url.includes("/node_modules/graphql-jit/") || url.includes("/node_modules/fast-json-stringify")],
  ["graphql-js (parse, validate, execute)", (url) => url.includes("/node_modules/graphql/") || url.includes("/node_modules/graphql-scalars/")],
  ["gateway code (resolvers, services, context, executor)", (url) => url.includes("/src/")],
  ["Node runtime: HTTP, net, streams", (url) => /^node:(_http|http|net|stream|internal\/(http|streams|stream_base|net|js_stream))/.test(url) || url.startsWith("node:internal/streams")],
  ["Node runtime: other (timers, promises, crypto, buffers)", (url) => url.startsWith("node:")],
  ["V8/native (program, builtins, JSON, regexps)", (url) => url === ""],
  ["other node_modules", () => true],
];

/** Milliseconds of self time per layer (and per file) in the profile. */
export function layerTimes(profile: CpuProfile): { layers: Map<string, number>; files: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of (n as ProfileNode & { children?: number[] }).children ?? []) parent.set(c, n);
  const V8_ENTRIES = new Set(["(garbage collector)", "(idle)", "(program)", "(root)"]);
  /** The frame a sample is charged to: itself, or for a native the nearest caller with a script. */
  const chargedFrame = (node: ProfileNode): ProfileNode["callFrame"] => {
    if (node.callFrame.url !== "" || V8_ENTRIES.has(node.callFrame.functionName)) return node.callFrame;
    for (let up = parent.get(node.id); up !== undefined; up = parent.get(up.id)) if (up.callFrame.url !== "") return up.callFrame;
    return node.callFrame;
  };
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const layers = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { url, functionName } = chargedFrame(byId.get(id)!);
    const layer = LAYERS.find(([, test]) => test(url, functionName))![0];
    layers.set(layer, (layers.get(layer) ?? 0) + ms);
    const file = url === "" ? functionName : url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "~/");
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  return { layers, files };
}

function main(): void {
  const args = process.argv.slice(2);
  const paths = args.filter((a) => !a.startsWith("--"));
  if (paths.length === 0) throw new Error("usage: tsx bench/profile-shares.ts <file.cpuprofile>... [--files]");
  for (const path of paths) {
    const { layers, files } = layerTimes(JSON.parse(readFileSync(path, "utf8")) as CpuProfile);
    const excluded = (name: string) => name === "idle" || name.endsWith("(not the gateway)");
    const busy = [...layers].filter(([name]) => !excluded(name)).reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${path}: ${(busy / 1000).toFixed(1)} s busy in the gateway (idle ${((layers.get("idle") ?? 0) / 1000).toFixed(1)} s)`);
    const rows = [...layers]
      .filter(([name]) => !excluded(name))
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => [name, Math.round(ms), `${((ms / busy) * 100).toFixed(1)} %`]);
    console.log(formatTable(["layer", "self ms", "share"], rows));
    if (args.includes("--files")) {
      const top = [...files].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([f, ms]) => [f, Math.round(ms), `${((ms / busy) * 100).toFixed(1)} %`]);
      console.log(formatTable(["file", "self ms", "share"], top));
    }
  }
}

main();
