import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnTs } from "../helpers/child.js";

const VIEWER = JSON.stringify({ query: "{ viewer { tenant { id name mode } } }" });

async function viewer(url: string, key: string) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: VIEWER,
  });
  return (await res.json()) as { data?: { viewer: { tenant: { id: string; name: string; mode: string } } }; errors?: unknown[] };
}

describe("npm start (src/main.ts) on the embedded defaults", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("prints a default test key once, serves it, and keeps data across a restart", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "fgw-start-"));
    dirs.push(dataDir);
    const env = { PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "warn" };

    const first = spawnTs("src/main.ts", [], env);
    const [, url, key] = await first.waitFor(/ready on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*?(fgw_test_[A-Za-z0-9_-]{32})/, 60_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const before = await viewer(url!, key!);
    expect(before.data?.viewer.tenant).toMatchObject({ name: "default", mode: "TEST" });
    await first.kill("SIGTERM");

    const second = spawnTs("src/main.ts", [], { ...env, LOG_LEVEL: "info" });
    const [, url2] = await second.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 60_000);
    const after = await viewer(url2!, key!);
    expect(after.data?.viewer.tenant).toEqual(before.data?.viewer.tenant);
    expect(second.stdout()).not.toContain("fgw_test_");
    await second.kill("SIGTERM");
  }, 150_000);
});
