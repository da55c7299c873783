import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "mongodb";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER, recipientInput } from "../../helpers/orders.js";
import { sandboxPut, snapshotDb } from "../../helpers/hardening.js";
import { collect, wsClient } from "../feeds/feed-client.js";
import { BOUNDS, GRAPHQL_BOUNDS, SANDBOX_BOUNDS, type BoundKind } from "../../../src/validation/index.js";
import { ANAGRAFICA_FIELDS } from "../../../src/sandbox/validation/index.js";

// Read traffic may refresh the product cache; it is warmed first, and left out of the comparison.
const READ_TOUCHED = ["products"];

interface Answer {
  code: string | undefined;
  /** GraphQL: `extensions.fields[].path`; sandbox: the paths named in the envelope's message. */
  paths: string[];
  status: number;
}

/** A value just past the bound, made of letters only (so no other check is what refuses it). */
const tooLong = (kind: BoundKind): string => "a".repeat(BOUNDS[kind].max + 1);

type Op = { query: string; variables: Record<string, unknown>; bearer?: "admin"; subscription?: true; path: string };

const SIGNATURE = (applicant: Record<string, unknown>) => ({ productCode: "KIT", signature: { applicant } });
const order = (input: Record<string, unknown>, key = `b-${randomUUID()}`) => ({ query: PLACE_ORDER, variables: { input, key } });

