/**
 * `npm run schema` writes schema/schema.graphql from the code; `--check` (part of `npm run check`)
 * fails when the committed file differs.
 */
import { readFile, writeFile } from "node:fs/promises";
import { buildGatewaySchema, renderSdl, SCHEMA_FILE } from "../src/schema.js";

const sdl = renderSdl(await buildGatewaySchema(null));
if (process.argv.includes("--check")) {
  const committed = await readFile(SCHEMA_FILE, "utf8").catch(() => "");
  if (committed !== sdl) {
    console.error("schema/schema.graphql is out of date: run `npm run schema` and commit the result");
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date");
} else {
  await writeFile(SCHEMA_FILE, sdl);
  console.log(`wrote ${SCHEMA_FILE}`);
}
