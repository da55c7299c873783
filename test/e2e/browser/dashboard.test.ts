import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { build } from "vite";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { REPO_ROOT } from "../../helpers/child.js";
import { PLACE_ORDER, applicantInput, recipientInput } from "../../helpers/orders.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"];
if (!existsSync(CHROMIUM)) console.warn(`dashboard: ${CHROMIUM} is missing (apt-get install -y chromium); skipping the browser test`);

const require = createRequire(import.meta.url);

type Axe = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };

/** axe-core in the page: the violations a screen-reader or keyboard user would hit, serious or worse. */
async function seriousViolations(page: Page): Promise<string[]> {
  const source = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  // Injected through the DevTools protocol, so the page's CSP (default-src 'self') does not block it.
  const results = (await page.evaluate(`${source}; axe.run(document, { resultTypes: ["violations"] })`)) as Axe;
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)("the sandbox dashboard in a real browser", () => {
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let key: string;
  let shots: string;
  let receiver: http.Server;
  let receiverUrl: string;
  const offOrigin: string[] = [];
  const shoot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const api = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await gw.graphql(query, variables, key);
    expect(res.body.errors).toBeUndefined();
    return res.body.data as Record<string, unknown>;
  };
  const tab = (name: string) => page.getByRole("navigation", { name: "Sections" }).getByRole("button", { name });

  beforeAll(async () => {
    // The dashboard as `npm run build` makes it, into a folder of this test's own (dist/ may be swapped by a build meanwhile).
    const outDir = await mkdtemp(path.join(os.tmpdir(), "fgw-dashboard-build-"));
    await build({ configFile: path.join(REPO_ROOT, "src/dashboard/vite.config.ts"), logLevel: "silent", build: { outDir, emptyOutDir: true } });
    gw = await startTestGateway({ DASHBOARD_DIR: outDir });
    key = (await gw.tenant("TEST", "partner")).apiKey;
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.host !== new URL(gw.url).host) offOrigin.push(req.url());
    });
    shots = await mkdtemp(path.join(os.tmpdir(), "fgw-dashboard-"));
  }, 90_000);

  afterEach(async (context) => {
    // What the page showed when a step failed, beside the other screenshots.
    if (context.task.result?.state === "fail" && page) await shoot(`failed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await gw?.close();
  });

  it("serves the page under a strict Content-Security-Policy", async () => {
    const res = await fetch(`${gw.url}/dashboard/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it("refuses a live key with a clear message, then signs in with a test key kept in sessionStorage only", async () => {
    await page.goto(`${gw.url}/dashboard/`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Test API key").fill("fgw_live_" + "a".repeat(32));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/live key.*test keys/);
    await shoot("sign-in-live-key");

    await page.getByLabel("Test API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    expect(await page.evaluate("Object.values(sessionStorage)")).toContain(key);
    expect(page.url()).not.toContain(key);
    expect(await page.context().cookies()).toEqual([]);
  });

  it("shows an order placed through the API live, and its status change after a clock advance", async () => {
    // Subscribed once the page says so; an order placed now reaches it through statusEvents.
    await page.getByText("Live feed").waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const placed = await api(PLACE_ORDER, { input: { productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 1 } }, key: "dash-reader-0001" });
    const id = (placed.placeOrder as { id: string }).id;
    const row = page.locator(`tr[data-request-id="${id}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("IN_LAVORAZIONE");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot("requests");

    await tab("Clock").click();
    await page.getByRole("heading", { name: "Upcoming transitions" }).waitFor();
    await expect.poll(() => page.locator("table").textContent(), { timeout: 10_000 }).toContain("EVASA");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot("clock");
    await page.getByRole("button", { name: "Advance to the next transition" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 15_000 }).toMatch(/1 status change/);

    await tab("Requests").click();
    await expect.poll(() => page.locator(`tr[data-request-id="${id}"]`).textContent(), { timeout: 15_000 }).toContain("EVASA");
  });

  it("opens the timeline with the callback's body, and resends the callback", async () => {
    const requestLink = page.locator("tr", { hasText: "LETTORE" }).getByRole("button");
    await requestLink.click();
    await page.getByRole("heading", { name: "Callbacks sent by the sandbox" }).waitFor();
    const callback = page.getByRole("article", { name: "Callback EVASA" });
    await callback.getByText(/^Body/).click();
    await expect.poll(() => callback.locator("pre").textContent()).toMatch(/evasa/i);
    await expect.poll(() => page.locator(".lifecycle [aria-current=step]").textContent()).toBe("EVASA");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot("timeline");
    const before = await page.getByRole("article", { name: /^Callback / }).count();
    await callback.getByRole("button", { name: "Resend callback" }).click();
    await expect.poll(() => page.getByRole("article", { name: /^Callback / }).count(), { timeout: 10_000 }).toBe(before + 1);
  });

  it("forces a refused identification on a kit from its timeline", async () => {
    const placed = await api(PLACE_ORDER, { input: { productCode: "KIT", signature: { shipping: "EXPRESS", applicant: applicantInput() } }, key: "dash-kit-0001" });
    const id = (placed.placeOrder as { id: string }).id;
    await page.getByRole("button", { name: "← All requests" }).click();
    await page.locator(`tr[data-request-id="${id}"]`).getByRole("button").click();
    await page.getByRole("button", { name: "Force: identification refused" }).click();
    await expect.poll(() => page.locator(".error").count()).toBe(0);
    const timeline = await api(`query($id: ID!) { signatureRequestTimeline(id: $id) { nextMoves } }`, { id });
    expect((timeline.signatureRequestTimeline as { nextMoves: string[] }).nextMoves).toContain("UPLOAD_DOCUMENTS");
    await shoot("timeline-kit");
  });

  it("toggles a fault and shows an API error in words with its code", async () => {
    await tab("Faults, wallet, reset").click();
    await page.getByLabel("Drop every callback").click();
    await expect.poll(async () => ((await api(`{ sandbox { faults { dropCallbacks } } }`)).sandbox as { faults: { dropCallbacks: boolean } }).faults.dropCallbacks).toBe(true);
    await expect.poll(() => page.getByLabel("Drop every callback").isChecked()).toBe(true);
    await page.getByLabel("Share of calls answered 503 (0 to 1)").fill("7");
    await page.getByRole("button", { name: "Save fault rates" }).click();
    await expect.poll(() => page.locator(".error").first().textContent()).toMatch(/BAD_USER_INPUT/);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot("faults");
  });

  it("creates a webhook endpoint and rotates its secret", async () => {
    await tab("Webhooks").click();
    await page.getByLabel("Endpoint URL (public https address)").fill(receiverUrl);
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const secretOf = () => page.locator("code.secret").textContent();
    await expect.poll(secretOf, { timeout: 10_000 }).toMatch(/^whsec_/);
    const first = await secretOf();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await expect.poll(secretOf, { timeout: 10_000 }).not.toBe(first);
    await expect.poll(() => page.getByRole("article", { name: `Endpoint ${receiverUrl}` }).textContent()).toMatch(/previous secret valid until/);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot("webhooks");
  });

  it("checks a webhook signature in the page", async () => {
    await page.getByLabel("Endpoint secret (whsec_...)").fill("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    await page.getByLabel("webhook-id header").fill("msg_p5jXN8AQM9LWM0D4loKWxJek");
    await page.getByLabel("webhook-timestamp header").fill("1614265330");
    await page.getByLabel("webhook-signature header").fill("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    await page.getByLabel("Raw body").fill('{"test": 2432232314}');
    await page.getByRole("button", { name: "Check the signature" }).click();
    await expect.poll(() => page.getByRole("status").last().textContent()).toMatch(/The signature verifies.*msg_p5jXN8AQM9LWM0D4loKWxJek\.1614265330\.\{"test": 2432232314\}/);
  });

  it("resets the sandbox after a confirmation", async () => {
    await tab("Faults, wallet, reset").click();
    await page.getByRole("button", { name: "Reset the sandbox…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Yes, reset" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 10_000 }).toMatch(/Reset: 2 request/);
    const left = await api(`{ signatureRequests(first: 5) { edges { node { id } } } }`);
    expect((left.signatureRequests as { edges: unknown[] }).edges).toEqual([]);
    await tab("Requests").click();
    await page.getByText("No requests yet").waitFor();
    await shoot("after-reset");
    expect(offOrigin).toEqual([]);
  });
});
