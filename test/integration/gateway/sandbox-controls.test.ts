import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { applicantInput, PLACE_ORDER } from "../../helpers/orders.js";
import { p7mBuffer, pngBuffer } from "../../helpers/fixtures.js";

let gw: TestGateway;
let live: string;
beforeAll(async () => {
  gw = await startTestGateway();
  live = (await gw.tenant("LIVE")).apiKey;
});
afterAll(async () => {
  await gw.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers, checked by the assertions
type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };

async function gql(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await gw.graphql(query, variables, key)).body as Gql;
}

async function place(key: string, email = "mario.rossi@example.com"): Promise<string> {
  const res = await gql(key, PLACE_ORDER, { input: { productCode: "KIT", signature: { applicant: applicantInput({ email }) } }, key: randomUUID() });
  expect(res.errors).toBeUndefined();
  return res.data!.placeOrder.id as string;
}

async function upload(key: string, id: string): Promise<void> {
  const res = await gql(key, `mutation($id: ID!, $form: FileInput, $doc: FileInput) { uploadIdentificationDocuments(requestId: $id, signedForm: $form, idDocument: $doc) { status } }`, {
    id,
    form: { fileName: "modulo.pdf.p7m", contentBase64: (await p7mBuffer()).toString("base64") },
    doc: { fileName: "documento.png", contentBase64: pngBuffer().toString("base64") },
  });
  expect(res.errors).toBeUndefined();
}

const STATE = `{ sandbox { clock { now offsetSeconds nextBusinessDay upcoming { requestId upstreamId requestCode productCode status nextStatus dueAt } } wallet { amountCents currency } faults { errorRate timeoutRate dropCallbacks spidSoldOut } } }`;

function codeOf(res: Gql): string | undefined {
  return res.errors?.[0]?.extensions?.code as string | undefined;
}

function fieldsOf(res: Gql): string[] {
  return ((res.errors?.[0]?.extensions?.fields as { path: string }[] | undefined) ?? []).map((f) => f.path);
}

