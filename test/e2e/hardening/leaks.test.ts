import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";
import { APPLICANT_TAX_CODE, p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";
import { capturingLogger, dumpCollections, sandboxPut } from "../../helpers/hardening.js";

const DOCUMENT_NUMBER = "CA12345AB";
const OPENAPI_TOKEN = `openapi-live-token-${randomUUID()}`;

describe("personal data and secrets at rest and in logs", () => {
  let gw: TestGateway;
  let lines: string[];
  let liveUpstream: http.Server;
  let liveCalls = 0;
  let testKey: string;
  let liveKey: string;

  beforeAll(async () => {
    // A live upstream that is down: every call answers 503 (the gateway sends it the Openapi token).
    liveUpstream = http.createServer((req, res) => {
      liveCalls++;
      req.resume();
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ data: null, success: false, message: "down", error: 503 }));
    });
    await new Promise<void>((resolve) => liveUpstream.listen(0, "127.0.0.1", resolve));
    const capture = capturingLogger();
    lines = capture.lines;
    gw = await startTestGateway(
      { FIRMADIGITALE_URL: `http://127.0.0.1:${(liveUpstream.address() as AddressInfo).port}` },
      { reconcileIntervalMs: 100, checkDelayMs: 100, maxCheckDelayMs: 300, upstreamTimeoutMs: 2_000 },
      { logger: capture.logger },
    );
    testKey = (await gw.tenant("TEST", "leaks")).apiKey;
    const live = await gw.tenant("LIVE", "leaks live");
    liveKey = live.apiKey;
    const set = await gw.graphql("mutation($id: ID!, $t: String!) { setUpstreamToken(tenantId: $id, token: $t) { id } }", { id: live.id, t: OPENAPI_TOKEN }, TEST_ADMIN_TOKEN);
    expect(set.body.errors).toBeUndefined();
    expect(await sandboxPut(gw.url, testKey, "_wallet", { balance: 1_000_000 })).toBe(200);
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((resolve) => liveUpstream?.close(() => resolve()));
  });

  it("logs none of the tax code, document number, Openapi token or API keys through a whole lifecycle at level trace", async () => {
    const gql = async (query: string, variables: Record<string, unknown>, bearer = testKey) => (await gw.graphql<Record<string, { id: string; status: string }>>(query, variables, bearer)).body;
    const placed = await gql(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: `leak-${randomUUID()}` });
    expect(placed.errors).toBeUndefined();
    const id = placed.data!.placeOrder!.id;
    expect((await gql("mutation($id: ID!) { registrationFormUrl(requestId: $id) { url } }", { id })).errors).toBeUndefined();
    const uploaded = await gql(
      "mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { id status } }",
      { id, form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") }, doc: { fileName: "doc.png", contentBase64: pngBuffer().toString("base64") } },
    );
    expect(uploaded.errors).toBeUndefined();
    expect((await gql("mutation { advanceSandboxClock(seconds: 2592000) { now } }", {})).errors).toBeUndefined();
    const refreshed = await gql("mutation($id: ID!) { refreshSignatureRequest(id: $id) { id status } }", { id });
    expect(refreshed.data!.refreshSignatureRequest!.status).toBe("EVASA");
    // A search by tax code, and refused input carrying the personal data.
    expect((await gql("query($s: String) { signatureRequests(first: 5, filter: {search: $s}) { edges { node { id } } } }", { s: APPLICANT_TAX_CODE })).errors).toBeUndefined();
    const refused = await gql(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput({ email: "nope" }) } }, key: `leak-${randomUUID()}` });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // Upstream errors: the sandbox failing every call, then the live upstream down.
    expect(await sandboxPut(gw.url, testKey, "_faults", { error_rate: 1 })).toBe(200);
    const failed = await gql("mutation($id: ID!) { refreshSignatureRequest(id: $id) { id status } }", { id });
    expect(failed.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    const orderWhileDown = await gql(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: `leak-${randomUUID()}` });
    expect(orderWhileDown.errors ?? []).toEqual([]);
    expect(await sandboxPut(gw.url, testKey, "_faults", { error_rate: 0 })).toBe(200);
    const live = await gql("{ products { code } }", {}, liveKey);
    expect(live.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(liveCalls).toBeGreaterThan(0);
    // Let the reconciler work on the order left SUBMITTING, so its lines are captured too.
    await new Promise((r) => setTimeout(r, 500));

    expect(lines.length).toBeGreaterThan(0);
    // The capture holds the upstream failures' lines: the scan below looks at real traffic.
    expect(lines.some((l) => l.includes('"upstreamStatus":503'))).toBe(true);
    const secrets = { taxCode: APPLICANT_TAX_CODE, documentNumber: DOCUMENT_NUMBER, openapiToken: OPENAPI_TOKEN, testKey, liveKey, adminToken: TEST_ADMIN_TOKEN };
    const found = Object.entries(secrets).flatMap(([what, secret]) => lines.filter((l) => l.toUpperCase().includes(secret.toUpperCase())).map((l) => ({ what, line: l.slice(0, 300) })));
    expect(found).toEqual([]);
  });

  it("stores no tax code, document number, Openapi token or API key in clear in any collection, the sandbox's included", async () => {
    const collections = await dumpCollections(gw.db.connection.db!, () => true);
    expect(Object.keys(collections)).toEqual(
      expect.arrayContaining(["applicants", "signaturerequests", "tenants", "apikeys", "sandbox_requests", "sandbox_callbacks"]),
    );
    expect(collections.applicants).toContain("taxCodeEnc");
    const secrets = { taxCode: APPLICANT_TAX_CODE, documentNumber: DOCUMENT_NUMBER, openapiToken: OPENAPI_TOKEN, testKey, liveKey };
    const found = Object.entries(collections).flatMap(([name, text]) =>
      Object.entries(secrets)
        .filter(([, secret]) => text.toUpperCase().includes(secret.toUpperCase()))
        .map(([what]) => `${what} in ${name}`),
    );
    expect(found).toEqual([]);
  });
});
