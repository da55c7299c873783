import { readFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/child.js";
import config from "../../src/dashboard/codegen.js";

describe("src/dashboard/src/gql", () => {
  it("matches what GraphQL Code Generator makes from schema/schema.graphql and the dashboard's operations (run `npm run dashboard:codegen`)", async () => {
    const previous = process.cwd();
    process.chdir(REPO_ROOT);
    try {
      const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        expect(await readFile(path.resolve(REPO_ROOT, output.filename), "utf8"), output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(previous);
    }
  }, 60_000);
});
