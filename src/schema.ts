import "reflect-metadata";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printSchema, lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type ContainerType } from "type-graphql";
import { TenantResolver, ViewerResolver } from "./resolvers/index.js";

/** Everything resolvers are constructed with: one instance each per schema, no module singletons. */
export interface SchemaDeps {
  adminEnabled: boolean;
}

/** Where the committed SDL lives; `npm run check` fails when it drifts from the code. */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../schema/schema.graphql");

/** Builds the gateway's executable schema with its resolver instances. */
export async function buildGatewaySchema(deps: SchemaDeps): Promise<GraphQLSchema> {
  const instances = new Map<Function, unknown>([
    [TenantResolver, new TenantResolver(deps.adminEnabled)],
    [ViewerResolver, new ViewerResolver()],
  ]);
  const container: ContainerType = {
    get(someClass) {
      const instance = instances.get(someClass as Function);
      if (instance === undefined) throw new Error(`no instance registered for resolver ${String((someClass as Function).name)}`);
      return instance;
    },
  };
  return buildSchema({
    resolvers: [TenantResolver, ViewerResolver],
    container,
    validate: false,
  });
}

/** The SDL as committed: sorted, so unrelated reordering in code never shows up as drift. */
export function renderSdl(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
