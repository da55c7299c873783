import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, REQUEST_FIELDS } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

type Placed = { placeOrder: Record<string, unknown> & { id: string } };

describe("placeOrder's database work", () => {
  let gw: TestGateway;
  let key: string;
  const input = { productCode: "KIT", signature: { applicant: applicantInput() } };
  beforeAll(async () => {
    gw = await startTestGateway();
    key = (await gw.tenant("TEST", "place-order")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    await gw.graphql("{ products { code } }", {}, key);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("stores a new order with three inserts before the POST, and answers its applicant and shipment without reading them back", async () => {
    let placed: Placed | undefined;
    const commands = await gw.countCommands(async () => {
      const res = await gw.graphql<Placed>(PLACE_ORDER, { input, key: randomUUID() }, key);
      expect(res.body.errors).toBeUndefined();
      placed = res.body.data!;
    });
    const names = commands.filter((c) => c.collection !== "webhookdeliveries").map((c) => `${c.name}:${String(c.collection)}`);
    // The request first (its unique key is the idempotency check), then its applicant and shipment at once.
    expect(names[0]).toBe("insert:signaturerequests");
    expect(names.slice(1, 3).sort()).toEqual(["insert:applicants", "insert:shipments"]);
    expect(names[3]).toMatch(/:sandbox_/);
    expect(names.filter((n) => n === "find:applicants" || n === "find:shipments")).toEqual([]);
    // What the loaders were primed with is what they read afterwards.
    const read = await gw.graphql<{ signatureRequest: Record<string, unknown> }>(`query($id: ID!) { signatureRequest(id: $id) { ${REQUEST_FIELDS} } }`, { id: placed!.placeOrder.id }, key);
    expect(read.body.errors).toBeUndefined();
    expect(placed!.placeOrder.applicant).toEqual(read.body.data!.signatureRequest.applicant);
    expect(placed!.placeOrder.shipment).toEqual(read.body.data!.signatureRequest.shipment);
  });

  it("answers a key used again with the same request, and a key used for another input with IDEMPOTENCY_CONFLICT, storing nothing new", async () => {
    const idem = randomUUID();
    const first = await gw.graphql<Placed>(PLACE_ORDER, { input, key: idem }, key);
    const again = await gw.graphql<Placed>(PLACE_ORDER, { input, key: idem }, key);
    expect(again.body.data!.placeOrder.id).toBe(first.body.data!.placeOrder.id);
    const other = { productCode: "KIT", signature: { applicant: applicantInput({ lastName: "Bianchi" }) } };
    const commands = await gw.countCommands(async () => {
      const conflict = await gw.graphql(PLACE_ORDER, { input: other, key: idem }, key);
      expect(conflict.body.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_CONFLICT");
    });
    expect(commands.filter((c) => c.name === "insert" && c.collection !== "signaturerequests")).toEqual([]);
  });
});
