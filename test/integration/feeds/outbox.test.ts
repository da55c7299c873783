import { Types } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { SignatureRequestModel } from "../../../src/models/index.js";
import { StatusTracker, type StatusChangeNotice } from "../../../src/services/status-tracker.service.js";
import { fromUpstreamRequest } from "../../../src/provider/index.js";

describe("StatusTracker outbox", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("keeps a change whose listener failed and hands it over again on drainOutbox, once", async () => {
    const tracker = new StatusTracker({ checkDelayMs: 60_000, maxCheckDelayMs: 60_000 });
    const seen: StatusChangeNotice[] = [];
    let failNext = true;
    tracker.onChange(async (change) => {
      if (failNext) {
        failNext = false;
        throw new Error("event log unavailable");
      }
      seen.push(change);
    });
    const id = new Types.ObjectId();
    await SignatureRequestModel.create({
      _id: id,
      tenantId: new Types.ObjectId(),
      mode: "TEST",
      productCode: "RINFIR",
      status: "SUBMITTING",
      statusHistory: [{ status: "SUBMITTING", at: new Date() }],
    });
    const view = fromUpstreamRequest({ id: "5f7ef1e83a716836d3152662", codice_prodotto: "RINFIR", stato: "evasa" });
    await tracker.apply(id, view, "CALLBACK");

    const stored = await SignatureRequestModel.findById(id).lean();
    expect(stored!.status).toBe("EVASA");
    expect(stored!.outbox).toHaveLength(1);
    expect(seen).toHaveLength(0);

    expect(await tracker.drainOutbox(0)).toBe(1);
    expect(seen).toMatchObject([{ requestId: id.toHexString(), from: "SUBMITTING", to: "EVASA", source: "CALLBACK" }]);
    expect((await SignatureRequestModel.findById(id).lean())!.outbox).toHaveLength(0);
    expect(await tracker.drainOutbox(0)).toBe(0);
    expect(seen).toHaveLength(1);
  });
});
