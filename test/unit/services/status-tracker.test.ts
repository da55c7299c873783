import { Types } from "mongoose";
import { describe, expect, it } from "vitest";
import { SignatureRequestModel } from "../../../src/models/index.js";
import { storesNothingNew } from "../../../src/services/status-tracker.service.js";

describe("storesNothingNew", () => {
  const stored = () =>
    new SignatureRequestModel({
      tenantId: new Types.ObjectId(),
      mode: "TEST",
      productCode: "KIT",
      status: "IN_REGISTRAZIONE",
      upstreamId: "u1",
      requestCode: "abcde",
      formUploaded: false,
      options: { assistance: false, urgent: false, videoRecognition: false, quantity: 1 },
      device: { deviceNumber: "D1", cardCode: null, userCode: null, alias: null, iut: null },
      issuedAt: new Date("2026-06-10T08:00:00Z"),
      pendingOrder: null,
    });

  it("is true when only the reconciler's bookkeeping would change", () => {
    expect(
      storesNothingNew(stored(), {
        upstreamId: "u1",
        requestCode: "abcde",
        "options.assistance": false,
        "options.quantity": 1,
        device: { deviceNumber: "D1", cardCode: null, userCode: null, alias: null, iut: null },
        issuedAt: new Date("2026-06-10T08:00:00Z"),
        pendingOrder: null,
        nextCheckAt: new Date(),
        unchangedChecks: 4,
      }),
    ).toBe(true);
  });

  it.each([
    ["another upstream id", { upstreamId: "u2" }],
    ["a flag turned on", { formUploaded: true }],
    ["an option changed", { "options.urgent": true }],
    ["a device field filled", { device: { deviceNumber: "D1", cardCode: "C9", userCode: null, alias: null, iut: null } }],
    ["credentials where there were none", { credentials: { username: "mario" } }],
    ["another date", { issuedAt: new Date("2026-06-11T08:00:00Z") }],
    ["one change among unchanged fields", { requestCode: "abcde", upstreamId: "u1", formUploaded: false, "options.videoRecognition": true }],
  ])("is false for %s", (_name, set) => {
    expect(storesNothingNew(stored(), set)).toBe(false);
  });

  it("is false while a sealed order is kept: erasing it is a change", () => {
    const request = stored();
    request.pendingOrder = "sealed:...";
    expect(storesNothingNew(request, { upstreamId: "u1", pendingOrder: null })).toBe(false);
  });
});
