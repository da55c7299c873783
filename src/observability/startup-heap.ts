import { setFlagsFromString } from "node:v8";

/** V8's own default (flag-definitions.h): a scavenge that finds many survivors doubles the young generation. */
const DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * Keeps V8's young generation at its initial size while the gateway starts, and gives V8 its usual
 * sizing back once it serves.
 *
 * Start-up (loading modules, building the schema, the worker's engine) allocates mostly long-lived
 * objects, so every scavenge sees a high survival rate and V8 grows the young generation to its
 * maximum, two 16 MiB semi-spaces, and keeps it there while the gateway idles (V8 shrinks it only in
 * a full collection under 1 kB/ms of allocation; the background loops' polling allocates about as
 * much). Growing it does not help start-up, since what survives is promoted whatever the size.
 * Held at its initial size, an idle gateway keeps about 20 MiB less RSS (bench/memory.bench.ts). Under
 * traffic, V8 grows it again as it always does (the flag is read at each growth), so throughput is
 * untouched.
 *
 * Left alone when Node was started with its own semi-space flags (NODE_OPTIONS or the command line).
 */
export function startupHeap(): { end(): void } {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((arg) => /semi[-_]space/.test(arg));
  if (given) return { end: () => undefined };
  setFlagsFromString("--semi-space-growth-factor=1");
  return {
    end() {
      setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
    },
  };
}
