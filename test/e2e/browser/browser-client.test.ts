import { existsSync } from "node:fs";
import { readFile, mkdtemp } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { REPO_ROOT } from "../../helpers/child.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

/** Debian's Chromium; `.ci/run` installs it when missing. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"];
if (!existsSync(CHROMIUM)) console.warn(`browser-client: ${CHROMIUM} is missing (apt-get install -y chromium); skipping the browser test`);

/** A static file server for the example page: what a frontend team's own host would be. */
async function serveExample(): Promise<{ origin: string; close(): Promise<void> }> {
  const page = await readFile(path.join(REPO_ROOT, "examples/browser-client/index.html"));
  const server = http.createServer((req, res) => {
    if (req.url === "/" || req.url === "/index.html") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)("a web page on another origin calling the gateway with a session token", () => {
  let gw: TestGateway;
  let listed: Awaited<ReturnType<typeof serveExample>>;
  let unlisted: Awaited<ReturnType<typeof serveExample>>;
  let browser: Browser;
  let apiKey: string;
  let token: string;
  let shots: string;

  const open = async (origin: string, bearer: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${origin}/index.html`);
    await page.getByLabel("Gateway URL").fill(gw.url);
    await page.getByLabel("Session token (from your backend)").fill(bearer);
    return page;
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    const tenant = await gw.tenant("TEST", "web-shop");
    apiKey = tenant.apiKey;
    [listed, unlisted] = await Promise.all([serveExample(), serveExample()]);
    const set = await gw.graphql(`mutation($o: [String!]!) { setAllowedOrigins(origins: $o) }`, { o: [listed.origin] }, apiKey);
    expect(set.body.errors).toBeUndefined();
    expect(await sandboxPut(gw.url, apiKey, "_wallet", { balance: 1_000_000 })).toBe(200);
    const minted = await gw.graphql(
      `mutation { createSessionToken(subject: "customer-42", scopes: [CATALOGUE_READ, ORDERS_WRITE, REQUESTS_READ, FEED_READ]) { token } }`,
      {},
      apiKey,
    );
    token = (minted.body.data!.createSessionToken as { token: string }).token;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    shots = await mkdtemp(path.join(os.tmpdir(), "fgw-browser-client-"));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await listed?.close();
    await unlisted?.close();
    await gw?.close();
  });

  it("queries the catalogue, places an order and follows it live over graphql-ws", async () => {
    const page = await open(listed.origin, token);
    const offOrigin: string[] = [];
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.origin !== listed.origin && url.origin !== gw.url && url.origin !== gw.url.replace(/^http/, "ws")) offOrigin.push(req.url());
    });
    await page.getByRole("button", { name: "Load the catalogue" }).click();
    await expect.poll(() => page.locator("#catalogue tr").count(), { timeout: 10_000 }).toBeGreaterThan(10);
    await expect.poll(() => page.locator("#catalogue").textContent()).toContain("LETTORE");

    await page.getByRole("button", { name: "Order a card reader" }).click();
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 10_000 }).toBe("IN_LAVORAZIONE");
    const requestId = (await page.locator("#request").textContent())!;
    const stored = await gw.graphql(`query($id: ID!) { signatureRequest(id: $id) { id productCode } }`, { id: requestId }, apiKey);
    expect(stored.body.data!.signatureRequest).toMatchObject({ id: requestId, productCode: "LETTORE" });

    // The tenant's backend moves its sandbox clock: the page sees the change on its subscription.
    await gw.graphql(`mutation { advanceSandboxClock(seconds: 5184000) { now } }`, {}, apiKey);
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 15_000 }).toBe("EVASA");
    expect(await page.locator("#error").textContent()).toBe("");
    await page.screenshot({ path: path.join(shots, "listed-origin.png"), fullPage: true });
    expect(offOrigin).toEqual([]);
    await page.close();
  });

  it("fails from an origin the tenant does not list", async () => {
    const page = await open(unlisted.origin, token);
    await page.getByRole("button", { name: "Load the catalogue" }).click();
    // The browser withholds the answer (no CORS headers): fetch rejects.
    await expect.poll(() => page.locator("#error").textContent(), { timeout: 10_000 }).toMatch(/Failed to fetch/);
    expect(await page.locator("#catalogue tr").count()).toBe(0);
    await page.screenshot({ path: path.join(shots, "unlisted-origin.png"), fullPage: true });
    await page.close();
  });

  it("refuses the tenant's secret API key from the page, pointing to session tokens", async () => {
    const page = await open(listed.origin, apiKey);
    await page.getByRole("button", { name: "Load the catalogue" }).click();
    await expect.poll(() => page.locator("#error").textContent(), { timeout: 10_000 }).toMatch(/^FORBIDDEN: secret API keys are for servers.*session token/);
    expect(await page.locator("#catalogue tr").count()).toBe(0);
    await page.screenshot({ path: path.join(shots, "secret-key.png"), fullPage: true });
    await page.close();
  });
});
