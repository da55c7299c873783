/**
 * CPU-profiles the sandbox clock advance alone (seeding excluded): seeds tenants as
 * sandbox-clock.bench.ts does, then profiles their advances, with callbacks or without:
 *
 *   npx tsx bench/profile-clock.ts [callbacks|none] [rounds] [out.cpuprofile]
 *   npx tsx bench/profile-shares.ts out.cpuprofile --files
 *
 * Prints each advance's time, the process's CPU time and page faults during the advances, and the
 * garbage collector's pauses.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { PerformanceObserver, constants, performance } from "node:perf_hooks";
import { MONTH_SECONDS, startClockBench } from "./sandbox-clock.bench.js";

const [mode = "callbacks", roundsArg = "3", out] = process.argv.slice(2);
if (mode !== "callbacks" && mode !== "none") throw new Error(`mode: expected callbacks or none, received ${mode}`);
const rounds = Number(roundsArg);
const bench = await startClockBench();
const tenants = Array.from({ length: rounds }, (_, r) => `profile_${r}`);
for (const t of tenants) await bench.seed(t, mode === "callbacks");
// One unprofiled advance first, so the profile shows steady-state code, not its first compilation.
await bench.seed("warm", mode === "callbacks");
await bench.sandbox.service.advance("warm", MONTH_SECONDS);

const session = new Session();
if (out) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const gc = { scavenge: 0, markCompact: 0, count: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count += 1;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.scavenge += e.duration;
    else gc.markCompact += e.duration;
  }
});
observer.observe({ entryTypes: ["gc"] });
const cpuBefore = process.cpuUsage();
const faultsBefore = process.resourceUsage().minorPageFault;
for (const t of tenants) {
  const t0 = performance.now();
  await bench.sandbox.service.advance(t, MONTH_SECONDS);
  console.log(`${t}: ${Math.round(performance.now() - t0)} ms`);
}
const cpu = process.cpuUsage(cpuBefore);
const faults = process.resourceUsage().minorPageFault - faultsBefore;
observer.disconnect();
// Page faults are steadier than times on a shared machine, and each costs tens of µs on a VM.
console.log(`CPU during the advances: ${Math.round((cpu.user + cpu.system) / 1000 / rounds)} ms per advance, ${Math.round(faults / rounds)} page faults`);
console.log(
  `GC per advance: ${(gc.count / rounds).toFixed(0)} pauses, scavenges ${Math.round(gc.scavenge / rounds)} ms, other ${Math.round(gc.markCompact / rounds)} ms`,
);
if (out) {
  const { profile } = await session.post("Profiler.stop");
  await writeFile(out, JSON.stringify(profile));
  console.log(`profile written to ${out}`);
}
await bench.close();
process.exit(0);
