import { parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../../src/schema.js";
import { SESSION_ROOT_FIELDS, sessionScopeErrors } from "../../../src/security/session-scopes.js";
import { SESSION_SCOPES, type SessionScope } from "../../../src/services/session-tokens.service.js";

type OperationType = "query" | "mutation" | "subscription";

async function rootFields(): Promise<[OperationType, string][]> {
  const schema = await buildGatewaySchema(null);
  const out: [OperationType, string][] = [];
  for (const [type, root] of [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
    ["subscription", schema.getSubscriptionType()],
  ] as const) {
    for (const name of Object.keys(root?.getFields() ?? {})) out.push([type, name]);
  }
  return out;
}

function check(type: OperationType, field: string, scopes: SessionScope[]) {
  const document = parse(`${type} { ${field} }`, { noLocation: true });
  return sessionScopeErrors(document.definitions[0] as OperationDefinitionNode, document, new Set(scopes));
}

describe("session token scopes on every root field", () => {
  it("lists only fields that exist in the schema", async () => {
    const fields = new Set((await rootFields()).map(([t, f]) => `${t}.${f}`));
    for (const [type, map] of Object.entries(SESSION_ROOT_FIELDS)) for (const field of Object.keys(map)) expect(fields).toContain(`${type}.${field}`);
  });

  it("refuses each root field to a token without its scope, naming the scope, and allows it with the scope", async () => {
    for (const [type, field] of await rootFields()) {
      const needs = SESSION_ROOT_FIELDS[type][field];
      if (needs === undefined) {
        // Secret key only, whatever the scopes.
        const errors = check(type, field, [...SESSION_SCOPES]);
        expect(errors.map((e) => [e.extensions.code, e.extensions.reason]), `${type}.${field}`).toEqual([["FORBIDDEN", "SECRET_KEY_REQUIRED"]]);
      } else if (needs === "OPEN") {
        expect(check(type, field, []), `${type}.${field}`).toEqual([]);
      } else {
        const without = check(type, field, SESSION_SCOPES.filter((s) => s !== needs));
        expect(without.map((e) => [e.extensions.code, e.extensions.missingScope]), `${type}.${field}`).toEqual([["FORBIDDEN", needs]]);
        expect(check(type, field, [needs]), `${type}.${field}`).toEqual([]);
      }
    }
  });

  it("sees root fields through fragments and ignores introspection", () => {
    const document = parse(`query { __typename ...F } fragment F on Query { webhookEndpoints { id } }`);
    const errors = sessionScopeErrors(document.definitions[0] as OperationDefinitionNode, document, new Set(SESSION_SCOPES));
    expect(errors.map((e) => e.extensions.field)).toEqual(["webhookEndpoints"]);
  });
});
