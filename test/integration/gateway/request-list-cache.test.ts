import { randomUUID } from "node:crypto";
import { Types } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";
import { planStages } from "../../helpers/engine.js";
import { p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { ApplicantModel, forgetKnownTenants, ShipmentModel, SignatureRequestModel } from "../../../src/models/index.js";

const LIST = `query($first: Int!, $after: String, $filter: SignatureRequestFilter) {
  signatureRequests(first: $first, after: $after, filter: $filter) {
    edges { cursor node {
      id requestCode status productCode createdAt updatedAt statusHistory { status at }
      product { code name } applicant { id lastName taxCodeMasked } shipment { id speed trackingCode estimatedDelivery }
    } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }`;

interface Node {
  id: string;
  status: string;
  requestCode: string | null;
  applicant: { id: string; lastName: string } | null;
  shipment: { id: string; trackingCode: string | null } | null;
}
interface Page {
  edges: { cursor: string; node: Node }[];
  pageInfo: { endCursor: string | null };
}

describe("signatureRequests served from the request-list cache", () => {
  let gw: TestGateway;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };

  const list = async (variables: Record<string, unknown> = { first: 50 }, bearer = tenant.apiKey): Promise<Page> => {
    const res = await gw.graphql<{ signatureRequests: Page }>(LIST, variables, bearer);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.signatureRequests;
  };
  /** The database commands a list sends, the background webhook poller's left out. */
  const commandsOf = async (fn: () => Promise<unknown>) =>
    (await gw.countCommands(fn)).filter((c) => c.collection !== "webhookdeliveries").map((c) => `${c.name}:${String(c.collection)}`);
  /** Lists twice: the second must be a hit (no command) with the same answer; returns the first. */
  const listTwice = async (variables: Record<string, unknown> = { first: 50 }, bearer = tenant.apiKey): Promise<{ page: Page; commands: string[] }> => {
    let page: Page | undefined;
    const commands = await commandsOf(async () => (page = await list(variables, bearer)));
    const hit = await commandsOf(async () => expect(await list(variables, bearer)).toEqual(page));
    expect(hit).toEqual([]);
    return { page: page!, commands };
  };
  const place = async (input: Record<string, unknown>, bearer = tenant.apiKey): Promise<string> => {
    const res = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input, key: randomUUID() }, bearer);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.placeOrder.id;
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    tenant = await gw.tenant("TEST", "cached");
    other = await gw.tenant("TEST", "neighbour");
    for (const t of [tenant, other]) expect(await sandboxPut(gw.url, t.apiKey, "_wallet", { balance: 1_000_000 })).toBe(200);
    for (let i = 0; i < 6; i++) {
      await place(i % 2 === 0 ? { productCode: "KIT", signature: { applicant: applicantInput({ lastName: `Verdi${i}` }) } } : { productCode: "LETTORE", device: { recipient: recipientInput() } });
    }
    await place({ productCode: "LETTORE", device: { recipient: recipientInput() } }, other.apiKey);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("answers a repeated list from memory, the same as the database read before it, for every argument", async () => {
    const { page: all, commands } = await listTwice();
    expect(commands.sort()).toEqual(["find:applicants", "find:shipments", "find:signaturerequests"]);
    expect(all.edges).toHaveLength(6);
    const firstTwo = (await listTwice({ first: 2 })).page;
    expect(firstTwo.edges.map((e) => e.node.id)).toEqual(all.edges.slice(0, 2).map((e) => e.node.id));
    const next = (await listTwice({ first: 2, after: firstTwo.pageInfo.endCursor })).page;
    expect(next.edges.map((e) => e.node.id)).toEqual(all.edges.slice(2, 4).map((e) => e.node.id));
    const kits = (await listTwice({ first: 50, filter: { productCode: "KIT" } })).page;
    expect(kits.edges).toHaveLength(3);
    const searched = (await listTwice({ first: 50, filter: { search: "Verdi2" } })).page;
    expect(searched.edges.map((e) => e.node.applicant?.lastName)).toEqual(["Verdi2"]);
    const byStatus = (await listTwice({ first: 50, filter: { status: ["EVASA", "IN_REGISTRAZIONE"] } })).page;
    // The same statuses in another order are the same question, answered from memory.
    expect(await commandsOf(async () => expect(await list({ first: 50, filter: { status: ["IN_REGISTRAZIONE", "EVASA"] } })).toEqual(byStatus))).toEqual([]);
    // Another tenant's list is its own.
    expect((await listTwice({ first: 50 }, other.apiKey)).page.edges).toHaveLength(1);
  });

  it("reads a page on a miss through the (tenantId, createdAt, _id) index, examining no more than the page", async () => {
    const plan = (await gw.db.connection
      .collection("signaturerequests")
      .find({ tenantId: new Types.ObjectId(tenant.id) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(3)
      .explain("executionStats")) as { queryPlanner?: { winningPlan?: Record<string, unknown> }; executionStats?: { totalDocsExamined?: number } };
    expect(planStages(plan.queryPlanner?.winningPlan)).toContain("IXSCAN");
    expect(plan.executionStats?.totalDocsExamined).toBe(3);
  });

  it("refuses a bad cursor with BAD_USER_INPUT every time, cached or not", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await gw.graphql(LIST, { first: 5, after: "not-a-cursor" }, tenant.apiKey);
      expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("shows each session subject only its own requests, cached apart from the secret key's list", async () => {
    const mint = async (subject: string) => {
      const res = await gw.graphql<{ createSessionToken: { token: string } }>(
        `mutation($s: String!) { createSessionToken(subject: $s, scopes: [REQUESTS_READ, ORDERS_WRITE]) { token } }`,
        { s: subject },
        tenant.apiKey,
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.createSessionToken.token;
    };
    const alice = await mint("alice");
    const bob = await mint("bob");
    const full = (await listTwice()).page;
    const aliceOrder = await place({ productCode: "LETTORE", device: { recipient: recipientInput() } }, alice);
    expect((await listTwice({ first: 50 }, alice)).page.edges.map((e) => e.node.id)).toEqual([aliceOrder]);
    expect((await listTwice({ first: 50 }, bob)).page.edges).toEqual([]);
    // The secret key sees every request, Alice's included (her order dropped the cached page).
    expect((await listTwice()).page.edges.map((e) => e.node.id)).toEqual([aliceOrder, ...full.edges.map((e) => e.node.id)]);
  });

  it("drops the tenant's pages at each kind of write, before the write's promise resolves", async () => {
    const { page } = await listTwice();
    const [newest, second] = page.edges.map((e) => e.node);
    const withApplicant = page.edges.map((e) => e.node).find((n) => n.applicant !== null)!;
    const seen = async () => (await list()).edges.map((e) => e.node);

    // updateOne by _id alone (the tenant comes from the ids this process has seen)
    await SignatureRequestModel.updateOne({ _id: newest!.id }, { $set: { requestCode: "RC-UPDATE-ONE" } });
    expect((await seen())[0]!.requestCode).toBe("RC-UPDATE-ONE");
    await listTwice();

    // the same by an _id this process never saw: the tenant is read from the collection first
    forgetKnownTenants();
    await SignatureRequestModel.updateOne({ _id: second!.id }, { $set: { requestCode: "RC-UNSEEN" } });
    expect((await seen())[1]!.requestCode).toBe("RC-UNSEEN");
    await listTwice();

    // findOneAndUpdate on a filter naming neither tenant nor _id (the reconciler's claim): the result names it
    await SignatureRequestModel.findOneAndUpdate({ requestCode: "RC-UNSEEN" }, { $set: { requestCode: "RC-CLAIMED" } });
    expect((await seen())[1]!.requestCode).toBe("RC-CLAIMED");
    await listTwice();

    // updateMany on a filter naming no tenant: every tenant's pages go
    await listTwice({ first: 50 }, other.apiKey);
    await SignatureRequestModel.updateMany({ requestCode: "RC-CLAIMED" }, { $set: { requestCode: "RC-MANY" } });
    expect(await commandsOf(() => list({ first: 50 }, other.apiKey))).toContain("find:signaturerequests");
    expect((await seen())[1]!.requestCode).toBe("RC-MANY");
    await listTwice();

    // a document saved (applicant) and updated in place (shipment)
    const applicant = (await ApplicantModel.findById(withApplicant.applicant!.id))!;
    applicant.lastName = "Saved";
    await applicant.save();
    expect((await seen()).find((n) => n.id === withApplicant.id)!.applicant!.lastName).toBe("Saved");
    await listTwice();
    const shipment = (await ShipmentModel.findById(newest!.shipment!.id))!;
    await shipment.updateOne({ $set: { trackingCode: "TRK-DOC" } });
    expect((await seen())[0]!.shipment!.trackingCode).toBe("TRK-DOC");
    await listTwice();

    // insertMany and deleteOne
    const now = new Date(Date.now() + 60_000);
    const [inserted] = await SignatureRequestModel.insertMany([{ tenantId: new Types.ObjectId(tenant.id), mode: "TEST", productCode: "LETTORE", status: "SUBMITTING", createdAt: now, updatedAt: now }]);
    expect((await seen())[0]!.id).toBe(String(inserted!._id));
    await listTwice();
    await SignatureRequestModel.deleteOne({ _id: inserted!._id });
    expect((await seen())[0]!.id).toBe(newest!.id);
    await listTwice();

    // a write that fails after reaching the database (duplicate key) drops the pages too, harmlessly
    await expect(SignatureRequestModel.insertMany([{ _id: newest!.id, tenantId: new Types.ObjectId(tenant.id), mode: "TEST", productCode: "X", status: "SUBMITTING" }])).rejects.toThrow();
    expect(await commandsOf(() => list())).toContain("find:signaturerequests");
  });

  it("shows status changes the sandbox's callbacks bring, once advanceSandboxClock returns", async () => {
    const id = await place({ productCode: "KIT", signature: { applicant: applicantInput() } });
    await upload(id);
    const before = (await listTwice()).page.edges.find((e) => e.node.id === id)!.node;
    expect(before.status).toBe("IN_RICONOSCIMENTO");
    const advanced = await gw.graphql("mutation { advanceSandboxClock(seconds: 2592000) { now } }", {}, tenant.apiKey);
    expect(advanced.body.errors).toBeUndefined();
    const stored = await SignatureRequestModel.findById(id).lean();
    expect(stored!.status).not.toBe("IN_RICONOSCIMENTO");
    expect((await list()).edges.find((e) => e.node.id === id)!.node.status).toBe(stored!.status);
  });

  it("shows status changes the reconciler finds when callbacks are lost", async () => {
    expect(await sandboxPut(gw.url, tenant.apiKey, "_faults", { drop_callbacks: true })).toBe(200);
    try {
      const id = await place({ productCode: "KIT", signature: { applicant: applicantInput() } });
      await upload(id);
      expect((await gw.graphql("mutation { advanceSandboxClock(seconds: 2592000) { now } }", {}, tenant.apiKey)).body.errors).toBeUndefined();
      // No callback came: the gateway still holds the old status, and so does the cached page.
      const cached = (await listTwice()).page.edges.find((e) => e.node.id === id)!.node;
      expect(cached.status).toBe("IN_RICONOSCIMENTO");
      await gw.server.reconciler.runOnce(new Date(Date.now() + 30 * 86_400_000));
      const stored = await SignatureRequestModel.findById(id).lean();
      expect(stored!.status).toBe("EVASA");
      expect((await list()).edges.find((e) => e.node.id === id)!.node.status).toBe("EVASA");
    } finally {
      expect(await sandboxPut(gw.url, tenant.apiKey, "_faults", { drop_callbacks: false })).toBe(200);
    }
  });

  it("forgets the tenant's pages when the sandbox is reset (deleteMany by tenant)", async () => {
    expect((await listTwice()).page.edges.length).toBeGreaterThan(0);
    await SignatureRequestModel.deleteMany({ tenantId: tenant.id });
    expect((await list()).edges).toEqual([]);
  });

  async function upload(id: string): Promise<void> {
    const res = await gw.graphql(
      "mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { id } }",
      {
        id,
        form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
        doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
      },
      tenant.apiKey,
    );
    expect(res.body.errors).toBeUndefined();
  }
});
