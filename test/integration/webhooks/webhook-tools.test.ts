import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Standard Webhooks verification written from the spec: true when any `v1,` entry matches. */
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers, checked by the assertions
type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };

const CREATE = `mutation($url: String!) { createWebhookEndpoint(url: $url) { secret endpoint { id } } }`;
const DELIVERY_FIELDS = "id endpointId eventId messageId status attempts body example attemptLog { at responseCode error durationMs }";

let gw: TestGateway;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  gw = await startTestGateway({}, { webhookRetryScheduleMs: [0, 20, 20], webhookPollIntervalMs: 50 });
});
afterAll(async () => {
  await gw?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function gql(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await gw.graphql(query, variables, key)).body as Gql;
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("timed out waiting");
}

async function endpoint(key: string): Promise<{ id: string; secret: string }> {
  const res = await gql(key, CREATE, { url: receiverUrl });
  expect(res.errors).toBeUndefined();
  return { id: res.data!.createWebhookEndpoint.endpoint.id, secret: res.data!.createWebhookEndpoint.secret };
}

describe("webhook tools", () => {
  it("sends a signed example event, logging its attempt", async () => {
    const { apiKey: key } = await gw.tenant();
    const ep = await endpoint(key);
    const sent = await gql(key, `mutation($id: ID!) { sendExampleWebhook(endpointId: $id) { ${DELIVERY_FIELDS} } }`, { id: ep.id });
    expect(sent.errors).toBeUndefined();
    const delivery = sent.data!.sendExampleWebhook;
    expect(delivery).toMatchObject({ endpointId: ep.id, example: true, status: "PENDING" });
    const got = await waitFor(async () => received.find((r) => r.headers["webhook-id"] === delivery.messageId));
    expect(verify(ep.secret, got.headers, got.body)).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ type: "example.status_changed", example: true });
    const listed = await waitFor(async () => {
      const res = await gql(key, `query($id: ID!) { webhookDeliveries(endpointId: $id) { ${DELIVERY_FIELDS} } }`, { id: ep.id });
      const d = res.data!.webhookDeliveries[0];
      return d?.status === "SUCCEEDED" ? d : undefined;
    });
    expect(listed.attemptLog).toEqual([expect.objectContaining({ responseCode: 200, error: null })]);
    expect(listed.body).toBe(got.body);
    expect((await gql(key, `mutation { sendExampleWebhook(endpointId: "${"0".repeat(24)}") { id } }`)).errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });

  it("redelivers a delivery with the same webhook-id and body", async () => {
    const { apiKey: key } = await gw.tenant();
    const ep = await endpoint(key);
    const delivery = (await gql(key, `mutation($id: ID!) { sendExampleWebhook(endpointId: $id) { id messageId } }`, { id: ep.id })).data!.sendExampleWebhook;
    await waitFor(async () => received.filter((r) => r.headers["webhook-id"] === delivery.messageId).length === 1);
    await waitFor(async () => (await gql(key, `query($id: ID!) { webhookDeliveries(endpointId: $id) { status } }`, { id: ep.id })).data!.webhookDeliveries[0].status === "SUCCEEDED");
    const again = await gql(key, `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`, { id: delivery.id });
    expect(again.data!.redeliverWebhook).toEqual({ id: delivery.id, status: "PENDING" });
    const copies = await waitFor(async () => {
      const r = received.filter((x) => x.headers["webhook-id"] === delivery.messageId);
      return r.length === 2 ? r : undefined;
    });
    expect(copies[1]!.body).toBe(copies[0]!.body);
    const log = await waitFor(async () => {
      const d = (await gql(key, `query($id: ID!) { webhookDeliveries(endpointId: $id) { attempts attemptLog { responseCode } } }`, { id: ep.id })).data!.webhookDeliveries[0];
      return d.attempts === 2 ? d : undefined;
    });
    expect(log.attemptLog).toHaveLength(2);
    const other = (await gw.tenant()).apiKey;
    expect((await gql(other, `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, { id: delivery.id })).errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });

  it("rotates a secret: both signatures during the overlap, the new one only with overlapHours 0", async () => {
    const { apiKey: key } = await gw.tenant();
    const ep = await endpoint(key);
    const rotated = await gql(key, `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id) { secret previousSecretExpiresAt endpoint { id previousSecretExpiresAt } } }`, { id: ep.id });
    expect(rotated.errors).toBeUndefined();
    const { secret, previousSecretExpiresAt } = rotated.data!.rotateWebhookSecret;
    expect(secret).not.toBe(ep.secret);
    const overlap = Date.parse(previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    const d1 = (await gql(key, `mutation($id: ID!) { sendExampleWebhook(endpointId: $id) { messageId } }`, { id: ep.id })).data!.sendExampleWebhook;
    const got1 = await waitFor(async () => received.find((r) => r.headers["webhook-id"] === d1.messageId));
    expect(String(got1.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verify(secret, got1.headers, got1.body)).toBe(true);
    expect(verify(ep.secret, got1.headers, got1.body)).toBe(true);

    const hard = await gql(key, `mutation($id: ID!) { rotateWebhookSecret(endpointId: $id, overlapHours: 0) { secret previousSecretExpiresAt } }`, { id: ep.id });
    expect(hard.data!.rotateWebhookSecret.previousSecretExpiresAt).toBeNull();
    const d2 = (await gql(key, `mutation($id: ID!) { sendExampleWebhook(endpointId: $id) { messageId } }`, { id: ep.id })).data!.sendExampleWebhook;
    const got2 = await waitFor(async () => received.find((r) => r.headers["webhook-id"] === d2.messageId));
    expect(String(got2.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verify(hard.data!.rotateWebhookSecret.secret, got2.headers, got2.body)).toBe(true);
    expect(verify(secret, got2.headers, got2.body)).toBe(false);
  });

  it("refuses a bad overlap with BAD_USER_INPUT, keeping the secret", async () => {
    const { apiKey: key } = await gw.tenant();
    const ep = await endpoint(key);
    for (const hours of [-1, 169]) {
      const res = await gql(key, `mutation($id: ID!, $h: Int!) { rotateWebhookSecret(endpointId: $id, overlapHours: $h) { secret } }`, { id: ep.id, h: hours });
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "overlapHours" }] });
    }
    const d = (await gql(key, `mutation($id: ID!) { sendExampleWebhook(endpointId: $id) { messageId } }`, { id: ep.id })).data!.sendExampleWebhook;
    const got = await waitFor(async () => received.find((r) => r.headers["webhook-id"] === d.messageId));
    expect(verify(ep.secret, got.headers, got.body)).toBe(true);
  });

  it("lists a request's deliveries across endpoints", async () => {
    const { apiKey: key } = await gw.tenant();
    await endpoint(key);
    const placed = await gql(key, PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: randomUUID() });
    const id = placed.data!.placeOrder.id as string;
    const deliveries = await waitFor(async () => {
      const res = await gql(key, `query($id: ID!) { webhookDeliveriesForRequest(requestId: $id) { ${DELIVERY_FIELDS} } }`, { id });
      return res.data!.webhookDeliveriesForRequest.length > 0 ? res.data!.webhookDeliveriesForRequest : undefined;
    });
    expect(JSON.parse(deliveries[0].body)).toMatchObject({ type: "signature_request.status_changed", data: { requestId: id } });
    const other = (await gw.tenant()).apiKey;
    expect((await gql(other, `query($id: ID!) { webhookDeliveriesForRequest(requestId: $id) { id } }`, { id })).errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });
});
