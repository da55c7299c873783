/* global process, console, setTimeout */
// Compiles src/ to dist/ with tsc (tsconfig.build.json). Plain JavaScript on purpose: it runs before
// anything is compiled, and where typescript is absent (npm ci --omit=dev).
//
//   node scripts/build.mjs              always build
//   node scripts/build.mjs --if-stale   build only when a file under src/ (or a tsconfig, or
//                                       package.json) is newer than the last build; a fresh dist
//                                       costs one walk of src/ (a few ms), so `npm start` stays fast
//   --optional                          without typescript, say so and succeed (npm's `prepare`
//                                       under --omit=dev must not fail the install)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp");
const INPUTS = ["src", "tsconfig.json", "tsconfig.build.json", "package.json"];

const args = new Set(process.argv.slice(2));
const ifStale = args.has("--if-stale");
const optional = args.has("--optional");

/** The newest modification time (ms) of a file or of any file under a directory. */
function newest(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

function builtAt() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

const fresh = () => {
  const stamp = builtAt();
  return stamp >= 0 && INPUTS.every((p) => newest(path.join(ROOT, p)) <= stamp);
};
if (ifStale && fresh()) process.exit(0);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function holderAlive() {
  try {
    const pid = Number.parseInt(readFileSync(path.join(LOCK, "pid"), "utf8"), 10);
    if (!(pid > 0)) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

// One build at a time (test files and npm scripts may ask at once): the others wait, then find a
// fresh dist. A lock left by a killed build is taken over.
const LOCK = path.join(ROOT, ".dist-build.lock");
for (;;) {
  try {
    mkdirSync(LOCK);
    writeFileSync(path.join(LOCK, "pid"), String(process.pid));
    break;
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
    if (!holderAlive()) {
      // No pid yet (just created) or a dead holder: give a new holder a moment, then take over.
      await sleep(300);
      if (!holderAlive()) rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    await sleep(250);
  }
}
process.on("exit", () => rmSync(LOCK, { recursive: true, force: true }));
if (ifStale && fresh()) process.exit(0);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  const hasDist = existsSync(path.join(DIST, "main.js"));
  const note = "typescript is not installed (npm install --omit=dev?), so dist/ cannot be built here";
  if (hasDist) {
    console.error(`build: ${note}; using the existing dist/ as it is`);
    process.exit(0);
  }
  console.error(`build: ${note}. Build first with the dev dependencies (npm ci && npm run build), then prune (npm prune --omit=dev).`);
  process.exit(optional ? 0 : 1);
}

// Build beside dist/ and swap it in, so a concurrent reader never sees half a tree.
const tmp = path.join(ROOT, `.dist-build-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
const started = Date.now();
const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", tmp], {
  cwd: ROOT,
  stdio: "inherit",
});
if (result.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  console.error(`build: tsc failed (exit ${result.status ?? result.signal})`);
  process.exit(1);
}
// The partners' dashboard (React, Vite) goes into the same tree, at dist/dashboard.
// (vite's `exports` hide its bin; its folder is public)
const vite = path.join(path.dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
const dashboard = spawnSync(
  process.execPath,
  [vite, "build", "--config", path.join(ROOT, "src/dashboard/vite.config.ts"), "--outDir", path.join(tmp, "dashboard"), "--emptyOutDir", "--logLevel", "warn"],
  { cwd: ROOT, stdio: "inherit" },
);
if (dashboard.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  console.error(`build: the dashboard's vite build failed (exit ${dashboard.status ?? dashboard.signal})`);
  process.exit(1);
}
// Stamped with the start time: a source saved while tsc ran is newer, so the next start rebuilds.
writeFileSync(path.join(tmp, ".build-stamp"), `${new Date(started).toISOString()}\n`);
utimesSync(path.join(tmp, ".build-stamp"), started / 1000, started / 1000);
rmSync(DIST, { recursive: true, force: true });
try {
  renameSync(tmp, DIST);
} catch (err) {
  // Another build finished in between and took the place: its output is as fresh as ours.
  rmSync(tmp, { recursive: true, force: true });
  if (!existsSync(path.join(DIST, "main.js"))) throw err;
}
console.error(`build: dist/ compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
