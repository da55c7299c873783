import "reflect-metadata";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printSchema, lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type ContainerType } from "type-graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import {
  FeedResolver,
  ProductResolver,
  SessionResolver,
  SignatureRequestResolver,
  WebhookResolver,
  TenantResolver,
  ViewerResolver,
  SandboxResolver,
  SpidResolver,
  WebhookToolsResolver,
  TimelineResolver,
  type SignatureRequestResolverDeps,
} from "./resolvers/index.js";
import type { SandboxAdmin } from "./services/sandbox-admin.service.js";
import type { SpidService } from "./services/spid.service.js";
import type { WebhookTools } from "./services/webhook-tools.service.js";
import type { TimelineService } from "./services/timeline.service.js";
import type { ProductService } from "./services/products.service.js";
import type { TenantAdminService } from "./services/tenant-admin.service.js";
import type { WebhookService } from "./services/webhooks.service.js";
import type { FeedPubSub } from "./pubsub/index.js";
import { enforceInputBounds } from "./validation/index.js";
import type { SessionTokenService } from "./services/session-tokens.service.js";
import type { BrowserAccessService } from "./services/browser-access.service.js";

/** Everything resolvers are constructed with: one instance each per schema, no module singletons. */
export interface SchemaDeps extends SignatureRequestResolverDeps {
  adminEnabled: boolean;
  products: ProductService;
  tenantAdmin: TenantAdminService;
  webhooks: WebhookService;
  /** What type-graphql's subscriptions publish on (in-process, or Redis across replicas). */
  pubSub: FeedPubSub;
  sessions: SessionTokenService;
  browserAccess: BrowserAccessService;
  /** The sandbox's controls (test keys only). */
  sandboxAdmin: SandboxAdmin;
  /** Personal SPID vouchers (SPID_PER). */
  spid: SpidService;
  /** Redeliver, example event, secret rotation, deliveries per request. */
  webhookTools: WebhookTools;
  /** A request's whole story (signatureRequestTimeline). */
  timelines: TimelineService;
}

/** Where the committed SDL lives; `npm run check` fails when it drifts from the code. */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../schema/schema.graphql");

const RESOLVERS = [
  TenantResolver,
  ViewerResolver,
  ProductResolver,
  SignatureRequestResolver,
  FeedResolver,
  WebhookResolver,
  SessionResolver,
  SandboxResolver,
  SpidResolver,
  WebhookToolsResolver,
  TimelineResolver,
] as const;

/**
 * Builds the gateway's executable schema. With `deps` null the schema can be printed but not
 * executed (used to generate and check the committed SDL).
 */
export async function buildGatewaySchema(deps: SchemaDeps | null): Promise<GraphQLSchema> {
  const instances = new Map<abstract new (...args: never[]) => unknown, unknown>(
    deps === null
      ? []
      : [
          [TenantResolver, new TenantResolver(deps.adminEnabled, deps.tenantAdmin)],
          [ViewerResolver, new ViewerResolver()],
          [ProductResolver, new ProductResolver(deps.products)],
          [SignatureRequestResolver, new SignatureRequestResolver(deps)],
          [FeedResolver, new FeedResolver(deps.queries)],
          [WebhookResolver, new WebhookResolver(deps.webhooks)],
          [SessionResolver, new SessionResolver(deps.adminEnabled, deps.sessions, deps.browserAccess)],
          [SandboxResolver, new SandboxResolver(deps.sandboxAdmin)],
          [SpidResolver, new SpidResolver(deps.spid)],
          [WebhookToolsResolver, new WebhookToolsResolver(deps.webhookTools)],
          [TimelineResolver, new TimelineResolver(deps.timelines)],
        ],
  );
  const container: ContainerType = {
    get(someClass) {
      const cls = someClass as abstract new (...args: never[]) => unknown;
      const instance = instances.get(cls);
      if (instance === undefined) throw new Error(`no instance registered for resolver ${cls.name}`);
      return instance;
    },
  };
  // type-graphql needs a pubSub to build subscription fields even when the schema is only printed.
  const schema = await buildSchema({ resolvers: [...RESOLVERS], container, validate: false, pubSub: deps?.pubSub ?? createPubSub() });
  // Every string argument is held to its bound (docs/input-bounds.md) before any resolver runs.
  return enforceInputBounds(schema);
}

/** The SDL as committed: sorted, so unrelated reordering in code never shows up as drift. */
export function renderSdl(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
