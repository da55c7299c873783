import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { PLACE_ORDER } from "../../helpers/orders.js";
import { WebhookService } from "../../../src/services/webhooks.service.js";
import { authenticateApiKey } from "../../../src/services/tenants.service.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Standard Webhooks verification, written from the spec (not with the gateway's signer). */
function verify(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${String(headers["webhook-id"])}.${String(headers["webhook-timestamp"])}.${body}`).digest();
  return String(headers["webhook-signature"])
    .split(" ")
    .some((sig) => {
      const [version, value] = sig.split(",");
      const given = Buffer.from(value ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const CREATE = `mutation($url: String!, $d: String) { createWebhookEndpoint(url: $url, description: $d) { secret endpoint { id url description } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 10) { id eventId messageId status attempts lastResponseCode lastError } }`;

describe("outbound webhooks", () => {
  let gw: TestGateway;
  let key: string;
  let otherKey: string;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** Status codes to answer, in order; 200 once exhausted. */
  const answers: number[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    gw = await startTestGateway({}, { webhookRetryScheduleMs: [0, 20, 20, 20], webhookPollIntervalMs: 50 });
    key = (await gw.tenant("TEST", "reseller")).apiKey;
    otherKey = (await gw.tenant("TEST", "other")).apiKey;
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("delivers each status event signed per Standard Webhooks, retrying after 500s until it succeeds, and lists the deliveries", async () => {
    const created = await gw.graphql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string; url: string; description: string } } }>(
      CREATE,
      { url: receiverUrl, d: "orders" },
      key,
    );
    expect(created.body.errors).toBeUndefined();
    const { secret, endpoint } = created.body.data!.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(endpoint).toMatchObject({ url: receiverUrl, description: "orders" });

    const listed = await gw.graphql<{ webhookEndpoints: { id: string }[] }>("{ webhookEndpoints { id url description createdAt } }", {}, key);
    expect(listed.body.data!.webhookEndpoints.map((e) => e.id)).toEqual([endpoint.id]);
    const foreignList = await gw.graphql<{ webhookEndpoints: { id: string }[] }>("{ webhookEndpoints { id } }", {}, otherKey);
    expect(foreignList.body.data!.webhookEndpoints).toEqual([]);

    answers.push(500, 500);
    // A renewal is issued at once: one event, SUBMITTING → EVASA.
    const placed = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: { productCode: "RINFIR", renewal: { assistance: false } }, key: randomUUID() }, key);
    expect(placed.body.errors).toBeUndefined();

    const deadline = Date.now() + 15_000;
    let deliveries: { status: string; attempts: number; lastResponseCode: number | null; messageId: string; eventId: string }[] = [];
    while (Date.now() < deadline) {
      const res = await gw.graphql<{ webhookDeliveries: typeof deliveries }>(DELIVERIES, { id: endpoint.id }, key);
      expect(res.body.errors).toBeUndefined();
      deliveries = res.body.data!.webhookDeliveries;
      if (deliveries[0]?.status === "SUCCEEDED") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: "SUCCEEDED", attempts: 3, lastResponseCode: 200, lastError: null });

    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(verify(secret, r.headers, r.body)).toBe(true);
      expect(r.headers["webhook-id"]).toBe(deliveries[0]!.messageId);
      expect(r.headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const body = JSON.parse(received[2]!.body) as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({
      type: "signature_request.status_changed",
      data: { id: deliveries[0]!.eventId, requestId: placed.body.data!.placeOrder.id, from: "SUBMITTING", to: "EVASA", sequence: 1 },
    });
    // A tampered body or another secret does not verify.
    expect(verify(secret, received[2]!.headers, received[2]!.body.replace("EVASA", "FAILED"))).toBe(false);
    expect(verify(`whsec_${Buffer.alloc(32, 1).toString("base64")}`, received[2]!.headers, received[2]!.body)).toBe(false);
  });

  it("answers NOT_FOUND for another tenant's endpoint, and deletes an endpoint once", async () => {
    const created = await gw.graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(CREATE, { url: receiverUrl }, key);
    const id = created.body.data!.createWebhookEndpoint.endpoint.id;
    const foreign = await gw.graphql(DELIVERIES, { id }, otherKey);
    expect(foreign.body.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const foreignDelete = await gw.graphql("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", { id }, otherKey);
    expect(foreignDelete.body.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const deleted = await gw.graphql("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", { id }, key);
    expect(deleted.body.data).toEqual({ deleteWebhookEndpoint: true });
    const again = await gw.graphql("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", { id }, key);
    expect(again.body.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const bad = await gw.graphql(CREATE, { url: "ftp://example.com/hook" }, key);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "url" }] });
  });

  it("refuses private, loopback and link-local targets unless private targets are allowed", async () => {
    const tenant = (await authenticateApiKey(key))!;
    const cipher = { encrypt: (s: string) => s, decrypt: (s: string) => s };
    const lookup = async (host: string) => [{ address: host === "intranet.example" ? "10.1.2.3" : "93.184.215.14" }];
    const strict = new WebhookService({ cipher, logger: pino({ level: "silent" }), allowPrivateTargets: false, lookup });
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://localhost/hook",
      "http://10.0.0.5/hook",
      "http://192.168.1.1/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "https://intranet.example/hook",
    ]) {
      const lookupOrLocal = url.includes("localhost") ? async () => [{ address: "127.0.0.1" }] : lookup;
      const service = url.includes("localhost") ? new WebhookService({ cipher, logger: pino({ level: "silent" }), allowPrivateTargets: false, lookup: lookupOrLocal }) : strict;
      await expect(service.createEndpoint(tenant, url, null), url).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", fields: [{ path: "url" }] } });
    }
    const ok = await strict.createEndpoint(tenant, "https://hooks.example.com/in", "public");
    expect(ok.endpoint.url).toBe("https://hooks.example.com/in");
    await expect(strict.createEndpoint(tenant, "https://user:pw@hooks.example.com/in", null)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });
});
