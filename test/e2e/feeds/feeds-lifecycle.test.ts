import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";
import { p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";
import { encodeFeedCursor } from "../../../src/services/events.service.js";
import { collect, REQUEST_UPDATED, STATUS_EVENTS, wsClient, type FeedEvent } from "./feed-client.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

/** The cursor before a tenant's first event: replays its whole feed. */
const FROM_START = encodeFeedCursor(0);

describe("status feeds over graphql-ws", () => {
  let gw: TestGateway;
  let key: string;
  let otherKey: string;
  const clients: Array<{ dispose(): Promise<void> | void }> = [];
  const connect = (params: Record<string, unknown> | null) => {
    const client = wsClient(gw.url, params);
    clients.push(client);
    return client;
  };
  const gql = async <T>(query: string, variables: Record<string, unknown>, bearer: string) => {
    const res = await gw.graphql<T>(query, variables, bearer);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!;
  };
  const placeKit = async (bearer: string) =>
    (await gql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: randomUUID() }, bearer)).placeOrder;
  const upload = async (id: string, bearer: string) =>
    gql(
      "mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { id } }",
      {
        id,
        form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
        doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
      },
      bearer,
    );
  const advance = (seconds: number, bearer: string) => gql("mutation($s: Int!) { advanceSandboxClock(seconds: $s) { now } }", { s: seconds }, bearer);
  const fund = async (bearer: string) => {
    expect(await sandboxPut(gw.url, bearer, "_wallet", { balance: 1_000_000 })).toBe(200);
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    key = (await gw.tenant("TEST", "reseller")).apiKey;
    otherKey = (await gw.tenant("TEST", "other")).apiKey;
    await fund(key);
    await fund(otherKey);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await gw?.close();
  });

  it("streams a KIT order's IN_REGISTRAZIONE → IN_RICONOSCIMENTO → IN_LAVORAZIONE → EVASA once each, in order, on both subscriptions", async () => {
    const client = connect({ authorization: `Bearer ${key}` });
    const feed = collect(client, STATUS_EVENTS, { after: FROM_START }, (d) => d.statusEvents as FeedEvent);
    const other = collect(connect({ apiKey: otherKey }), STATUS_EVENTS, { after: FROM_START }, (d) => d.statusEvents as FeedEvent);
    const withRequest = collect(
      client,
      "subscription($after: String) { statusEvents(after: $after) { to request { id status product { code } shipment { trackingCode } } } }",
      { after: FROM_START },
      (d) => d.statusEvents as { to: string; request: { id: string; status: string; product: { code: string }; shipment: { trackingCode: string | null } | null } },
    );

    const placed = await placeKit(key);
    const [first] = await feed.waitFor(1);
    expect(first).toMatchObject({ requestId: placed.id, from: "SUBMITTING", to: "IN_REGISTRAZIONE", sequence: 1 });

    const updates = collect(client, REQUEST_UPDATED, { id: placed.id }, (d) => d.signatureRequestUpdated as { id: string; status: string });
    // The first notice is the current state: from then on the subscription is listening.
    expect((await updates.waitFor(1))[0]).toMatchObject({ id: placed.id, status: "IN_REGISTRAZIONE" });

    await upload(placed.id, key);
    await advance(30 * 24 * 3600, key);

    const events = await feed.waitFor(4);
    expect(events.map((e) => [e.from, e.to])).toEqual([
      ["SUBMITTING", "IN_REGISTRAZIONE"],
      ["IN_REGISTRAZIONE", "IN_RICONOSCIMENTO"],
      ["IN_RICONOSCIMENTO", "IN_LAVORAZIONE"],
      ["IN_LAVORAZIONE", "EVASA"],
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    // Whichever told the gateway first (our call's answer or upstream's callback) is the one recorded.
    for (const e of events) expect(["MUTATION", "CALLBACK", "POLL"]).toContain(e.source);
    expect(new Set(events.map((e) => e.cursor)).size).toBe(4);

    // `request` is read per event: the last one sees the shipped request, tracking code included.
    const last = (await withRequest.waitFor(4))[3]!;
    expect(last).toMatchObject({ to: "EVASA", request: { id: placed.id, status: "EVASA", product: { code: "KIT" } } });
    expect(last.request.shipment?.trackingCode).toBeTruthy();

    const states = await updates.waitFor(4);
    expect(states.map((s) => s.status)).toEqual(["IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA"]);

    // The other tenant's feed holds only its own events: its first is the order it places now.
    const mine = await placeKit(otherKey);
    expect((await other.waitFor(1))[0]).toMatchObject({ requestId: mine.id, sequence: 1 });
    expect(feed.items).toHaveLength(4);
    expect(updates.items).toHaveLength(4);
  });

  it("answers NOT_FOUND when subscribing to another tenant's request, and BAD_USER_INPUT for a cursor it did not issue", async () => {
    const placed = await placeKit(key);
    const client = connect({ authorization: `Bearer ${otherKey}` });
    const foreign = await collect(client, REQUEST_UPDATED, { id: placed.id }, (d) => d).failed();
    expect(foreign.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const malformed = await collect(client, REQUEST_UPDATED, { id: "nope" }, (d) => d).failed();
    expect(malformed.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    const badCursor = await collect(client, STATUS_EVENTS, { after: "bm90LWEtY3Vyc29y" }, (d) => d).failed();
    expect(badCursor.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    // The HTTP endpoint's query limits hold over the socket too.
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: sequence`).join(" ");
    const tooMany = await collect(client, `subscription { statusEvents { ${aliases} } }`, {}, (d) => d).failed();
    expect(tooMany.map((e) => e.extensions?.code)).toEqual(["TOO_MANY_ALIASES"]);
  });

  it("closes the socket with 4401 without a valid key and 4403 for the admin token", async () => {
    expect(await connect(null).closed).toBe(4401);
    expect(await connect({ authorization: "Bearer fgw_test_notarealkey" }).closed).toBe(4401);
    expect(await connect({ apiKey: "garbage" }).closed).toBe(4401);
    expect(await connect({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` }).closed).toBe(4403);
  });
});
