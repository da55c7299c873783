import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema, renderSdl, SCHEMA_FILE } from "../../src/schema.js";

describe("schema/schema.graphql", () => {
  it("matches the schema the code builds (run `npm run schema` after changing a type)", async () => {
    const built = renderSdl(await buildGatewaySchema(null));
    expect(await readFile(SCHEMA_FILE, "utf8")).toBe(built);
  });
});
