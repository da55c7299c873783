import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

const LIST = `{ signatureRequests(first: 50) { edges { node {
  id status product { code name } applicant { lastName taxCodeMasked } shipment { speed trackingCode estimatedDelivery }
} } } }`;

describe("signatureRequests with product, applicant and shipment", () => {
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    key = (await gw.tenant("TEST", "loader")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    for (let i = 0; i < 50; i++) {
      const input =
        i % 2 === 0
          ? { productCode: "KIT", signature: { applicant: applicantInput({ lastName: `Rossi${i}` }) } }
          : { productCode: "LETTORE", device: { recipient: recipientInput() } };
      const res = await gw.graphql(PLACE_ORDER, { input, key: randomUUID() }, key);
      expect(res.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("costs three finds for 50 requests: the page, then one batched $in per loader (products come from the catalogue in memory)", async () => {
    // Warms the key cache, so only the listing is counted; a page of another size leaves the list uncached.
    await gw.graphql("{ signatureRequests(first: 1) { edges { node { id } } } }", {}, key);
    let result: Awaited<ReturnType<TestGateway["graphql"]>> | undefined;
    const commands = await gw.countCommands(async () => {
      result = await gw.graphql(LIST, {}, key);
    });
    const edges = (result!.body.data as { signatureRequests: { edges: { node: { product: unknown; applicant: unknown; shipment: unknown } }[] } }).signatureRequests.edges;
    expect(edges).toHaveLength(50);
    expect(edges.every((e) => e.node.product !== null && e.node.shipment !== null)).toBe(true);
    expect(edges.filter((e) => e.node.applicant !== null)).toHaveLength(25);
    // The webhook poller runs in the background meanwhile; its commands are not the listing's.
    const listing = commands.filter((c) => c.collection !== "webhookdeliveries");
    expect(listing.map((c) => `${c.name}:${String(c.collection)}`).sort()).toEqual(
      ["find:applicants", "find:shipments", "find:signaturerequests"].sort(),
    );
  });

  it("answers the same list again from the request-list cache, without a database command", async () => {
    const first = await gw.graphql(LIST, {}, key);
    const commands = await gw.countCommands(async () => {
      const again = await gw.graphql(LIST, {}, key);
      expect(again.body).toEqual(first.body);
    });
    expect(commands.filter((c) => c.collection !== "webhookdeliveries")).toEqual([]);
  });
});
