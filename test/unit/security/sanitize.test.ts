import { describe, expect, it } from "vitest";
import { BadUserInputError } from "../../../src/errors/index.js";
import { assertNoOperators, sanitizeFilterString } from "../../../src/security/sanitize.js";

function rejection(fn: () => unknown): { code: unknown; paths: string[] } | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!(err instanceof BadUserInputError)) throw err;
    return { code: err.extensions.code, paths: err.fields.map((f) => f.path) };
  }
}

describe("assertNoOperators", () => {
  it("accepts plain nested input, arrays, dates and nulls", () => {
    const input = {
      applicant: { taxCode: "RSSMRA80A01H501U", birth: new Date(0), note: null },
      tags: ["a", "b", { label: "x" }],
      amount: 12,
    };
    expect(rejection(() => assertNoOperators(input))).toBeNull();
  });

  it("refuses a $where key at the top level", () => {
    expect(rejection(() => assertNoOperators({ $where: "sleep(1000)" }))).toEqual({
      code: "BAD_USER_INPUT",
      paths: ["input.$where"],
    });
  });

  it("refuses a $ne object nested in an input, naming its path", () => {
    const input = { applicant: { taxCode: { $ne: null } } };
    expect(rejection(() => assertNoOperators(input, "input"))).toEqual({
      code: "BAD_USER_INPUT",
      paths: ["input.applicant.taxCode.$ne"],
    });
  });

  it("refuses a $gt object inside an array", () => {
    const input = { filters: [{ status: "NEW" }, { createdAt: { $gt: "" } }] };
    expect(rejection(() => assertNoOperators(input, "where"))?.paths).toEqual(["where.filters[1].createdAt.$gt"]);
  });

  it("refuses dotted keys that would reach into subdocuments", () => {
    expect(rejection(() => assertNoOperators({ "applicant.taxCode": "x" }))?.paths).toEqual(["input.applicant.taxCode"]);
    expect(rejection(() => assertNoOperators({ a: { "b.$gt": 1 } }))?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses input nested absurdly deep instead of walking it", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(rejection(() => assertNoOperators(deep))?.code).toBe("BAD_USER_INPUT");
  });
});

describe("sanitizeFilterString", () => {
  it("returns strings unchanged", () => {
    expect(sanitizeFilterString("RSSMRA80A01H501U", "taxCode")).toBe("RSSMRA80A01H501U");
  });

  it("refuses operator objects, arrays, numbers and null meant as strings", () => {
    for (const value of [{ $ne: null }, { $gt: "" }, ["a"], 42, null, undefined]) {
      expect(rejection(() => sanitizeFilterString(value, "where.taxCode"))).toEqual({
        code: "BAD_USER_INPUT",
        paths: ["where.taxCode"],
      });
    }
  });
});
