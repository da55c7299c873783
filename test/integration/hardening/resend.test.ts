import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SignatureRequestModel } from "../../../src/models/index.js";
import { fromUpstreamRequest, toUpstreamOrderBody, type UpstreamRequest } from "../../../src/provider/index.js";
import { Reconciler, type ReconcilerOptions } from "../../../src/services/reconciler.service.js";
import { DUPLICATE_UPSTREAM_ORDER } from "../../../src/services/status-tracker.service.js";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { capturingLogger, sandboxPut, sandboxRequests } from "../../helpers/hardening.js";
import { applicantInput } from "../../helpers/orders.js";

const UPSTREAM_TIMEOUT_MS = 200;
const PLACE = "mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }";
const RENEWAL = { productCode: "RINFIR", renewal: { assistance: true } };
const KIT = { productCode: "KIT", signature: { applicant: applicantInput({ firstName: "Ottavia", lastName: "Sigillata" }) } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Far enough ahead that every request with a next check is due. */
const later = () => new Date(Date.now() + 24 * 60 * 60_000);

// Generous: each test drives several reconciler passes over every due request, slow on a loaded machine.
describe("accepted orders reach upstream without the client: sealed body, resend after the deadline, duplicates recorded, versioned writes", { timeout: 90_000 }, () => {
  let gw: TestGateway;
  let key: string;
  let tenantId: string;
  const log = capturingLogger();

  const place = async (input: Record<string, unknown>, idem = `resend-${randomUUID()}`) => {
    const res = await gw.graphql<{ placeOrder: { id: string; status: string } }>(PLACE, { input, key: idem }, key);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.placeOrder;
  };
  const upstreamOf = async (id: string) => (await sandboxRequests(gw.url, key)).filter((r) => r.callback?.data?.gatewayRequestId === id);
  /** Places `input` while upstream answers 503 to everything: stored, SUBMITTING, never upstream. */
  const placeUnsent = async (input: Record<string, unknown>) => {
    expect(await sandboxPut(gw.url, key, "_faults", { error_rate: 1 })).toBe(200);
    const placed = await place(input);
    expect(await sandboxPut(gw.url, key, "_faults", { error_rate: 0 })).toBe(200);
    expect(placed.status).toBe("SUBMITTING");
    expect(await upstreamOf(placed.id)).toHaveLength(0);
    return placed;
  };
  /** What a POST of an earlier attempt arriving late would create: another upstream order echoing `id`. */
  const latePost = async (id: string, kit = false) => {
    const callback = { url: `${gw.url}/callbacks/firmadigitale/${id}/not-the-secret`, gatewayRequestId: id };
    const body = kit ? toUpstreamOrderBody("SIGNATURE", { ...KIT.signature, callback } as never) : toUpstreamOrderBody("RENEWAL", { assistance: true, callback } as never);
    const res = await fetch(`${gw.url}/sandbox/richiesta/${kit ? "KIT" : "RINFIR"}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: UpstreamRequest }).data.id;
  };
  /** Moves the order's current attempt deadline into the past (as if 2 x the upstream timeout had gone by). */
  const expireAttempt = async (id: string) => {
    await SignatureRequestModel.updateOne({ _id: id }, { $set: { submitLeaseUntil: new Date(Date.now() - 1) } });
  };
  const alertsOf = async (id: string) => {
    const res = await gw.graphql<{ signatureRequest: { alerts: { code: string; upstreamId: string }[] } }>(
      "query($id: ID!) { signatureRequest(id: $id) { alerts { code upstreamId message at } } }",
      { id },
      key,
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.signatureRequest.alerts;
  };

  beforeAll(async () => {
    // The gateway's own reconciler stays out of the way (60 s interval): the tests drive passes.
    gw = await startTestGateway({}, { upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, checkDelayMs: 60_000 }, { logger: log.logger });
    const tenant = await gw.tenant("TEST", "resend");
    key = tenant.apiKey;
    tenantId = tenant.id;
    expect(await sandboxPut(gw.url, key, "_wallet", { balance: 1_000_000 })).toBe(200);
    await gw.graphql("{ products { code } }", {}, key);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("keeps the order sealed while SUBMITTING, resends it from the reconciler after the deadline, then erases it", async () => {
    const placed = await placeUnsent(KIT);
    const stored = await SignatureRequestModel.findById(placed.id).lean();
    expect(stored!.pendingOrder).toMatch(/^v1:/);
    // Sealed: no personal data, no callback secret in clear.
    expect(stored!.pendingOrder).not.toMatch(/Sigillata|Ottavia|callbacks/);
    expect(stored!.submitAttempts).toBe(1);

    // Before the attempt's deadline (however slow this machine is): looked for, not sent again.
    await SignatureRequestModel.updateOne({ _id: placed.id }, { $set: { submitLeaseUntil: new Date(Date.now() + 60_000) } });
    await gw.server.reconciler.runOnce(later());
    expect(await upstreamOf(placed.id)).toHaveLength(0);
    expect((await SignatureRequestModel.findById(placed.id).lean())!.nextCheckAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);

    await expireAttempt(placed.id);
    await gw.server.reconciler.runOnce(later());
    expect(await upstreamOf(placed.id)).toHaveLength(1);
    const after = await SignatureRequestModel.findById(placed.id).lean();
    expect(after!.status).not.toBe("SUBMITTING");
    expect(after!.upstreamId).not.toBeNull();
    expect(after!.pendingOrder).toBeNull();
    expect(after!.submitAttempts).toBe(2);
    expect(log.lines.some((l) => l.includes("sending it again") && l.includes(placed.id) && l.includes("reconciler"))).toBe(true);
    // The applicant reached the gateway's own collection too.
    expect(after!.applicantId).not.toBeNull();
  });

  it("erases the sealed order as soon as the first POST is answered", async () => {
    const placed = await place(RENEWAL);
    expect(placed.status).not.toBe("SUBMITTING");
    const stored = await SignatureRequestModel.findById(placed.id).lean();
    expect(stored!.pendingOrder).toBeNull();
    expect(stored!.submitAttempts).toBe(1);
  });

  it("claims a resend with a compare-and-set on the attempt counter: two concurrent resenders, one POST", async () => {
    const placed = await placeUnsent(RENEWAL);
    await expireAttempt(placed.id);
    // Both read the same copy, as two replicas would.
    const copy = (await SignatureRequestModel.findById(placed.id))!;
    const tenant = { id: tenantId, mode: "TEST" as const };
    const results = await Promise.all([
      gw.server.orders.resendAbandoned(tenant, copy, null, "replica A"),
      gw.server.orders.resendAbandoned(tenant, copy, null, "replica B"),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await upstreamOf(placed.id)).toHaveLength(1);
    expect((await SignatureRequestModel.findById(placed.id).lean())!.submitAttempts).toBe(2);
  });

  it("two reconcilers running at once resend an abandoned order once", async () => {
    const placed = await placeUnsent(RENEWAL);
    await expireAttempt(placed.id);
    // Replicas of the gateway's own reconciler, same options.
    const { options } = gw.server.reconciler as unknown as { options: ReconcilerOptions };
    const make = () => new Reconciler(options);
    await Promise.all([make().runOnce(later()), make().runOnce(later()), make().runOnce(later())]);
    expect(await upstreamOf(placed.id)).toHaveLength(1);
    expect((await SignatureRequestModel.findById(placed.id).lean())!.status).not.toBe("SUBMITTING");
  });

  it("does not resend while upstream shows the order, even past the deadline", async () => {
    // The POST took effect but its answer was lost (timeout_rate holds it past the client's timeout).
    // No callback either, or it would settle the order before anyone looks.
    expect(await sandboxPut(gw.url, key, "_faults", { timeout_rate: 1, drop_callbacks: true })).toBe(200);
    const placed = await place(RENEWAL);
    expect(await sandboxPut(gw.url, key, "_faults", { timeout_rate: 0, drop_callbacks: false })).toBe(200);
    expect(placed.status).toBe("SUBMITTING");
    await expireAttempt(placed.id);
    await gw.server.reconciler.runOnce(later());
    expect(await upstreamOf(placed.id)).toHaveLength(1);
    const after = await SignatureRequestModel.findById(placed.id).lean();
    expect(after!.status).not.toBe("SUBMITTING");
    expect(after!.pendingOrder).toBeNull();
  });

  it("records a late POST's second upstream order as DUPLICATE_UPSTREAM_ORDER (resent order, found by polling)", async () => {
    const placed = await placeUnsent(KIT);
    await expireAttempt(placed.id);
    await gw.server.reconciler.runOnce(later());
    const settled = (await SignatureRequestModel.findById(placed.id).lean())!;
    expect(settled.submitAttempts).toBe(2);
    expect(settled.status).toBe("IN_REGISTRAZIONE");
    expect(await alertsOf(placed.id)).toEqual([]);

    const duplicate = await latePost(placed.id, true);
    // A resent order is listed upstream on each poll while not final. The duplicate's own callback
    // races the poll; a write that loses the version check is redone by the next pass.
    let alerts = await alertsOf(placed.id);
    for (let pass = 0; pass < 5 && alerts.length === 0; pass++) {
      await gw.server.reconciler.runOnce(later());
      alerts = await alertsOf(placed.id);
    }
    expect(alerts).toEqual([expect.objectContaining({ code: DUPLICATE_UPSTREAM_ORDER, upstreamId: duplicate })]);
    const after = (await SignatureRequestModel.findById(placed.id).lean())!;
    expect(after.upstreamId).toBe(settled.upstreamId);
    expect(log.lines.some((l) => l.includes(DUPLICATE_UPSTREAM_ORDER) && l.includes(duplicate))).toBe(true);
    // Recorded once, however often it is seen again.
    await gw.server.tracker.applyEchoed(placed.id, (await upstreamOf(placed.id)).map((r) => fromUpstreamRequest(r as never)), "POLL");
    expect(await alertsOf(placed.id)).toHaveLength(1);
  });

  it("records a duplicate found while the request is still SUBMITTING: the oldest becomes the request's", async () => {
    const placed = await placeUnsent(RENEWAL);
    const first = await latePost(placed.id);
    await sleep(5);
    const second = await latePost(placed.id);
    await gw.server.reconciler.runOnce(later());
    const after = (await SignatureRequestModel.findById(placed.id).lean())!;
    expect(after.status).not.toBe("SUBMITTING");
    expect(after.upstreamId).toBe(first);
    expect((await alertsOf(placed.id)).map((a) => a.upstreamId)).toEqual([second]);
  });

  it("records a duplicate announced by a callback of the second upstream order", async () => {
    const placed = await place(RENEWAL);
    const stored = (await SignatureRequestModel.findById(placed.id).lean())!;
    const duplicate = await latePost(placed.id);
    const raw = (await upstreamOf(placed.id)).find((r) => r.id === duplicate)!;
    await gw.server.tracker.apply(placed.id, fromUpstreamRequest(raw as never), "CALLBACK");
    const after = (await SignatureRequestModel.findById(placed.id).lean())!;
    expect(after.upstreamId).toBe(stored.upstreamId);
    expect(after.status).toBe(stored.status);
    expect((await alertsOf(placed.id)).map((a) => a.code)).toEqual([DUPLICATE_UPSTREAM_ORDER]);
  });

  it("a write computed from a stale read never lands: the tracker's compare-and-set on the version computes it again", async () => {
    const placed = await place(KIT);
    const stale = (await SignatureRequestModel.findById(placed.id))!;
    expect(stale.status).toBe("IN_REGISTRAZIONE");
    const view = fromUpstreamRequest((await upstreamOf(placed.id))[0] as never);

    // A newer change within the same status: the reconciler backed off (5 unchanged polls).
    await SignatureRequestModel.updateOne({ _id: placed.id }, { $set: { unchangedChecks: 5 }, $inc: { version: 1 } });
    // The stale copy's version no longer matches anything.
    expect(await SignatureRequestModel.findOneAndUpdate({ _id: placed.id, version: stale.version }, { $set: { unchangedChecks: 0 } })).toBeNull();

    // A poll whose first read is that stale copy: its first write is refused, the retry counts from 5.
    const spy = vi.spyOn(SignatureRequestModel, "findById").mockResolvedValueOnce(stale as never);
    try {
      await gw.server.tracker.apply(placed.id, view, "POLL");
    } finally {
      spy.mockRestore();
    }
    const after = (await SignatureRequestModel.findById(placed.id).lean())!;
    expect(after.unchangedChecks).toBe(6);
    expect(after.version).toBe(stale.version + 2);
  });
});
