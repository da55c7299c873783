import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./child.js";

/** How long a hook that builds dist/ may take (tsc on a busy machine). */
export const BUILD_TIMEOUT_MS = 240_000;

/**
 * Makes sure dist/ is compiled from the current sources, for tests that run `npm start`, `npm run
 * db` or compiled modules as a user does. npm's `prepare` builds it at install; this rebuilds it
 * when a source changed since (one build at a time across test files; a no-op when fresh).
 */
export async function ensureDist(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, "scripts/build.mjs"), "--if-stale"], { cwd: REPO_ROOT });
}
