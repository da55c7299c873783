import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";
import { APPLICANT_TAX_CODE } from "../../helpers/fixtures.js";

const UPSTREAM = "https://ws.firmadigitale.com";
const TOKEN = "openapi-live-token-0123456789abcdef";

type Examples = Record<string, Record<string, unknown>>;

describe("a live key: the gateway speaks ws.firmadigitale.com (nock stands in for it)", () => {
  let gw: TestGateway;
  let key: string;
  let examples: Examples;
  const kitExample = () => structuredClone(examples.postRichiesta!["/KEY /FIR /KIT /FIRREM /KEYCNS /KITCNS /SMARTCARDCNS"]) as { data: Record<string, unknown> };

  beforeAll(async () => {
    examples = JSON.parse(await readFile(new URL("../provider/fixtures/upstream-examples.json", import.meta.url), "utf8")) as Examples;
    gw = await startTestGateway({}, { upstreamTimeoutMs: 500 });
    const created = await gw.graphql<{ createTenant: { apiKey: string; tenant: { id: string } } }>(
      'mutation { createTenant(input: { name: "Live reseller", mode: LIVE }) { apiKey tenant { id } } }',
      {},
      TEST_ADMIN_TOKEN,
    );
    key = created.body.data!.createTenant.apiKey;
    const set = await gw.graphql(
      "mutation($id: ID!, $t: String!) { setUpstreamToken(tenantId: $id, token: $t) { id mode } }",
      { id: created.body.data!.createTenant.tenant.id, t: TOKEN },
      TEST_ADMIN_TOKEN,
    );
    expect(set.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("stores the Openapi token encrypted", async () => {
    const tenants = await gw.db.connection.db!.collection("tenants").find({}).toArray();
    expect(JSON.stringify(tenants)).not.toContain(TOKEN);
  });

  it("reads the catalogue with the tenant's bearer token and converts prices to cents", async () => {
    nock(UPSTREAM).get("/prodotti").matchHeader("authorization", `Bearer ${TOKEN}`).reply(200, examples.getProdotti);
    const res = await gw.graphql<{ products: { code: string; price: { amountCents: number } }[] }>("{ products { code price { amountCents } } }", {}, key);
    expect(res.body.errors).toBeUndefined();
    const rinfir = res.body.data!.products.find((p) => p.code === "RINFIR");
    expect(rinfir?.price.amountCents).toBe(900);
  });

  it("places a KIT order with the exact flat Italian body, then maps the answer", async () => {
    let sent: Record<string, unknown> | undefined;
    nock(UPSTREAM).get("/prodotti").optionally().reply(200, examples.getProdotti);
    nock(UPSTREAM)
      .post("/richiesta/KIT", (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .matchHeader("authorization", `Bearer ${TOKEN}`)
      .reply(200, kitExample());
    const res = await gw.graphql<{ placeOrder: { id: string; status: string; requestCode: string; device: unknown } }>(
      PLACE_ORDER,
      { input: { productCode: "KIT", signature: { applicant: applicantInput(), shipping: "PRIORITY", urgent: true } }, key: randomUUID() },
      key,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.placeOrder.status).toBe("IN_RICONOSCIMENTO"); // the example's stato
    expect(res.body.data!.placeOrder.requestCode).toBe(String(kitExample().data.codice_richiesta));
    expect(sent).toMatchObject({
      assistenza: false,
      urgenza: true,
      spedizione: "prioritaria",
      anagrafica: {
        nome: "Mario",
        cognome: "Rossi",
        codice_fiscale: APPLICANT_TAX_CODE,
        data_nascita: "15/03/1985",
        sesso: "M",
        cap_residenza: "00186",
        destinatario: "Mario Rossi",
        data_scadenza: "31/12/2099",
      },
      callback: { method: "JSON", field: "data", data: { gatewayRequestId: res.body.data!.placeOrder.id } },
    });
    expect(sent).not.toHaveProperty("data");
    expect(String((sent!.callback as { url: string }).url)).toMatch(
      new RegExp(`/callbacks/firmadigitale/${res.body.data!.placeOrder.id}/[A-Za-z0-9_-]{20,}$`),
    );
  });

  it("maps upstream's 402/207 to UPSTREAM_REJECTED with its code, and records the failure", async () => {
    nock(UPSTREAM).post("/richiesta/KIT").reply(402, examples.postRichiesta402);
    const res = await gw.graphql(PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: randomUUID() }, key);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_REJECTED", upstreamCode: 207, upstreamStatus: 402 });
  });

  it("never retries a POST: a 503 leaves one SUBMITTING request for the reconciler", async () => {
    const scope = nock(UPSTREAM).post("/richiesta/KIT").once().reply(503, { data: null, success: false, message: "down", error: 500 });
    const res = await gw.graphql<{ placeOrder: { status: string } }>(
      PLACE_ORDER,
      { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: randomUUID() },
      key,
    );
    expect(scope.isDone()).toBe(true);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.placeOrder.status).toBe("SUBMITTING");
  });

  it("settles a timed-out order by finding it upstream through callback.data, without ordering twice", async () => {
    nock(UPSTREAM).post("/richiesta/KIT").delay(2_000).reply(200, kitExample());
    const res = await gw.graphql<{ placeOrder: { id: string; status: string } }>(
      PLACE_ORDER,
      { input: { productCode: "KIT", signature: { applicant: applicantInput() } }, key: randomUUID() },
      key,
    );
    expect(res.body.data!.placeOrder.status).toBe("SUBMITTING");
    const id = res.body.data!.placeOrder.id;
    const found = kitExample();
    found.data.callback = { url: "x", method: "JSON", field: "data", data: { gatewayRequestId: id } };
    nock(UPSTREAM).get("/richiesta").query({ codice_prodotto: "KIT" }).reply(200, { data: [found.data], success: true, message: "", error: null });
    await gw.db.connection.db!.collection("signaturerequests").updateOne({ _id: new (await import("mongoose")).Types.ObjectId(id) }, { $set: { nextCheckAt: new Date(0) } });
    await gw.server.reconciler.runOnce();
    const after = await gw.graphql<{ signatureRequest: { status: string; requestCode: string } }>(
      "query($id: ID!) { signatureRequest(id: $id) { status requestCode } }",
      { id },
      key,
    );
    expect(after.body.data!.signatureRequest).toMatchObject({ status: "IN_RICONOSCIMENTO", requestCode: String(found.data.codice_richiesta) });
  });

  it("refuses advanceSandboxClock to a live key", async () => {
    const res = await gw.graphql("mutation { advanceSandboxClock(seconds: 60) { now } }", {}, key);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
