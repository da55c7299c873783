import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * vitest globalSetup: tests that run `npm start` / `npm run db` as a user does need dist/. npm's
 * `prepare` builds it at install; this rebuilds it once per run when a source changed since.
 */
export default function buildDist(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  execFileSync(process.execPath, [path.join(root, "scripts/build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });
}