/** For each GraphQL position of GRAPHQL_BOUNDS, an operation that puts `v` there (everything else valid), and its expected path. */
function operationFor(position: string, v: string, ids: { request: string }): Op {
  const [type, field] = position.split(/[.(]/) as [string, string];
  const arg = /\((\w+)\)$/.exec(position)?.[1];
  const applicant = applicantInput();
  const sub = (key: string) => ({ ...applicant, [key]: { ...(applicant[key] as object), [field]: v } });
  switch (type) {
    case "ApplicantInput":
      return { ...order(SIGNATURE({ ...applicant, [field]: v })), path: `input.signature.applicant.${field}` };
    case "ResidenceInput":
      return { ...order(SIGNATURE(sub("residence"))), path: `input.signature.applicant.residence.${field}` };
    case "ShippingAddressInput":
      return { ...order(SIGNATURE(sub("shipping"))), path: `input.signature.applicant.shipping.${field}` };
    case "IdentityDocumentInput":
      return { ...order(SIGNATURE(sub("document"))), path: `input.signature.applicant.document.${field}` };
    case "ShippingRecipientInput":
      return { ...order({ productCode: "LETTORE", device: { recipient: recipientInput({ [field]: v }) } }), path: `input.device.recipient.${field}` };
    case "FileInput":
      return { ...order({ productCode: "KIT", signature: { applicant, form: { fileName: "modulo.pdf", contentBase64: "JVBERi0=", [field]: v } } }), path: `input.signature.form.${field}` };
    case "VideoOrderInput":
      return { ...order({ productCode: "SMARTCARDCNS_VIDEO", video: { email: "mario.rossi@example.com", phone: "+393331234567", [field]: v } }), path: `input.video.${field}` };
    case "VideoUpgradeInput":
      return { ...order({ productCode: "VIDEORIC", videoUpgrade: { [field]: v } }), path: `input.videoUpgrade.${field}` };
    case "PlaceOrderInput":
      return { ...order({ productCode: v, renewal: {} }), path: `input.${field}` };
    case "CreateTenantInput":
      return { query: "mutation($i: CreateTenantInput!) { createTenant(input: $i) { apiKey } }", variables: { i: { name: "x", mode: "TEST", [field]: v } }, bearer: "admin", path: `input.${field}` };
    case "SignatureRequestFilter":
      return { query: "query($f: SignatureRequestFilter) { signatureRequests(first: 1, filter: $f) { edges { cursor } } }", variables: { f: { [field]: v } }, path: `filter.${field}` };
    case "ProductFilter":
      return { query: "query($f: ProductFilter) { products(filter: $f) { code } }", variables: { f: { [field]: v } }, path: `filter.${field}` };
    case "Query":
    case "Mutation":
    case "Subscription": {
      const renewal = { productCode: "RINFIR", renewal: {} };
      const ops: Record<string, Omit<Op, "path"> & { path?: string }> = {
        "Query.product(code)": { query: "query($v: String!) { product(code: $v) { code } }", variables: { v } },
        "Query.signatureRequest(id)": { query: "query($v: ID!) { signatureRequest(id: $v) { id } }", variables: { v } },
        "Query.signatureRequests(after)": { query: "query($v: String) { signatureRequests(first: 1, after: $v) { edges { cursor } } }", variables: { v } },
        "Query.webhookDeliveries(endpointId)": { query: "query($v: ID!) { webhookDeliveries(endpointId: $v) { id } }", variables: { v } },
        "Mutation.placeOrder(idempotencyKey)": { query: PLACE_ORDER, variables: { input: renewal, key: v } },
        "Mutation.uploadIdentificationDocuments(requestId)": { query: "mutation($v: ID!) { uploadIdentificationDocuments(requestId: $v) { id } }", variables: { v } },
        "Mutation.requestVideoRecognition(requestId)": { query: "mutation($v: ID!) { requestVideoRecognition(requestId: $v) { id } }", variables: { v } },
        "Mutation.refreshSignatureRequest(id)": { query: "mutation($v: ID!) { refreshSignatureRequest(id: $v) { id } }", variables: { v } },
        "Mutation.registrationFormUrl(requestId)": { query: "mutation($v: ID!) { registrationFormUrl(requestId: $v) { url } }", variables: { v } },
        "Mutation.createWebhookEndpoint(url)": { query: "mutation($v: String!) { createWebhookEndpoint(url: $v) { secret } }", variables: { v: `https://hooks.example.com/${v}` } },
        "Mutation.createWebhookEndpoint(description)": { query: "mutation($v: String) { createWebhookEndpoint(url: \"https://hooks.example.com/x\", description: $v) { secret } }", variables: { v } },
        "Mutation.deleteWebhookEndpoint(id)": { query: "mutation($v: ID!) { deleteWebhookEndpoint(id: $v) }", variables: { v } },
        "Mutation.setUpstreamToken(tenantId)": { query: "mutation($v: ID!) { setUpstreamToken(tenantId: $v, token: \"t0k3n\") { id } }", variables: { v }, bearer: "admin" },
        "Mutation.setUpstreamToken(token)": { query: `mutation($v: String!) { setUpstreamToken(tenantId: "${ids.request}", token: $v) { id } }`, variables: { v }, bearer: "admin" },
        "Subscription.statusEvents(after)": { query: "subscription($v: String) { statusEvents(after: $v) { cursor } }", variables: { v }, subscription: true },
        "Subscription.signatureRequestUpdated(id)": { query: "subscription($v: ID!) { signatureRequestUpdated(id: $v) { id } }", variables: { v }, subscription: true },
        "Subscription.statusEvents(productCode)": {
          query: "subscription($v: String!) { statusEvents(productCode: [$v]) { cursor } }",
          variables: { v },
          subscription: true,
          path: "productCode.0",
        },
        "Query.webhookDeliveriesForRequest(requestId)": { query: "query($v: ID!) { webhookDeliveriesForRequest(requestId: $v) { id } }", variables: { v } },
        "Query.sandboxCallbacks(requestId)": { query: "query($v: ID!) { sandboxCallbacks(requestId: $v) { id } }", variables: { v } },
        "Query.sandboxInbox(requestId)": { query: "query($v: ID!) { sandboxInbox(requestId: $v) { id } }", variables: { v } },
        "Query.spidVoucher(id)": { query: "query($v: ID!) { spidVoucher(id: $v) { id } }", variables: { v } },
        "Query.signatureRequestTimeline(id)": { query: "query($v: ID!) { signatureRequestTimeline(id: $v) { nextMoves } }", variables: { v } },
        "Mutation.redeliverWebhook(deliveryId)": { query: "mutation($v: ID!) { redeliverWebhook(deliveryId: $v) { id } }", variables: { v } },
        "Mutation.sendExampleWebhook(endpointId)": { query: "mutation($v: ID!) { sendExampleWebhook(endpointId: $v) { id } }", variables: { v } },
        "Mutation.rotateWebhookSecret(endpointId)": { query: "mutation($v: ID!) { rotateWebhookSecret(endpointId: $v) { secret } }", variables: { v } },
        "Mutation.createSessionToken(subject)": { query: "mutation($v: String!) { createSessionToken(subject: $v, scopes: [CATALOGUE_READ]) { token } }", variables: { v } },
        "Mutation.setAllowedOrigins(origins)": { query: "mutation($v: String!) { setAllowedOrigins(origins: [$v]) }", variables: { v }, path: "origins.0" },
        "Mutation.setTenantAllowedOrigins(origins)": {
          query: `mutation($v: String!) { setTenantAllowedOrigins(tenantId: "${ids.request}", origins: [$v]) }`,
          variables: { v },
          bearer: "admin",
          path: "origins.0",
        },
        "Mutation.setTenantAllowedOrigins(tenantId)": { query: "mutation($v: ID!) { setTenantAllowedOrigins(tenantId: $v, origins: []) }", variables: { v }, bearer: "admin" },
        "Mutation.forceSandboxOutcome(requestId)": { query: "mutation($v: ID!) { forceSandboxOutcome(requestId: $v, outcome: NORMAL) { requestId } }", variables: { v } },
        "Mutation.resendSandboxCallback(callbackId)": { query: "mutation($v: ID!) { resendSandboxCallback(callbackId: $v) { id } }", variables: { v } },
        "Mutation.buySpidVoucher(idempotencyKey)": { query: "mutation($v: String!) { buySpidVoucher(idempotencyKey: $v) { id } }", variables: { v } },
      };
      const op = ops[position];
      if (op === undefined) throw new Error(`no operation for ${position}: add one`);
      return { path: arg!, ...op };
    }
    default:
      throw new Error(`no operation for ${position}`);
  }
}

describe("input bounds at the GraphQL edge and in the sandbox (one case per bounded field, nothing stored here or upstream)", () => {
  let gw: TestGateway;
  let key: string;
  let requestId: string;
  let db: Db;

  const gql = async (op: Op): Promise<Answer> => {
    if (op.subscription) {
      const client = wsClient(gw.url, { authorization: `Bearer ${key}` });
      try {
        const errors = await collect(client, op.query, op.variables, (d) => d).failed(10_000);
        return { status: 200, code: errors[0]?.extensions?.code as string | undefined, paths: ((errors[0]?.extensions?.fields ?? []) as { path: string }[]).map((f) => f.path) };
      } finally {
        await client.dispose();
      }
    }
    const res = await gw.graphql(op.query, op.variables, op.bearer === "admin" ? TEST_ADMIN_TOKEN : key);
    const error = res.body.errors?.[0];
    return { status: res.status, code: error?.extensions?.code as string | undefined, paths: ((error?.extensions?.fields ?? []) as { path: string }[]).map((f) => f.path) };
  };

  const sandbox = async (method: "POST" | "PATCH", path: string, body: unknown): Promise<Answer> => {
    const res = await fetch(`${gw.url}/sandbox/${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const env = (await res.json()) as { error: number | null; message: string };
    const paths = env.message.split("; ").map((part) => part.split(": ")[0]!);
    return { status: res.status, code: env.error === null ? undefined : String(env.error), paths };
  };

  /** Runs `run`, expecting `expected`, and the whole database (gateway and sandbox collections) unchanged. */
  const unchanged = async (run: () => Promise<Answer>, expected: Answer): Promise<void> => {
    const before = await snapshotDb(db, READ_TOUCHED);
    expect(await run()).toEqual(expected);
    expect(await snapshotDb(db, READ_TOUCHED)).toEqual(before);
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    db = gw.db.connection.db!;
    key = (await gw.tenant("TEST", "bounds")).apiKey;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    const placed = await gw.graphql<{ placeOrder: { id: string } }>(PLACE_ORDER, { input: SIGNATURE(applicantInput()), key: `own-${randomUUID()}` }, key);
    expect(placed.body.errors).toBeUndefined();
    requestId = placed.body.data!.placeOrder.id;
    await gw.graphql("{ products { code } }", {}, key);
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
  });

  describe("the issue's bad inputs", () => {
    it("refuses a 100 KB first name with BAD_USER_INPUT naming input.signature.applicant.firstName", async () => {
      const op = operationFor("ApplicantInput.firstName", "M".repeat(100 * 1024), { request: requestId });
      await unchanged(() => gql(op), { status: 200, code: "BAD_USER_INPUT", paths: ["input.signature.applicant.firstName"] });
    });
    it("refuses NUL bytes in a surname", async () => {
      const op = operationFor("ApplicantInput.lastName", "Ros\u0000si", { request: requestId });
      await unchanged(() => gql(op), { status: 200, code: "BAD_USER_INPUT", paths: ["input.signature.applicant.lastName"] });
    });
    it("names every offending field at once", async () => {
      const op = order(SIGNATURE(applicantInput({ firstName: "x".repeat(101), lastName: "a\u0000b", residence: { ...(applicantInput().residence as object), address: "v\tia" } })));
      await unchanged(() => gql({ ...op, path: "" }), {
        status: 200,
        code: "BAD_USER_INPUT",
        paths: ["input.signature.applicant.firstName", "input.signature.applicant.lastName", "input.signature.applicant.residence.address"],
      });
    });
    it("refuses the same in the sandbox: a 100 KB nome and a NUL in cognome, both named, 400 code 267", async () => {
      const body = { anagrafica: { nome: "M".repeat(100 * 1024), cognome: "Ros\u0000si" } };
      await unchanged(() => sandbox("POST", "richiesta/KIT", body), { status: 400, code: "267", paths: ["anagrafica.nome", "anagrafica.cognome"] });
    });
    it("still accepts a name of exactly the bound, with accents", async () => {
      const res = await gw.graphql(PLACE_ORDER, { input: SIGNATURE(applicantInput({ firstName: "à".repeat(BOUNDS.personName.max) })), key: `ok-${randomUUID()}` }, key);
      expect(res.body.errors).toBeUndefined();
    });
  });

  describe("GraphQL: one past the bound at each position", () => {
    for (const [position, kind] of Object.entries(GRAPHQL_BOUNDS)) {
      it(`${position} (${kind}, ${BOUNDS[kind].max})`, async () => {
        const op = operationFor(position, tooLong(kind), { request: requestId });
        await unchanged(() => gql(op), { status: 200, code: "BAD_USER_INPUT", paths: [op.path] });
      });
    }
  });

  describe("sandbox: one past the bound at each path", () => {
    const anagrafica = Object.fromEntries(ANAGRAFICA_FIELDS.map((f) => [f, "x"]));
    for (const [path, kind] of Object.entries(SANDBOX_BOUNDS)) {
      it(`${path} (${kind}, ${BOUNDS[kind].max})`, async () => {
        const [head, inner] = path.split(".") as [string, string | undefined];
        const value = tooLong(kind);
        const body = inner === undefined ? { [head]: value } : { [head]: { ...(head === "anagrafica" ? anagrafica : {}), [inner]: value } };
        const patch = path === "modulo" || path === "nome_modulo" || path === "documento" || path === "nome_documento";
        const target = patch ? ["PATCH", `richiesta/${"0".repeat(24)}`] as const : ["POST", path === "id" || path === "codice_richiesta" ? "richiesta/VIDEORIC" : path.startsWith("anagrafica_spedizione") ? "richiesta/LETTORE" : path === "email" || path === "cellulare" ? "richiesta/SMARTCARDCNS_VIDEO" : "richiesta/KIT"] as const;
        // PATCH checks the request exists first: aim it at a real one of the sandbox.
        const url = patch ? `richiesta/${await upstreamIdOf(requestId)}` : target[1];
        await unchanged(() => sandbox(target[0], url, body), { status: 400, code: "267", paths: [path] });
      });
    }
  });

  async function upstreamIdOf(id: string): Promise<string> {
    const doc = await db.collection("signaturerequests").findOne({ _id: new (await import("mongodb")).ObjectId(id) });
    return String(doc?.upstreamId ?? doc?.upstream?.id);
  }
});
