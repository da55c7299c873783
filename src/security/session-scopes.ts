import type { ApolloServerPlugin } from "@apollo/server";
import { type GraphQLError, getOperationAST, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { ForbiddenError } from "../errors/index.js";
import type { SessionScope } from "../services/session-tokens.service.js";
import { rootFieldNames } from "./rate-limit.js";

/** Root fields any session token may use, whatever its scopes. */
const OPEN = "OPEN" as const;

/**
 * What a session token needs for each root field. A field that is not listed is for the tenant's
 * secret API key only (administration, webhooks, sandbox controls, token minting): new fields are
 * closed to session tokens until they are listed here on purpose.
 */
export const SESSION_ROOT_FIELDS: Record<"query" | "mutation" | "subscription", Record<string, SessionScope | typeof OPEN>> = {
  query: {
    viewer: OPEN,
    products: "CATALOGUE_READ",
    product: "CATALOGUE_READ",
    signatureRequest: "REQUESTS_READ",
    signatureRequests: "REQUESTS_READ",
  },
  mutation: {
    placeOrder: "ORDERS_WRITE",
    uploadIdentificationDocuments: "ORDERS_WRITE",
    requestVideoRecognition: "ORDERS_WRITE",
    refreshSignatureRequest: "REQUESTS_READ",
    registrationFormUrl: "REQUESTS_READ",
  },
  subscription: {
    statusEvents: "FEED_READ",
    signatureRequestUpdated: "FEED_READ",
  },
};

// Apollo takes the status from here and strips it from the body; graphql-ws ignores it.
const FORBIDDEN_HTTP = { status: 403 };

interface SessionLike {
  session: { scopes: ReadonlySet<SessionScope> } | null;
}

/** FORBIDDEN errors for each root field `operation` selects that the session's scopes do not allow. */
export function sessionScopeErrors(operation: OperationDefinitionNode, document: DocumentNode, scopes: ReadonlySet<SessionScope>): GraphQLError[] {
  const allowed = SESSION_ROOT_FIELDS[operation.operation];
  const errors: GraphQLError[] = [];
  for (const field of rootFieldNames(operation.selectionSet, document)) {
    if (field.startsWith("__")) continue;
    const needs = Object.hasOwn(allowed, field) ? allowed[field] : undefined;
    if (needs === undefined) {
      errors.push(
        new ForbiddenError(`${operation.operation} field ${field} needs the tenant's secret API key: session tokens cannot use it`, {
          reason: "SECRET_KEY_REQUIRED",
          field,
          http: FORBIDDEN_HTTP,
        }),
      );
    } else if (needs !== OPEN && !scopes.has(needs)) {
      errors.push(new ForbiddenError(`${field} needs the scope ${needs}, which this session token was not given`, { reason: "MISSING_SCOPE", missingScope: needs, field, http: FORBIDDEN_HTTP }));
    }
  }
  return errors;
}

/** The same check for a document as received (graphql-ws), picking the operation by name. */
export function sessionScopeErrorsFor(document: DocumentNode, operationName: string | null | undefined, ctx: SessionLike): GraphQLError[] {
  if (ctx.session === null) return [];
  const operation = getOperationAST(document, operationName ?? undefined);
  return operation == null ? [] : sessionScopeErrors(operation, document, ctx.session.scopes);
}

/**
 * Refuses, before execution, every operation of a session token that selects a root field its
 * scopes do not allow (FORBIDDEN naming the scope) or one reserved to secret keys.
 */
export function sessionScopePlugin<TContext extends SessionLike>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.session === null || !operation) return;
          const [first] = sessionScopeErrors(operation, document, contextValue.session.scopes);
          if (first) throw first;
        },
      };
    },
  };
}
