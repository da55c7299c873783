import { readFileSync } from "node:fs";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { BadUserInputError } from "../../../src/errors/index.js";
import { FirmaDigitaleClient, type FirmaDigitaleClientOptions } from "../../../src/provider/firmadigitale.client.js";
import { fromUpstreamProduct, fromUpstreamRequest, toUpstreamOrderBody } from "../../../src/provider/mapping.js";
import {
  UpstreamNotFoundError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  isTimeout,
} from "../../../src/provider/provider-errors.js";
import type { UpstreamOrderBody } from "../../../src/provider/upstream.types.js";

// The spec's own example answers, copied verbatim (see _source in the file).
const examples = JSON.parse(readFileSync(new URL("./fixtures/upstream-examples.json", import.meta.url), "utf8")) as Record<
  string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  any
>;

const BASE = "https://ws.firmadigitale.com";
const TOKEN = "tok_live_abc123";
const ID = "5f7ef1e83a716836d3152662";
const FIRMA_KEY = "/KEY /FIR /KIT /FIRREM /KEYCNS /KITCNS /SMARTCARDCNS";
const JSON_TYPE = { "content-type": "application/json" };

/** A client on nock's host with tiny backoff so retry tests take no wall time worth measuring. */
function client(overrides: Partial<FirmaDigitaleClientOptions> = {}): FirmaDigitaleClient {
  return new FirmaDigitaleClient({ baseUrl: BASE, token: TOKEN, backoffMs: 1, ...overrides });
}

/** The upstream as nock, requiring the bearer token on every call. */
function upstream(): nock.Scope {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
}

