import { describe, expect, it } from "vitest";
import { loggablePath } from "../../src/http/access-log.js";

describe("loggablePath", () => {
  it.each([
    ["/callbacks/firmadigitale/0123456789abcdef01234567/s3cr3t-value", "/callbacks/firmadigitale/0123456789abcdef01234567/:secret"],
    ["/downloads/forms/0123456789abcdef01234567.pdf?expires=1&signature=abc", "/downloads/forms/0123456789abcdef01234567.pdf"],
    ["/graphql?query=%7Bviewer%7D", "/graphql"],
    ["/sandbox/richiesta/KIT", "/sandbox/richiesta/KIT"],
  ])("logs %s as %s", (url, expected) => {
    expect(loggablePath(url)).toBe(expected);
  });
});
