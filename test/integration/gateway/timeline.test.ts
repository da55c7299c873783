import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { collect, wsClient, type FeedEvent } from "../../e2e/feeds/feed-client.js";
import { encodeFeedCursor } from "../../../src/services/events.service.js";

let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await gw.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers, checked by the assertions
type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };

async function gql(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await gw.graphql(query, variables, key)).body as Gql;
}

async function place(key: string, input: Record<string, unknown>): Promise<string> {
  const res = await gql(key, PLACE_ORDER, { input, key: randomUUID() });
  expect(res.errors).toBeUndefined();
  return res.data!.placeOrder.id as string;
}

const TIMELINE = `query($id: ID!) { signatureRequestTimeline(id: $id) {
  request { id status }
  statusChanges { status at sandboxAt }
  callbacks { id status body state attempts { status } }
  webhookDeliveries { id }
  inbox { kind subject }
  lifecycle { status reached current failure }
  nextMoves
  nextTransitionAt
} }`;

describe("signatureRequestTimeline", () => {
  it("tells a test request's story: sandbox-clock times, callbacks, inbox, lifecycle and next moves", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key, { productCode: "KIT", signature: { applicant: applicantInput() } });
    const first = (await gql(key, TIMELINE, { id })).data!.signatureRequestTimeline;
    expect(first.request).toEqual({ id, status: "IN_REGISTRAZIONE" });
    expect(first.lifecycle.map((s: { status: string }) => s.status)).toEqual(["SUBMITTING", "IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA", "FAILED"]);
    expect(first.lifecycle.find((s: { current: boolean }) => s.current).status).toBe("IN_REGISTRAZIONE");
    expect(first.nextMoves).toEqual(["UPLOAD_DOCUMENTS", "REQUEST_VIDEO_RECOGNITION", "FORCE_IDENTIFICATION_REFUSED", "FORCE_PARCEL_LOST", "FORCE_CALLBACKS_DROPPED"]);
    expect(first.callbacks).toEqual([expect.objectContaining({ status: "IN_REGISTRAZIONE", state: "DELIVERED" })]);
    expect(first.inbox.map((m: { kind: string }) => m.kind)).toEqual(["INSTRUCTIONS"]);
    expect(first.statusChanges.find((c: { status: string }) => c.status === "IN_REGISTRAZIONE").sandboxAt).not.toBeNull();

    const uploaded = await gql(key, `mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { status } }`, {
      id,
      form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
      doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
    });
    expect(uploaded.errors).toBeUndefined();
    await gql(key, `mutation { advanceSandboxClockBy(input: { toNextTransition: true }) { now } }`);
    const later = (await gql(key, TIMELINE, { id })).data!.signatureRequestTimeline;
    expect(later.request.status).toBe("IN_LAVORAZIONE");
    expect(later.nextMoves).toContain("ADVANCE_CLOCK");
    expect(later.nextMoves).not.toContain("UPLOAD_DOCUMENTS");
    expect(Date.parse(later.nextTransitionAt)).toBeGreaterThan(0);
    const sandboxTimes = later.statusChanges.filter((c: { status: string }) => c.status !== "SUBMITTING").map((c: { sandboxAt: string }) => Date.parse(c.sandboxAt));
    expect(sandboxTimes.every((t: number) => Number.isFinite(t))).toBe(true);
    expect([...sandboxTimes].sort((a, b) => a - b)).toEqual(sandboxTimes);
    expect(later.callbacks.map((c: { status: string }) => c.status)).toEqual(["IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE"]);
  });

  it("answers NOT_FOUND for another tenant's request, test or live", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key, { productCode: "KIT", signature: { applicant: applicantInput() } });
    const other = (await gw.tenant()).apiKey;
    expect((await gql(other, TIMELINE, { id })).errors![0]!.extensions!.code).toBe("NOT_FOUND");
    const live = (await gw.tenant("LIVE")).apiKey;
    expect((await gql(live, TIMELINE, { id })).errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });
});

describe("statusEvents filters", () => {
  it("narrows the feed by new status and by product code, replay included", async () => {
    const { apiKey: key } = await gw.tenant();
    const kit = await place(key, { productCode: "KIT", signature: { applicant: applicantInput() } });
    const reader = await place(key, { productCode: "LETTORE", device: { recipient: recipientInput() } });
    const client = wsClient(gw.url, { apiKey: key });
    clients.push(client);
    const query = `subscription($after: String, $status: [SignatureRequestStatus!], $codes: [String!]) { statusEvents(after: $after, status: $status, productCode: $codes) { requestId to sequence } }`;
    const after = encodeFeedCursor(0);
    const byProduct = collect(client, query, { after, codes: ["LETTORE"] }, (d) => d.statusEvents as FeedEvent);
    const byStatus = collect(client, query, { after, status: ["IN_REGISTRAZIONE"] }, (d) => d.statusEvents as FeedEvent);
    const all = collect(client, query, { after }, (d) => d.statusEvents as FeedEvent);
    await all.waitFor(2);
    await byProduct.waitFor(1);
    await byStatus.waitFor(1);
    expect(byProduct.items.every((e) => e.requestId === reader)).toBe(true);
    expect(byStatus.items.map((e) => e.requestId)).toEqual([kit]);
    // Live: the reader's next change (the clock moves it to EVASA) reaches the product feed only.
    await gql(key, `mutation { advanceSandboxClockBy(input: { businessDays: 10 }) { now } }`);
    await byProduct.waitUntil((items) => items.some((e) => e.to === "EVASA"));
    expect(byStatus.items.map((e) => e.requestId)).toEqual([kit]);
    for (const c of [byProduct, byStatus, all]) c.stop();
  });

  it("refuses a bad filter with BAD_USER_INPUT before opening the feed", async () => {
    const { apiKey: key } = await gw.tenant();
    const client = wsClient(gw.url, { apiKey: key });
    clients.push(client);
    const query = `subscription($codes: [String!]) { statusEvents(productCode: $codes) { sequence } }`;
    for (const codes of [[], ["x".repeat(41)], ["KIT\u0007"]]) {
      const sub = collect(client, query, { codes }, (d) => d.statusEvents);
      const errors = await sub.failed();
      expect(errors[0]!.extensions!.code).toBe("BAD_USER_INPUT");
      sub.stop();
    }
  });
});