describe("sandbox controls over GraphQL", () => {
  it("refuses every sandbox query and mutation to a live key with FORBIDDEN", async () => {
    const id = "0".repeat(24);
    const operations = [
      STATE,
      `{ sandboxCallbacks(requestId: "${id}") { id } }`,
      `{ sandboxInbox(requestId: "${id}") { id } }`,
      `mutation { setSandboxFaults(input: { dropCallbacks: true }) { dropCallbacks } }`,
      `mutation { setSandboxWallet(balanceCents: 100) { amountCents } }`,
      `mutation { advanceSandboxClockBy(input: { businessDays: 1 }) { now } }`,
      `mutation { forceSandboxOutcome(requestId: "${id}", outcome: PARCEL_LOST) { parcelLost } }`,
      `mutation { resendSandboxCallback(callbackId: "${id}") { id } }`,
      `mutation { resetSandbox(confirm: true) { gatewayRequests } }`,
    ];
    for (const op of operations) expect(codeOf(await gql(live, op)), op).toBe("FORBIDDEN");
    expect(codeOf(await gql("", STATE))).toBe("UNAUTHENTICATED");
  });

  it("reads clock, wallet and faults; lists upcoming transitions with the gateway's ids", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key);
    await upload(key, id);
    const state = (await gql(key, STATE)).data!.sandbox;
    expect(state.wallet).toEqual({ amountCents: 100_000 - 3970, currency: "EUR" });
    expect(state.faults).toEqual({ errorRate: 0, timeoutRate: 0, dropCallbacks: false, spidSoldOut: false });
    expect(Date.parse(state.clock.nextBusinessDay)).toBeGreaterThan(Date.parse(state.clock.now));
    expect(state.clock.upcoming).toEqual([expect.objectContaining({ requestId: id, productCode: "KIT", status: "IN_RICONOSCIMENTO", nextStatus: "IN_LAVORAZIONE" })]);
  });

  it("advances to the next transition and by business days; refuses bad advances changing nothing", async () => {
    const { apiKey: key } = await gw.tenant();
    const none = await gql(key, `mutation { advanceSandboxClockBy(input: { toNextTransition: true }) { now } }`);
    expect(codeOf(none)).toBe("BAD_USER_INPUT");
    for (const input of ["{}", "{ seconds: 0 }", "{ businessDays: 0 }", "{ businessHours: -2 }", "{ seconds: 10, businessDays: 1 }"]) {
      const res = await gql(key, `mutation { advanceSandboxClockBy(input: ${input}) { now } }`);
      expect(codeOf(res), input).toBe("BAD_USER_INPUT");
      expect(fieldsOf(res)[0], input).toMatch(/^input/);
    }
    expect((await gql(key, STATE)).data!.sandbox.clock.offsetSeconds).toBe(0);
    const id = await place(key);
    await upload(key, id);
    const next = await gql(key, `mutation { advanceSandboxClockBy(input: { toNextTransition: true }) { now transitions } }`);
    expect(next.data!.advanceSandboxClockBy.transitions).toBe(1);
    const request = await gql(key, `{ signatureRequest(id: "${id}") { status } }`);
    expect(request.data!.signatureRequest.status).toBe("IN_LAVORAZIONE");
    const days = await gql(key, `mutation { advanceSandboxClockBy(input: { businessDays: 10 }) { transitions } }`);
    expect(days.data!.advanceSandboxClockBy.transitions).toBe(1);
    const hours = await gql(key, `mutation { advanceSandboxClockBy(input: { businessHours: 1.5 }) { transitions } }`);
    expect(hours.errors).toBeUndefined();
  });

  it("sets faults and wallet, refusing bad values with field paths and changing nothing", async () => {
    const { apiKey: key } = await gw.tenant();
    const bad = await gql(key, `mutation { setSandboxFaults(input: { errorRate: 2, dropCallbacks: true }) { dropCallbacks } }`);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(bad)).toEqual(["input.errorRate"]);
    const sum = await gql(key, `mutation { setSandboxFaults(input: { errorRate: 0.6, timeoutRate: 0.6 }) { errorRate } }`);
    expect(fieldsOf(sum)).toEqual(["input.timeoutRate"]);
    expect(codeOf(await gql(key, `mutation { setSandboxFaults(input: {}) { errorRate } }`))).toBe("BAD_USER_INPUT");
    expect((await gql(key, STATE)).data!.sandbox.faults.dropCallbacks).toBe(false);
    const ok = await gql(key, `mutation { setSandboxFaults(input: { dropCallbacks: true, spidSoldOut: true }) { dropCallbacks spidSoldOut errorRate } }`);
    expect(ok.data!.setSandboxFaults).toEqual({ dropCallbacks: true, spidSoldOut: true, errorRate: 0 });

    for (const cents of [-1, 1_000_000_001]) {
      const res = await gql(key, `mutation { setSandboxWallet(balanceCents: ${cents}) { amountCents } }`);
      expect(fieldsOf(res)).toEqual(["balanceCents"]);
    }
    expect((await gql(key, `mutation { setSandboxWallet(balanceCents: 1234) { amountCents } }`)).data!.setSandboxWallet.amountCents).toBe(1234);
    expect((await gql(key, STATE)).data!.sandbox.wallet.amountCents).toBe(1234);
  });

  it("shows and resends callbacks; forces outcomes, refusing one that cannot apply", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key);
    const log = await gql(key, `{ sandboxCallbacks(requestId: "${id}") { id status changedAt body state attempts { status durationMs } } }`);
    expect(log.data!.sandboxCallbacks).toHaveLength(1);
    const first = log.data!.sandboxCallbacks[0];
    expect(first).toMatchObject({ status: "IN_REGISTRAZIONE", state: "DELIVERED", attempts: [{ status: 200 }] });
    const resent = await gql(key, `mutation($id: ID!) { resendSandboxCallback(callbackId: $id) { id body state } }`, { id: first.id });
    expect(resent.data!.resendSandboxCallback).toMatchObject({ body: first.body, state: "DELIVERED" });
    expect(resent.data!.resendSandboxCallback.id).not.toBe(first.id);
    expect(codeOf(await gql(key, `mutation { resendSandboxCallback(callbackId: "${"a".repeat(24)}") { id } }`))).toBe("NOT_FOUND");

    const wrong = await gql(key, `mutation { forceSandboxOutcome(requestId: "${id}", outcome: VIDEO_FAILED) { videoFailed } }`);
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(wrong)).toEqual(["outcome"]);
    const forced = await gql(key, `mutation { forceSandboxOutcome(requestId: "${id}", outcome: IDENTIFICATION_REFUSED) { requestId identificationRefused videoFailed } }`);
    expect(forced.data!.forceSandboxOutcome).toEqual({ requestId: id, identificationRefused: true, videoFailed: false });
    await upload(key, id);
    await gql(key, `mutation { advanceSandboxClockBy(input: { toNextTransition: true }) { now } }`);
    expect((await gql(key, `{ signatureRequest(id: "${id}") { status } }`)).data!.signatureRequest.status).toBe("IN_REGISTRAZIONE");
    const other = (await gw.tenant()).apiKey;
    expect(codeOf(await gql(other, `mutation { forceSandboxOutcome(requestId: "${id}", outcome: PARCEL_LOST) { parcelLost } }`))).toBe("NOT_FOUND");
  });

  it("lists the applicant's inbox, with the virtual envelope PDF at EVASA", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key, "anna.bianchi@example.com");
    await upload(key, id);
    await gql(key, `mutation { advanceSandboxClockBy(input: { businessDays: 20 }) { now } }`);
    const inbox = await gql(key, `{ sandboxInbox(requestId: "${id}") { id kind to subject body at hasEnvelope envelopePdfBase64 } }`);
    expect(inbox.errors).toBeUndefined();
    const mails = inbox.data!.sandboxInbox as { kind: string; to: string; hasEnvelope: boolean; envelopePdfBase64: string | null }[];
    expect(mails.map((m) => m.kind)).toEqual(["INSTRUCTIONS", "ENVELOPE"]);
    expect(mails[0]).toMatchObject({ to: "anna.bianchi@example.com", hasEnvelope: false, envelopePdfBase64: null });
    const pdf = await PDFDocument.load(Buffer.from(mails[1]!.envelopePdfBase64!, "base64"));
    expect(pdf.getTitle()).toContain("SANDBOX DATA");
  });

  it("resets the tenant's sandbox and gateway data, keeping its key; needs confirm: true", async () => {
    const { apiKey: key } = await gw.tenant();
    const id = await place(key);
    const refused = await gql(key, `mutation { resetSandbox(confirm: false) { gatewayRequests } }`);
    expect(fieldsOf(refused)).toEqual(["confirm"]);
    expect((await gql(key, `{ signatureRequest(id: "${id}") { id } }`)).data!.signatureRequest.id).toBe(id);
    const reset = await gql(key, `mutation { resetSandbox(confirm: true) { sandboxRequests callbacks mails gatewayRequests statusEvents webhookDeliveries spidVouchers } }`);
    expect(reset.data!.resetSandbox).toMatchObject({ sandboxRequests: 1, callbacks: 1, mails: 1, gatewayRequests: 1 });
    expect(codeOf(await gql(key, `{ signatureRequest(id: "${id}") { id } }`))).toBe("NOT_FOUND");
    expect((await gql(key, STATE)).data!.sandbox.wallet.amountCents).toBe(100_000);
    // The key still works: a new order goes through.
    await place(key);
  });
});