/** Runs a promise expected to reject and returns the error for class/field assertions. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to reject, it resolved");
}

describe("FirmaDigitaleClient.listProducts", () => {
  it("GETs /prodotti with the bearer token and unwraps the catalogue", async () => {
    const scope = upstream().matchHeader("accept", "application/json").get("/prodotti").reply(200, examples.getProdotti, JSON_TYPE);

    const products = await client().listProducts();

    expect(products).toEqual(examples.getProdotti.data);
    expect(products.map(fromUpstreamProduct).find((p) => p.code === "KIT")).toMatchObject({ priceCents: 3970, authority: "INFOCERT" });
    expect(scope.isDone()).toBe(true);
  });

  it("strips a trailing slash of the base URL and keeps its path prefix (the sandbox's /sandbox)", async () => {
    nock(BASE).get("/sandbox/prodotti").reply(200, examples.getProdotti, JSON_TYPE);

    const products = await client({ baseUrl: `${BASE}/sandbox/` }).listProducts();

    expect(products).toHaveLength(examples.getProdotti.data.length);
  });
});

describe("FirmaDigitaleClient.listRequests", () => {
  it("GETs /richiesta and fills id from the list's _id", async () => {
    upstream().get("/richiesta").reply(200, examples.getRichiesta, JSON_TYPE);

    const requests = await client().listRequests();

    expect(requests.map((r) => r.id)).toEqual(["5f774d903a71681fce3c71d3", "5f7b1f8b3a716857774a4362"]);
    expect(requests.map((r) => fromUpstreamRequest(r).status)).toEqual(["IN_RICONOSCIMENTO", "EVASA"]);
  });

  it("sends the product filter as codice_prodotto", async () => {
    upstream().get("/richiesta").query({ codice_prodotto: "FIR" }).reply(200, examples.getRichiesta, JSON_TYPE);

    await expect(client().listRequests("FIR")).resolves.toHaveLength(2);
  });

  it("returns [] for 404 / error 214 (no request)", async () => {
    upstream().get("/richiesta").reply(404, examples.getRichiesta404, JSON_TYPE);

    await expect(client().listRequests()).resolves.toEqual([]);
  });

  it("still throws for a 404 with another code, without retrying it", async () => {
    upstream().get("/richiesta").reply(404, { success: false, message: "route", error: 404, data: null }, JSON_TYPE);

    expect(await rejection(client().listRequests())).toBeInstanceOf(UpstreamNotFoundError);
  });
});

describe("FirmaDigitaleClient.getRequest", () => {
  const familyExamples = Object.entries(examples.getRichiestaId as Record<string, { data: { codice_prodotto: string } }>);

  it.each(familyExamples)("GETs /richiesta/{id} and unwraps the %s example", async (_name, example) => {
    upstream().get(`/richiesta/${ID}`).reply(200, example, JSON_TYPE);

    const request = await client().getRequest(ID);

    expect(request).toEqual(example.data);
    expect(fromUpstreamRequest(request).productCode).toBe(example.data.codice_prodotto);
  });

  it("maps 404/212 to UpstreamNotFoundError", async () => {
    upstream().get(`/richiesta/${ID}`).reply(404, examples.getRichiestaId404, JSON_TYPE);

    const err = (await rejection(client().getRequest(ID))) as UpstreamNotFoundError;

    expect(err).toBeInstanceOf(UpstreamNotFoundError);
    expect(err.extensions).toMatchObject({ code: "UPSTREAM_REJECTED", upstreamStatus: 404, upstreamCode: 212, reason: "request_not_found" });
  });

  it("maps 400/211 to UpstreamRejectedError (not a not-found)", async () => {
    upstream().get("/richiesta/nope").reply(400, examples.getRichiestaId400, JSON_TYPE);

    const err = await rejection(client().getRequest("nope"));

    expect(err).toBeInstanceOf(UpstreamRejectedError);
    expect(err).not.toBeInstanceOf(UpstreamNotFoundError);
    expect((err as UpstreamRejectedError).upstreamCode).toBe(211);
  });

  it("percent-encodes the id into one path segment", async () => {
    upstream().get("/richiesta/a%2Fb").reply(200, examples.getRichiestaId[FIRMA_KEY], JSON_TYPE);

    await expect(client().getRequest("a/b")).resolves.toMatchObject({ id: ID });
  });

  it("treats success:false inside a 200 as a failure", async () => {
    upstream().get(`/richiesta/${ID}`).reply(200, examples.getRichiestaId404, JSON_TYPE);

    expect(await rejection(client().getRequest(ID))).toBeInstanceOf(UpstreamNotFoundError);
  });

  it("treats a 200 without a usable request as bad_response", async () => {
    upstream().get(`/richiesta/${ID}`).reply(200, { success: true, message: "", error: null, data: { foo: 1 } }, JSON_TYPE);

    const err = (await rejection(client().getRequest(ID))) as UpstreamUnavailableError;

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err.reason).toBe("bad_response");
  });

  it("rejects an empty id with BAD_USER_INPUT before any call", async () => {
    expect(await rejection(client().getRequest(""))).toBeInstanceOf(BadUserInputError);
  });
});

describe("FirmaDigitaleClient.createRequest", () => {
  const bodies = examples.postRichiestaBodies as Record<string, UpstreamOrderBody>;
  const answers = examples.postRichiesta as Record<string, { data: unknown }>;
  const cases: [string, string, string][] = [
    ["FIRREM", FIRMA_KEY, FIRMA_KEY],
    ["OTPMOB", "/SCARUBACNS /ARUBAKEYCNS /OTPDIS /OTPMOB", "/SCARUBACNS /ARUBAKEYCNS /OTPDIS /OTPMOB"],
    ["SMARTCARDCNS_V", "/FIR_V /LETTORE /KEY_V /FIRREM_V /KEYCNS_V /SMARTCARDCNS_V", "/FIR_V /LETTORE /KEY_V /FIRREM_V /KEYCNS_V /SMARTCARDCNS_V"],
    ["SMARTCARDCNS_VIDEO", "/SMARTCARDCNS_VIDEO /KEYCNS_VIDEO /FIRREM_VIDEO", "/SMARTCARDCNS_VIDEO /KEYCNS_VIDEO /FIRREM_VIDEO"],
    ["RINFIR", "/RINFIR /RINCNS", "/RINFIR /RINCNS"],
    ["RINFIRREM", "RINFIRREM", "RINFIRREM"],
    ["FIREST", "FIREST", "FIREST"],
  ];

  it.each(cases)("POSTs the spec's flat %s body to /richiesta/{code} and unwraps the answer", async (code, bodyKey, answerKey) => {
    const scope = upstream()
      .matchHeader("content-type", "application/json")
      .post(`/richiesta/${code}`, (sent) => JSON.stringify(sent) === JSON.stringify(bodies[bodyKey]))
      .reply(200, answers[answerKey], JSON_TYPE);

    const request = await client().createRequest(code, bodies[bodyKey]!);

    expect(request).toEqual(answers[answerKey]!.data);
    expect(scope.isDone()).toBe(true);
  });

  it("sends exactly what toUpstreamOrderBody builds, with the gateway's callback", async () => {
    const body = toUpstreamOrderBody("RENEWAL", {
      callback: { url: "https://gw.example.com/callbacks/firmadigitale/xyz", gatewayRequestId: "sr_1" },
    });
    upstream()
      .post("/richiesta/RINFIR", {
        assistenza: false,
        callback: { url: "https://gw.example.com/callbacks/firmadigitale/xyz", method: "JSON", field: "data", data: { gatewayRequestId: "sr_1" } },
      })
      .reply(200, answers["/RINFIR /RINCNS"], JSON_TYPE);

    const request = await client().createRequest("RINFIR", body);

    expect(fromUpstreamRequest(request)).toMatchObject({ status: "EVASA", credentials: { token: "test10" } });
  });

  it.each([
    ["postRichiesta400", 400, 201, "invalid_product"],
    ["postRichiesta402", 402, 207, "insufficient_credit"],
    ["postRichiesta406", 406, 247, "invalid_email"],
    ["postRichiesta428", 428, 209, "applicant_required"],
  ] as const)("maps the %s example to UPSTREAM_REJECTED", async (key, status, upstreamCode, reason) => {
    upstream().post("/richiesta/FIR").reply(status, examples[key], JSON_TYPE);

    const err = (await rejection(client().createRequest("FIR", bodies[FIRMA_KEY]!))) as UpstreamRejectedError;

    expect(err).toBeInstanceOf(UpstreamRejectedError);
    expect(err.extensions).toMatchObject({ code: "UPSTREAM_REJECTED", upstreamStatus: status, upstreamCode, reason });
  });

  it("never retries a POST: one 503, one request, UPSTREAM_UNAVAILABLE", async () => {
    const scope = upstream().post("/richiesta/FIR").once().reply(503, "busy");
    // A second interceptor would catch a retry; it must stay pending (and is removed before the end).
    const retry = upstream().post("/richiesta/FIR").reply(200, answers[FIRMA_KEY], JSON_TYPE);

    const err = (await rejection(client({ getRetries: 5 }).createRequest("FIR", bodies[FIRMA_KEY]!))) as UpstreamUnavailableError;

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err.extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE", upstreamStatus: 503, reason: "server_error" });
    expect(scope.isDone()).toBe(true);
    expect(retry.isDone()).toBe(false);
    nock.cleanAll();
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("times out a POST as UPSTREAM_UNAVAILABLE reason timeout, without retrying", async () => {
    upstream().post("/richiesta/FIR").delay(500).reply(200, answers[FIRMA_KEY], JSON_TYPE);

    const err = await rejection(client({ timeoutMs: 20 }).createRequest("FIR", bodies[FIRMA_KEY]!));

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as UpstreamUnavailableError).reason).toBe("timeout");
    expect(isTimeout(err)).toBe(true);
  });
});

describe("FirmaDigitaleClient.uploadDocuments", () => {
  it("PATCHes /richiesta/{id} with the flat base64 body and unwraps the answer", async () => {
    const body = examples.patchRichiestaIdBody;
    upstream()
      .matchHeader("content-type", "application/json")
      .patch(`/richiesta/${ID}`, body)
      .reply(200, examples.patchRichiestaId[FIRMA_KEY], JSON_TYPE);

    const request = await client().uploadDocuments(ID, body);

    expect(fromUpstreamRequest(request)).toMatchObject({ status: "IN_RICONOSCIMENTO", formUploaded: true, documentUploaded: true });
    expect(fromUpstreamRequest(request).timestamps.registeredAt).toEqual(new Date(1681226069_000));
  });

  it("sends only the files given", async () => {
    upstream()
      .patch(`/richiesta/${ID}`, (sent) => JSON.stringify(sent) === JSON.stringify({ documento: "QUJD", nome_documento: "ci.pdf" }))
      .reply(200, examples.patchRichiestaId[FIRMA_KEY], JSON_TYPE);

    await expect(client().uploadDocuments(ID, { documento: "QUJD", nome_documento: "ci.pdf" })).resolves.toMatchObject({ id: ID });
  });

  it.each([
    ["patchRichiestaId400", 400, 277, UpstreamRejectedError],
    ["patchRichiestaId404", 404, 278, UpstreamNotFoundError],
    ["patchRichiestaId406", 406, 290, UpstreamRejectedError],
    ["patchRichiestaId428", 428, 279, UpstreamRejectedError],
  ] as const)("maps the %s example", async (key, status, upstreamCode, cls) => {
    upstream().patch(`/richiesta/${ID}`).reply(status, examples[key], JSON_TYPE);

    const err = (await rejection(client().uploadDocuments(ID, { modulo: "QUJD" }))) as UpstreamRejectedError;

    expect(err.constructor).toBe(cls);
    expect(err.upstreamCode).toBe(upstreamCode);
  });

  it("never retries a PATCH on 503", async () => {
    const scope = upstream().patch(`/richiesta/${ID}`).once().reply(503);

    const err = await rejection(client().uploadDocuments(ID, { modulo: "QUJD" }));

    expect((err as UpstreamUnavailableError).reason).toBe("server_error");
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("rejects an upload without files with BAD_USER_INPUT before any call", async () => {
    const err = (await rejection(client().uploadDocuments(ID, { nome_modulo: "m.pdf" }))) as BadUserInputError;

    expect(err).toBeInstanceOf(BadUserInputError);
    expect(err.fields.map((f) => f.path)).toEqual(["files"]);
  });
});

describe("FirmaDigitaleClient.getModulo", () => {
  const pdf = Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");

  it("GETs /richiesta/{id}/modulo accepting application/pdf and returns the bytes", async () => {
    upstream()
      .matchHeader("accept", "application/pdf")
      .get(`/richiesta/${ID}/modulo`)
      .reply(200, pdf, { "content-type": "application/pdf" });

    const bytes = await client().getModulo(ID);

    expect(bytes.equals(pdf)).toBe(true);
  });

  it("maps the text/plain 404 to reason form_not_required", async () => {
    upstream().get(`/richiesta/${ID}/modulo`).reply(404, examples.getModulo404, { "content-type": "text/plain" });

    const err = (await rejection(client().getModulo(ID))) as UpstreamRejectedError;

    expect(err).toBeInstanceOf(UpstreamRejectedError);
    expect(err).not.toBeInstanceOf(UpstreamNotFoundError);
    expect(err.reason).toBe("form_not_required");
    expect(err.upstreamMessage).toBe(examples.getModulo404);
  });

  it("maps the text/plain 400 to reason invalid_id", async () => {
    upstream().get("/richiesta/x/modulo").reply(400, examples.getModulo400, { "content-type": "text/plain" });

    expect(((await rejection(client().getModulo("x"))) as UpstreamRejectedError).reason).toBe("invalid_id");
  });

  it("refuses a 200 that is not a PDF as bad_response", async () => {
    upstream().get(`/richiesta/${ID}/modulo`).reply(200, "<html>login</html>", { "content-type": "text/html" });

    expect(((await rejection(client().getModulo(ID))) as UpstreamUnavailableError).reason).toBe("bad_response");
  });
});

describe("FirmaDigitaleClient.addVideoRecognition", () => {
  it("POSTs {id, codice_richiesta} to /richiesta/VIDEORIC", async () => {
    upstream()
      .post("/richiesta/VIDEORIC", { id: ID, codice_richiesta: "d1e4a" })
      .reply(200, examples.postRichiesta.VIDEORIC, JSON_TYPE);

    const request = await client().addVideoRecognition(ID, "d1e4a");

    expect(fromUpstreamRequest(request)).toMatchObject({ productCode: "SCARUBACNS", videoRecognition: true, requestCode: "d1e4a" });
  });

  it("POSTs the spec's body {id} when the request code is not given", async () => {
    upstream()
      .post("/richiesta/VIDEORIC", (sent) => JSON.stringify(sent) === JSON.stringify(examples.postRichiestaBodies.VIDEORIC))
      .reply(200, examples.postRichiesta.VIDEORIC, JSON_TYPE);

    await expect(client().addVideoRecognition(ID)).resolves.toMatchObject({ id: ID });
  });
});

describe("FirmaDigitaleClient GET retries", () => {
  it("retries a GET after 503 and returns the later success", async () => {
    const warnings: object[] = [];
    const scope = upstream()
      .get("/prodotti")
      .reply(503, "busy")
      .get("/prodotti")
      .reply(200, examples.getProdotti, JSON_TYPE);

    const products = await client({ logger: { warn: (obj) => warnings.push(obj) } }).listProducts();

    expect(products).toHaveLength(examples.getProdotti.data.length);
    expect(scope.isDone()).toBe(true);
    expect(warnings).toEqual([expect.objectContaining({ method: "GET", path: "/prodotti", attempt: 1, reason: "server_error", upstreamStatus: 503 })]);
  });

  it("retries a GET after a timeout", async () => {
    upstream()
      .get(`/richiesta/${ID}`)
      .delay(500)
      .reply(200, examples.getRichiestaId[FIRMA_KEY], JSON_TYPE)
      .get(`/richiesta/${ID}`)
      .reply(200, examples.getRichiestaId[FIRMA_KEY], JSON_TYPE);

    await expect(client({ timeoutMs: 20 }).getRequest(ID)).resolves.toMatchObject({ id: ID });
  });

  it("retries a GET after a network failure", async () => {
    upstream()
      .get("/prodotti")
      // A string: nock 14 never emits an error given as a plain object, and the call would hang.
      .replyWithError("socket hang up")
      .get("/prodotti")
      .reply(200, examples.getProdotti, JSON_TYPE);

    const warnings: object[] = [];
    const products = await client({ timeoutMs: 5_000, logger: { warn: (obj) => warnings.push(obj) } }).listProducts();

    expect(products).toHaveLength(examples.getProdotti.data.length);
    expect(warnings).toEqual([expect.objectContaining({ reason: "network" })]);
  });

  it("gives up after getRetries + 1 attempts with the last failure", async () => {
    const scope = upstream().get("/prodotti").times(3).reply(502, "<html>bad gateway</html>", { "content-type": "text/html" });

    const err = (await rejection(client({ getRetries: 2 }).listProducts())) as UpstreamUnavailableError;

    expect(err.extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE", upstreamStatus: 502, reason: "server_error" });
    expect(scope.isDone()).toBe(true);
  });

  it("times out a GET as reason timeout when no retry is left", async () => {
    upstream().get("/prodotti").delay(500).reply(200, examples.getProdotti, JSON_TYPE);

    const err = await rejection(client({ timeoutMs: 20, getRetries: 0 }).listProducts());

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect((err as UpstreamUnavailableError).extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE", reason: "timeout" });
  });

  it("does not retry a rejection", async () => {
    const scope = upstream().get(`/richiesta/${ID}`).once().reply(400, examples.getRichiestaId400, JSON_TYPE);

    expect(await rejection(client({ getRetries: 3 }).getRequest(ID))).toBeInstanceOf(UpstreamRejectedError);
    expect(scope.isDone()).toBe(true);
  });

  it("does not retry an unreadable 200", async () => {
    const scope = upstream().get("/prodotti").once().reply(200, "<html>", { "content-type": "text/html" });

    expect(((await rejection(client({ getRetries: 3 }).listProducts())) as UpstreamUnavailableError).reason).toBe("bad_response");
    expect(scope.isDone()).toBe(true);
  });
});

describe("FirmaDigitaleClient construction", () => {
  it.each([
    ["a relative base URL", { baseUrl: "/sandbox", token: TOKEN }],
    ["an ftp base URL", { baseUrl: "ftp://ws.firmadigitale.com", token: TOKEN }],
    ["an empty token", { baseUrl: BASE, token: "" }],
    ["a negative getRetries", { baseUrl: BASE, token: TOKEN, getRetries: -1 }],
    ["a zero timeout", { baseUrl: BASE, token: TOKEN, timeoutMs: 0 }],
  ])("refuses %s with TypeError", (_name, options) => {
    expect(() => new FirmaDigitaleClient(options)).toThrow(TypeError);
  });
});

describe("FirmaDigitaleClient buySpidVoucher", () => {
  it("answers the voucher URL of GET /spid_personale", async () => {
    const url = "https://onboarding.namirialtsp.com/wizard/userSelfRegistration?voucher=rzeup-0000GJA0000cNS";
    upstream().get("/spid_personale").reply(200, { data: { url }, success: true, message: "", error: null }, JSON_TYPE);
    await expect(client().buySpidVoucher()).resolves.toEqual({ url });
  });

  it.each([
    ["a 503", (s: nock.Interceptor) => s.reply(503, "busy")],
    ["a timeout", (s: nock.Interceptor) => s.delay(500).reply(200, { data: { url: "x" }, success: true, message: "", error: null }, JSON_TYPE)],
    ["a connection reset", (s: nock.Interceptor) => s.replyWithError({ code: "ECONNRESET", message: "socket hang up" })],
  ])("never retries this GET after %s: one request, UPSTREAM_UNAVAILABLE", async (_name, answer) => {
    const scope = answer(upstream().get("/spid_personale").once());
    const retry = upstream().get("/spid_personale").reply(200, { data: { url: "https://retried.example" }, success: true, message: "", error: null }, JSON_TYPE);
    const err = await rejection(client({ getRetries: 5, timeoutMs: 50 }).buySpidVoucher());
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(scope.isDone()).toBe(true);
    expect(retry.isDone()).toBe(false);
    nock.cleanAll();
  });

  it("maps 402/801 and 422/800 to UPSTREAM_REJECTED with the upstream code", async () => {
    upstream().get("/spid_personale").reply(402, { success: false, message: "Insufficient Credit in Wallet: 182.03", error: 801, data: null }, JSON_TYPE);
    const poor = (await rejection(client().buySpidVoucher())) as UpstreamRejectedError;
    expect(poor.upstreamCode).toBe(801);
    upstream().get("/spid_personale").reply(422, { success: false, message: "spid personale sold out", error: 800, data: null }, JSON_TYPE);
    const soldOut = (await rejection(client().buySpidVoucher())) as UpstreamRejectedError;
    expect(soldOut.upstreamCode).toBe(800);
  });
});
