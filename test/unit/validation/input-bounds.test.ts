import { readFileSync } from "node:fs";
import { buildSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../../src/schema.js";
import { BOUNDS, GRAPHQL_BOUNDS, SANDBOX_BOUNDS, checkBound, enforceInputBounds, stringInputPositions } from "../../../src/validation/index.js";
import { ANAGRAFICA_FIELDS, ANAGRAFICA_SPEDIZIONE_FIELDS, checkBodyBounds } from "../../../src/sandbox/validation/index.js";

describe("input bounds table", () => {
  it("names a bound for every String and ID input position of the schema, and no position that is gone", async () => {
    const positions = stringInputPositions(await buildGatewaySchema(null));
    expect(positions.filter((p) => GRAPHQL_BOUNDS[p] === undefined)).toEqual([]);
    expect(Object.keys(GRAPHQL_BOUNDS).filter((k) => !positions.includes(k))).toEqual([]);
  });

  it("names a bound for every field of the sandbox's anagrafica and anagrafica_spedizione", () => {
    for (const f of [...ANAGRAFICA_FIELDS, "note"]) expect(SANDBOX_BOUNDS[`anagrafica.${f}`], f).toBeDefined();
    for (const f of [...ANAGRAFICA_SPEDIZIONE_FIELDS, "note"]) expect(SANDBOX_BOUNDS[`anagrafica_spedizione.${f}`], f).toBeDefined();
  });

  it("documents every bound with its number in docs/input-bounds.md", () => {
    const doc = readFileSync(new URL("../../../docs/input-bounds.md", import.meta.url), "utf8");
    for (const [kind, bound] of Object.entries(BOUNDS)) expect(doc, kind).toMatch(new RegExp(`\\| \`${kind}\` \\| ${bound.max} \\|`));
    for (const [key, kind] of Object.entries(GRAPHQL_BOUNDS)) expect(doc, key).toContain(`| \`${key}\` | \`${kind}\` | ${BOUNDS[kind].max} |`);
    for (const [key, kind] of Object.entries(SANDBOX_BOUNDS)) expect(doc, key).toContain(`| \`${key}\` | \`${kind}\` | ${BOUNDS[kind].max} |`);
  });
});

describe("checkBound", () => {
  const name = BOUNDS.personName;
  it("accepts real Italian names up to the bound, counting code points", () => {
    expect(checkBound("Maria Grazia Dell'Acqua-Sant'Angelo", name)).toBeNull();
    expect(checkBound("à".repeat(name.max), name)).toBeNull();
    expect(checkBound("😀".repeat(name.max), name)).toBeNull();
  });
  it("refuses one character past the bound, and a 100 KB name", () => {
    expect(checkBound("a".repeat(name.max + 1), name)).toMatch(/at most 100/);
    expect(checkBound("a".repeat(100 * 1024), name)).toMatch(/at most 100/);
  });
  it("refuses every C0 control and DEL in single-line text, tab included", () => {
    for (const code of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f]) {
      expect(checkBound(`Ro${String.fromCharCode(code)}ssi`, name), code.toString(16)).toMatch(/control/);
    }
  });
  it("lets notes and base64 carry tabs and line breaks, never NUL", () => {
    expect(checkBound("citofono 3\r\n\tscala B", BOUNDS.notes)).toBeNull();
    expect(checkBound("AAAA\r\nAAAA", BOUNDS.gatewayFile)).toBeNull();
    expect(checkBound("a\u0000b", BOUNDS.notes)).toMatch(/U\+0000/);
  });
});

describe("checkBodyBounds (sandbox)", () => {
  it("names every offending field in one 400 with code 267", () => {
    const err = checkBodyBounds({ anagrafica: { nome: "x".repeat(101), cognome: "Ro\u0000ssi" }, callback: { url: "http://x/" + "a".repeat(3000) } });
    expect(err).toMatchObject({ status: 400, error: 267 });
    expect(err!.message).toContain("anagrafica.nome:");
    expect(err!.message).toContain("anagrafica.cognome:");
    expect(err!.message).toContain("callback.url:");
  });
  it("bounds callback.data as JSON and refuses controls inside it; ignores unknown fields", () => {
    expect(checkBodyBounds({ callback: { data: { a: "x".repeat(5000) } } })?.message).toMatch(/^callback\.data:/);
    expect(checkBodyBounds({ callback: { data: { a: "x\u0001" } } })?.message).toMatch(/^callback\.data\.a:/);
    expect(checkBodyBounds({ sconosciuto: "x".repeat(5000), anagrafica: { nome: "Mario", extra: "ok" } })).toBeNull();
    // Unknown fields inside anagrafica are stored with it: they get the `text` bound.
    expect(checkBodyBounds({ anagrafica: { extra: "x".repeat(1001) } })?.message).toMatch(/^anagrafica\.extra: expected at most 1000/);
    expect(checkBodyBounds({ anagrafica_spedizione: { extra: { deep: "x".repeat(2000) } } })?.message).toMatch(/^anagrafica_spedizione\.extra: expected at most 1000 characters of JSON/);
  });
});

describe("enforceInputBounds", () => {
  const toy = () =>
    enforceInputBounds(
      buildSchema(`
        input Tag { label: String }
        type Query { tagged(tags: [Tag!], note: String): Int  count(n: Int): Int }
      `),
    );

  it("refuses before the resolver, naming list items by index, and leaves fields without string arguments untouched", async () => {
    const schema = toy();
    const count = schema.getQueryType()!.getFields().count!;
    expect(count.resolve).toBeUndefined();
    let ran = 0;
    const rootValue = { tagged: () => ++ran, count: () => 1 };
    const result = await graphql({ schema, source: `{ tagged(tags: [{ label: "ok" }, { label: "a\\u0000b" }], note: "${"x".repeat(1001)}") }`, rootValue });
    expect(ran).toBe(0);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "tags.1.label" }, { path: "note" }] });
    expect((await graphql({ schema, source: `{ tagged(tags: [{ label: "ok" }]) count(n: 2) }`, rootValue })).data).toEqual({ tagged: 1, count: 1 });
  });
});
