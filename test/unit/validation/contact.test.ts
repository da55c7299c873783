import { describe, expect, it } from "vitest";
import { isValidEmail, isValidItalianCap, isValidPhone, isValidProvince } from "../../../src/validation/contact.js";

describe("isValidEmail", () => {
  it.each(["mario.rossi@example.it", "a.neri@altravia.it", "first+tag@sub.domain.com", "x@y.io", "o'brien@example.co.uk"])(
    "accepts %s",
    (email) => expect(isValidEmail(email)).toBe(true),
  );
  it.each(["", "plain", "@example.it", "mario@", "mario@example", "mario rossi@example.it", "mario@@example.it", "mario@.example.it", "mario.@example.it", "mario@example..it", "mario@-example.it", `${"a".repeat(65)}@example.it`])(
    "rejects %j",
    (email) => expect(isValidEmail(email)).toBe(false),
  );
});

describe("isValidItalianCap", () => {
  it.each(["00186", "05100", "20121", "98168"])("accepts %s", (cap) => expect(isValidItalianCap(cap)).toBe(true));
  it.each(["", "0186", "001860", "0018A", " 00186", "00 186"])("rejects %j", (cap) => expect(isValidItalianCap(cap)).toBe(false));
});

describe("isValidPhone", () => {
  it.each(["3471234567", "+39 347 123 4567", "0039 347 1234567", "347-123-4567", "06 1234567", "+390612345678", "0744 123456", "331234567"])(
    "accepts %s",
    (phone) => expect(isValidPhone(phone)).toBe(true),
  );
  it.each(["", "12345", "+44 20 7946 0958", "4471234567", "34712345678901", "347 abc 4567", "+39", "(06) 1234567", "06"])(
    "rejects %j",
    (phone) => expect(isValidPhone(phone)).toBe(false),
  );
});

describe("isValidProvince", () => {
  it.each(["RM", "TR", "MI", "SU", "BT", "VV", "OG"])("accepts %s", (p) => expect(isValidProvince(p)).toBe(true));
  it.each(["", "rm", "XX", "EE", "ROM", "R", "Roma"])("rejects %j", (p) => expect(isValidProvince(p)).toBe(false));
});
