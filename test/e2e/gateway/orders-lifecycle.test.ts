import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { jpegBuffer, p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";
import { applicantInput, PLACE_ORDER, recipientInput, REQUEST_FIELDS } from "../../helpers/orders.js";
import { sandboxPut } from "../../helpers/sandbox-control.js";

interface RequestShape {
  id: string;
  status: string;
  requestCode: string | null;
  productCode: string;
  formUploaded: boolean;
  documentUploaded: boolean;
  statusHistory: { status: string }[];
  credentials: { token: string | null; code: string | null; username: string | null } | null;
  product: { code: string; family: string } | null;
  applicant: { lastName: string; taxCodeMasked: string; document: { numberMasked: string } } | null;
  shipment: { trackingCode: string | null; envelopeNumber: string | null; speed: string; estimatedDelivery: string | null } | null;
}

describe("GraphQL orders over HTTP with a test key (sandbox upstream)", () => {
  let gw: TestGateway;
  let key: string;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, bearer = key) => {
    const res = await gw.graphql<T>(query, variables, bearer);
    return res.body;
  };
  const place = async (input: Record<string, unknown>, idem = randomUUID()) => {
    const body = await gql<{ placeOrder: RequestShape }>(PLACE_ORDER, { input, key: idem });
    expect(body.errors).toBeUndefined();
    return body.data!.placeOrder;
  };
  const get = async (id: string) => (await gql<{ signatureRequest: RequestShape }>(`query($id: ID!) { signatureRequest(id: $id) { ${REQUEST_FIELDS} } }`, { id })).data!.signatureRequest;
  const advance = async (seconds: number) => {
    const body = await gql<{ advanceSandboxClock: { now: string } }>("mutation($s: Int!) { advanceSandboxClock(seconds: $s) { now } }", { s: seconds });
    expect(body.errors).toBeUndefined();
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    key = (await gw.tenant("TEST", "partner")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("lists the sandbox catalogue with prices in cents and what each order needs", async () => {
    const body = await gql<{ products: { code: string; family: string; price: { amountCents: number; currency: string }; requires: string[] }[] }>(
      "{ products { code family blank price { amountCents currency } requires } }",
    );
    expect(body.errors).toBeUndefined();
    const codes = body.data!.products.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(["KIT", "SCARUBACNS", "SMARTCARDCNS_VIDEO", "LETTORE", "RINFIR"]));
    const kit = body.data!.products.find((p) => p.code === "KIT")!;
    expect(kit).toMatchObject({ family: "SIGNATURE", price: { currency: "EUR" }, requires: ["APPLICANT", "SHIPPING_ADDRESS", "SIGNED_FORM"] });
    expect(Number.isInteger(kit.price.amountCents)).toBe(true);
    const one = await gql<{ product: { code: string } }>('{ product(code: "LETTORE") { code } }');
    expect(one.data!.product.code).toBe("LETTORE");
    const missing = await gql('{ product(code: "NOPE") { code } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("walks a signature order from IN_REGISTRAZIONE to EVASA with its shipment's tracking code", async () => {
    const placed = await place({ productCode: "KIT", signature: { applicant: applicantInput(), shipping: "EXPRESS" } });
    expect(placed).toMatchObject({ status: "IN_REGISTRAZIONE", productCode: "KIT", product: { code: "KIT", family: "SIGNATURE" } });
    expect(placed.requestCode).toBeTruthy();
    expect(placed.applicant).toMatchObject({ lastName: "Rossi" });
    expect(placed.applicant!.taxCodeMasked).not.toContain("85C15");
    expect(placed.shipment).toMatchObject({ speed: "EXPRESS", trackingCode: null });

    const form = await gql<{ registrationFormUrl: { url: string } }>("mutation($id: ID!) { registrationFormUrl(requestId: $id) { url expiresAt } }", { id: placed.id });
    const pdf = await fetch(form.data!.registrationFormUrl.url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const tampered = await fetch(form.data!.registrationFormUrl.url.replace(/signature=[^&]+/, "signature=forged"));
    expect(tampered.status).toBe(404);
    expect(await tampered.json()).toMatchObject({ error: { code: "NOT_FOUND" } });

    const uploaded = await gql<{ uploadIdentificationDocuments: RequestShape }>(
      `mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { ${REQUEST_FIELDS} } }`,
      {
        id: placed.id,
        form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
        doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
      },
    );
    expect(uploaded.errors).toBeUndefined();
    expect(uploaded.data!.uploadIdentificationDocuments).toMatchObject({ status: "IN_RICONOSCIMENTO", formUploaded: true, documentUploaded: true });

    await advance(30 * 24 * 3600);
    const done = await get(placed.id);
    expect(done.status).toBe("EVASA");
    expect(done.statusHistory.map((h) => h.status)).toEqual(["SUBMITTING", "IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA"]);
    expect(done.shipment!.trackingCode).toBeTruthy();
    expect(done.shipment!.envelopeNumber).toBeTruthy();
  });

  it("places an order of every other family", async () => {
    const aruba = await place({
      productCode: "SCARUBACNS",
      aruba: { applicant: applicantInput(), idDocument: { fileName: "doc.jpg", contentBase64: jpegBuffer().toString("base64") } },
    });
    expect(aruba.product!.family).toBe("ARUBA");
    const video = await place({ productCode: "SMARTCARDCNS_VIDEO", video: { email: "mario.rossi@example.com", phone: "+393331234567" } });
    expect(video.status).toBe("IN_LAVORAZIONE");
    const reader = await place({ productCode: "LETTORE", device: { recipient: recipientInput(), quantity: 2 } });
    expect(reader).toMatchObject({ status: "IN_LAVORAZIONE", shipment: { speed: "STANDARD" } });
    const renewal = await place({ productCode: "RINFIR", renewal: { assistance: true } });
    expect(renewal.status).toBe("EVASA");
    expect(renewal.credentials?.token).toBeTruthy();
    const signature = await place({ productCode: "KIT", signature: { applicant: applicantInput() } });
    const upgraded = await place({ productCode: "VIDEORIC", videoUpgrade: { requestId: signature.id } });
    expect(upgraded.productCode).toBe("VIDEORIC");
    await advance(60 * 24 * 3600);
    for (const r of [aruba, video, reader]) expect((await get(r.id)).status).not.toBe("SUBMITTING");
    expect((await get(reader.id)).status).toBe("EVASA");
  });

  it("ends a refused video identification (+videofail) as FAILED with its reason", async () => {
    const video = await place({ productCode: "SMARTCARDCNS_VIDEO", video: { email: "mario.rossi+videofail@example.com", phone: "+393331234567" } });
    await advance(7 * 24 * 3600);
    const done = await get(video.id);
    expect(done.status).toBe("FAILED");
    expect((done as unknown as { failure: { code: string } }).failure.code).toBe("IDENTIFICATION_REFUSED");
  });

  it("answers BAD_USER_INPUT with the path of every invalid field, and stores nothing", async () => {
    const before = await gw.db.connection.db!.collection("signaturerequests").countDocuments();
    const body = await gql(PLACE_ORDER, {
      key: randomUUID(),
      input: {
        productCode: "KIT",
        signature: {
          applicant: applicantInput({
            taxCode: "RSSMRA85C15H501A",
            email: "not-an-email",
            residence: { address: "Via del Corso 1", city: "Roma", province: "RM", postalCode: "1234", country: "Italia" },
            document: { type: "patente", number: "X1", issuedBy: "MCTC", issueDate: "2010-02-30", expiryDate: "2020-01-01" },
          }),
        },
      },
    });
    const err = body.errors?.[0];
    expect(err?.extensions?.code).toBe("BAD_USER_INPUT");
    const paths = (err?.extensions?.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(
      [
        "input.signature.applicant.document.expiryDate",
        "input.signature.applicant.document.issueDate",
        "input.signature.applicant.email",
        "input.signature.applicant.residence.postalCode",
        "input.signature.applicant.taxCode",
      ].sort(),
    );
    const wrongFamily = await gql(PLACE_ORDER, { key: randomUUID(), input: { productCode: "LETTORE", renewal: {} } });
    expect(wrongFamily.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "input.device" }] });
    expect(await gw.db.connection.db!.collection("signaturerequests").countDocuments()).toBe(before);
  });

  it("is idempotent: 20 concurrent placeOrder calls with one key create one upstream request; another input conflicts", async () => {
    const idem = randomUUID();
    const input = { productCode: "LETTORE", device: { recipient: recipientInput({ recipient: `Idem ${idem}` }) } };
    const results = await Promise.all(Array.from({ length: 20 }, () => gql<{ placeOrder: RequestShape }>(PLACE_ORDER, { input, key: idem })));
    const ids = new Set(results.map((r) => r.data?.placeOrder.id));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    expect(ids.size).toBe(1);
    const upstream = await fetch(`${gw.url}/sandbox/richiesta?codice_prodotto=LETTORE`, { headers: { authorization: `Bearer ${key}` } });
    const listed = ((await upstream.json()) as { data: { anagrafica_spedizione?: { destinatario?: string } }[] }).data;
    expect(listed.filter((r) => r.anagrafica_spedizione?.destinatario === `Idem ${idem}`)).toHaveLength(1);

    const conflict = await gql(PLACE_ORDER, { input: { ...input, device: { ...input.device, quantity: 3 } }, key: idem });
    expect(conflict.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("pages through 120 requests with first/after without gaps or repeats", async () => {
    const other = await gw.tenant("TEST", "pager");
    expect(await sandboxPut(gw.url, other.apiKey, "_wallet", { balance: 1_000_000 })).toBe(200);
    const created: string[] = [];
    for (let i = 0; i < 120; i++) {
      const body = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER.replace(REQUEST_FIELDS, "id"), { input: { productCode: "RINFIR", renewal: {} }, key: `page-${i}-${randomUUID()}` }, other.apiKey);
      created.push(body.body.data!.placeOrder.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: { body: { data?: { signatureRequests: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } } =
        await gw.graphql(
          "query($after: String) { signatureRequests(first: 25, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
          { after },
          other.apiKey,
        );
      const page = res.body.data!.signatureRequests;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it("never shows one tenant's request to another: NOT_FOUND by id, absent from lists", async () => {
    const mine = await place({ productCode: "RINFIR", renewal: {} });
    const stranger = await gw.tenant("TEST", "stranger");
    const byId = await gql(`query($id: ID!) { signatureRequest(id: $id) { id } }`, { id: mine.id }, stranger.apiKey);
    expect(byId.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const missing = await gql(`query($id: ID!) { signatureRequest(id: $id) { id } }`, { id: "0123456789abcdef01234567" }, stranger.apiKey);
    expect(missing.errors?.[0]?.message).toBe(byId.errors?.[0]?.message.replace(mine.id, "0123456789abcdef01234567"));
    const list = await gql<{ signatureRequests: { edges: unknown[] } }>("{ signatureRequests(first: 100) { edges { node { id } } } }", {}, stranger.apiKey);
    expect(list.data!.signatureRequests.edges).toHaveLength(0);
    for (const mutation of [
      "mutation($id: ID!) { refreshSignatureRequest(id: $id) { id } }",
      "mutation($id: ID!) { requestVideoRecognition(requestId: $id) { id } }",
      "mutation($id: ID!) { registrationFormUrl(requestId: $id) { url } }",
    ]) {
      const res = await gql(mutation, { id: mine.id }, stranger.apiKey);
      expect(res.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
  });

  it("keeps a partner's REST view and the GraphQL view in step", async () => {
    const placed = await place({ productCode: "KIT", signature: { applicant: applicantInput() } });
    const res = await fetch(`${gw.url}/sandbox/richiesta?codice_prodotto=KIT`, { headers: { authorization: `Bearer ${key}` } });
    const listed = ((await res.json()) as { data: { codice_richiesta: string }[] }).data;
    expect(listed.map((r) => r.codice_richiesta)).toContain(placed.requestCode);
  });
});
