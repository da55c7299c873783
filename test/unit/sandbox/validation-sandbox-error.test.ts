import { describe, expect, it } from "vitest";
import { Errors, isSandboxError, SandboxCodes, sandboxError } from "../../../src/sandbox/sandbox-error.js";

describe("Errors", () => {
  it.each([
    ["wrongProduct", Errors.wrongProduct(), 400, 201, "wrong codice_prodotto"],
    ["insufficientCredit", Errors.insufficientCredit(182.03), 402, 207, "Insufficient Credit in Wallet: 182.03"],
    ["emailNotValid", Errors.emailNotValid(), 406, 247, "email not valid"],
    ["anagraficaRequired", Errors.anagraficaRequired(), 428, 209, "anagrafica required"],
    ["invalidId", Errors.invalidId(), 400, 211, "Invalid id"],
    ["noRequestForId", Errors.noRequestForId(), 404, 212, "no request matches this id:"],
    ["patchWrongId", Errors.patchWrongId(), 400, 277, "wrong id"],
    ["patchNotFound", Errors.patchNotFound(), 404, 278, "no request found"],
    ["videoNotRequired", Errors.videoNotRequired(), 406, 290, "videoriconoscimento is true, the operation is not required"],
    ["alreadyProcessed", Errors.alreadyProcessed(), 428, 279, "request already processed"],
    ["noRequests", Errors.noRequests(), 404, 214, "no request related to your account"],
  ])("%s carries the spec's status, code and message", (_name, err, status, error, message) => {
    expect(err).toEqual({ status, error, message });
  });

  it("keeps sandbox-only codes apart from the upstream's documented ones", () => {
    const documented = [201, 207, 209, 211, 212, 214, 247, 277, 278, 279, 290];
    const own = Object.values(SandboxCodes);
    expect(new Set(own).size).toBe(own.length);
    for (const c of own) expect(documented).not.toContain(c);
  });
});

describe("isSandboxError", () => {
  it("recognises built errors and nothing else", () => {
    expect(isSandboxError(sandboxError(400, 260, "x"))).toBe(true);
    expect(isSandboxError({ kind: "pdf" })).toBe(false);
    expect(isSandboxError(null)).toBe(false);
  });
});
