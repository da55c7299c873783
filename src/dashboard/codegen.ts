import type { CodegenConfig } from "@graphql-codegen/cli";

/** Types every dashboard operation from the committed schema: `npm run dashboard:codegen`. */
const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["src/dashboard/src/**/*.tsx", "src/dashboard/src/**/*.ts", "!src/dashboard/src/gql/**"],
  generates: {
    "src/dashboard/src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTimeISO: "string" } },
    },
  },
};
export default config;
