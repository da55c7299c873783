import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";
import { encodeFeedCursor } from "../../../src/services/events.service.js";
import { collect, STATUS_EVENTS, wsClient, type FeedEvent } from "./feed-client.js";

describe("status feeds when upstream's callbacks never arrive", () => {
  let gw: TestGateway;
  let key: string;
  const sandbox = (path: string, body: unknown) =>
    fetch(`${gw.url}/sandbox/${path}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    gw = await startTestGateway({}, { reconcileIntervalMs: 100, checkDelayMs: 100, maxCheckDelayMs: 500 });
    key = (await gw.tenant("TEST", "reseller")).apiKey;
    expect((await sandbox("_wallet", { balance: 1_000_000 })).status).toBe(200);
    expect((await sandbox("_faults", { drop_callbacks: true })).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("brings every request to EVASA through the reconciler, each change told once and in order", async () => {
    const client = wsClient(gw.url, { authorization: `Bearer ${key}` });
    const feed = collect(client, STATUS_EVENTS, { after: encodeFeedCursor(0) }, (d) => d.statusEvents as FeedEvent);
    const ids: string[] = [];
    for (const email of ["mario.rossi@example.com", "mario.rossi+nocallback@example.com", "anna.bianchi@example.com"]) {
      const placed = await gw.graphql<{ placeOrder: { id: string } }>(
        PLACE_ORDER,
        { input: { productCode: "KIT", signature: { applicant: applicantInput({ email }) } }, key: randomUUID() },
        key,
      );
      expect(placed.body.errors).toBeUndefined();
      const id = placed.body.data!.placeOrder.id;
      ids.push(id);
      const uploaded = await gw.graphql(
        "mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { id } }",
        {
          id,
          form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
          doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
        },
        key,
      );
      expect(uploaded.body.errors).toBeUndefined();
    }
    const advanced = await gw.graphql("mutation { advanceSandboxClock(seconds: 2592000) { now } }", {}, key);
    expect(advanced.body.errors).toBeUndefined();

    const events = await feed.waitUntil((items) => ids.every((id) => items.some((e) => e.requestId === id && e.to === "EVASA")), 20_000);
    await client.dispose();
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    for (const id of ids) {
      const mine = events.filter((e) => e.requestId === id);
      // Our own calls' answers tell the first two; a poll may see IN_LAVORAZIONE, or only EVASA if it came later.
      expect(mine.slice(0, 2).map((e) => [e.to, e.source])).toEqual([
        ["IN_REGISTRAZIONE", "MUTATION"],
        ["IN_RICONOSCIMENTO", "MUTATION"],
      ]);
      expect(mine.at(-1)).toMatchObject({ to: "EVASA", source: "POLL" });
      for (const e of mine.slice(2)) expect(e.source).toBe("POLL");
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.from).toBe(mine[i - 1]!.to);
    }
    const status = await gw.graphql<{ signatureRequests: { edges: { node: { status: string } }[] } }>("{ signatureRequests(first: 10) { edges { node { status } } } }", {}, key);
    expect(status.body.data!.signatureRequests.edges.map((e) => e.node.status)).toEqual(["EVASA", "EVASA", "EVASA"]);
  });
});
