import {
  GraphQLError,
  Kind,
  getNullableType,
  isListType,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { ApolloServerPlugin } from "@apollo/server";
import { createRequire } from "node:module";
import type * as QueryComplexityLib from "graphql-query-complexity/cjs";
import type { ComplexityEstimator } from "graphql-query-complexity/cjs";
import { AppError } from "../errors/index.js";

// The CommonJS build, loaded with require on purpose: the ESM build imports `graphql/index.mjs`, a
// second graphql realm that rejects the schema built by type-graphql and Apollo ("Cannot use
// GraphQLSchema from another module or realm"), and Node's ESM loader cannot see the CJS build's
// re-exported names.
const { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity/cjs",
) as typeof QueryComplexityLib;

/** The limits every operation must respect before any resolver runs. */
export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  maxAliases: number;
  maxRootFields: number;
  introspection: boolean;
}

/** Limits for an environment: introspection only outside production. */
export const defaultQueryLimits = (nodeEnv: string): QueryLimits => ({
  maxDepth: 12,
  maxComplexity: 1000,
  maxAliases: 30,
  maxRootFields: 10,
  introspection: nodeEnv !== "production",
});

/** How many items a list field is assumed to return when no `first`/`last`/`limit` argument bounds it. */
export const DEFAULT_LIST_SIZE = 10;

// Apollo turns this extension into the HTTP status of the response and strips it from the body:
// a refused operation is the client's fault (400), not a server failure (Apollo's default 500 for
// errors thrown by plugins).
const BAD_REQUEST = { http: { status: 400 } };

export class QueryTooDeepError extends AppError {
  /**
   * `scope` "introspection": depth counts nested type lists inside `__schema`/`__type`;
   * "ofType": depth counts `ofType` fields along one path.
   */
  constructor(maxDepth: number, depth: number, scope: "fields" | "introspection" | "ofType" = "fields") {
    super(
      "QUERY_TOO_DEEP",
      scope === "fields"
        ? `the operation is nested ${depth} levels deep; at most ${maxDepth} are allowed`
        : scope === "introspection"
          ? `the introspection query nests ${depth} lists of types or fields; at most ${maxDepth} are allowed`
          : `the introspection query nests ${depth} \`ofType\` fields; at most ${maxDepth} are allowed`,
      { ...BAD_REQUEST, maxDepth, depth, scope },
    );
  }
}

export class QueryTooComplexError extends AppError {
  /** `complexity` null: the document expanded past the node limit before its cost was known. */
  constructor(maxComplexity: number, complexity: number | null) {
    super(
      "QUERY_TOO_COMPLEX",
      `the operation costs ${complexity ?? "too many"} points; at most ${maxComplexity} are allowed (lower \`first\` or select fewer fields)`,
      { ...BAD_REQUEST, maxComplexity, complexity },
    );
  }
}

export class TooManyAliasesError extends AppError {
  constructor(maxAliases: number, aliases: number) {
    super("TOO_MANY_ALIASES", `the operation uses ${aliases} aliases; at most ${maxAliases} are allowed`, {
      ...BAD_REQUEST,
      maxAliases,
      aliases,
    });
  }
}

export class TooManyRootFieldsError extends AppError {
  constructor(maxRootFields: number, rootFields: number) {
    super(
      "TOO_MANY_ROOT_FIELDS",
      `the operation selects ${rootFields} root fields; at most ${maxRootFields} are allowed`,
      { ...BAD_REQUEST, maxRootFields, rootFields },
    );
  }
}

export class IntrospectionDisabledError extends AppError {
  constructor(field: string) {
    super("INTROSPECTION_DISABLED", `introspection (\`${field}\`) is disabled on this server`, BAD_REQUEST);
  }
}

/**
 * Walks selection sets through fragment spreads, computing a per-fragment value once: a fragment
 * spread many times is measured once, so a document cannot make the walk exponential. A spread of a
 * fragment already being measured (a cycle) counts as empty; graphql's NoFragmentCycles reports it.
 */
function fragmentMemo<T>(context: ValidationContext, measure: (set: SelectionSetNode) => T, empty: T) {
  const done = new Map<string, T>();
  const active = new Set<string>();
  return (name: string): T => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
    if (!fragment || active.has(name)) return empty;
    active.add(name);
    const value = measure(fragment.selectionSet);
    active.delete(name);
    done.set(name, value);
    return value;
  };
}

const INTROSPECTION_ROOTS = new Set(["__schema", "__type"]);
// Introspection fields returning lists of types or of their members: nesting them
// (`types { fields { type { fields { ... } } } }`) multiplies the response by the schema's size at
// each level. The standard introspection query (GraphiQL's) nests at most two along any path.
const INTROSPECTION_LISTS = new Set(["types", "fields", "inputFields", "interfaces", "possibleTypes", "enumValues"]);
/** At most this many INTROSPECTION_LISTS fields along one path inside `__schema`/`__type`. */
export const MAX_INTROSPECTION_LIST_NESTING = 2;
/**
 * At most this many `ofType` fields along one path inside `__schema`/`__type`: graphql-js's
 * getIntrospectionQuery (which GraphiQL sends) nests 9; no real type wraps more than a few times.
 */
export const MAX_INTROSPECTION_OFTYPE_NESTING = 9;

/**
 * Rejects operations nested deeper than `maxDepth` fields, fragments included. An introspection
 * subtree counts as one level (GraphiQL's query is 15 deep, mostly `ofType` chains) and is held
 * instead to MAX_INTROSPECTION_LIST_NESTING; whether introspection is allowed at all is a separate rule.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    let introspectionNesting = 0;
    const listNestingOf = (set: SelectionSetNode): number => {
      let worst = 0;
      for (const sel of set.selections) {
        const n =
          sel.kind === Kind.FIELD
            ? (INTROSPECTION_LISTS.has(sel.name.value) ? 1 : 0) + (sel.selectionSet ? listNestingOf(sel.selectionSet) : 0)
            : sel.kind === Kind.INLINE_FRAGMENT
              ? listNestingOf(sel.selectionSet)
              : fragmentListNesting(sel.name.value);
        if (n > worst) worst = n;
      }
      return worst;
    };
    const fragmentListNesting = fragmentMemo(context, listNestingOf, 0);
    let ofTypeNesting = 0;
    const ofTypeNestingOf = (set: SelectionSetNode): number => {
      let worst = 0;
      for (const sel of set.selections) {
        const n =
          sel.kind === Kind.FIELD
            ? (sel.name.value === "ofType" ? 1 : 0) + (sel.selectionSet ? ofTypeNestingOf(sel.selectionSet) : 0)
            : sel.kind === Kind.INLINE_FRAGMENT
              ? ofTypeNestingOf(sel.selectionSet)
              : fragmentOfTypeNesting(sel.name.value);
        if (n > worst) worst = n;
      }
      return worst;
    };
    const fragmentOfTypeNesting = fragmentMemo(context, ofTypeNestingOf, 0);

    // Depth of a selection set = the deepest child field's depth (leaf fields count as 1).
    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0;
      for (const sel of set.selections) {
        let d: number;
        if (sel.kind === Kind.FIELD) {
          if (INTROSPECTION_ROOTS.has(sel.name.value)) {
            d = 1;
            if (sel.selectionSet) {
              introspectionNesting = Math.max(introspectionNesting, listNestingOf(sel.selectionSet));
              ofTypeNesting = Math.max(ofTypeNesting, ofTypeNestingOf(sel.selectionSet));
            }
          } else d = 1 + (sel.selectionSet ? depthOf(sel.selectionSet) : 0);
        } else d = sel.kind === Kind.INLINE_FRAGMENT ? depthOf(sel.selectionSet) : fragmentDepth(sel.name.value);
        if (d > deepest) deepest = d;
      }
      return deepest;
    };
    const fragmentDepth = fragmentMemo(context, depthOf, 0);
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const depth = depthOf(node.selectionSet);
        if (depth > maxDepth) context.reportError(new QueryTooDeepError(maxDepth, depth));
      },
      Document: {
        leave() {
          if (introspectionNesting > MAX_INTROSPECTION_LIST_NESTING) {
            context.reportError(new QueryTooDeepError(MAX_INTROSPECTION_LIST_NESTING, introspectionNesting, "introspection"));
          }
          if (ofTypeNesting > MAX_INTROSPECTION_OFTYPE_NESTING) {
            context.reportError(new QueryTooDeepError(MAX_INTROSPECTION_OFTYPE_NESTING, ofTypeNesting, "ofType"));
          }
        },
      },
    };
  };
}

/** Rejects operations using more than `maxAliases` aliases, counting each fragment spread where it is spread. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => {
    const aliasesIn = (set: SelectionSetNode): number => {
      let n = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.alias) n += 1;
          if (sel.selectionSet) n += aliasesIn(sel.selectionSet);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) n += aliasesIn(sel.selectionSet);
        else n += fragmentAliases(sel.name.value);
      }
      return n;
    };
    const fragmentAliases = fragmentMemo(context, aliasesIn, 0);
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const aliases = aliasesIn(node.selectionSet);
        if (aliases > maxAliases) context.reportError(new TooManyAliasesError(maxAliases, aliases));
      },
    };
  };
}

/** Rejects operations selecting more than `maxRootFields` distinct root fields (response keys), fragments included. */
export function rootFieldLimitRule(maxRootFields: number): ValidationRule {
  return (context) => {
    // Distinct response keys: `{ a a }` runs `a` once, `{ x: a y: a }` runs it twice.
    const keysIn = (set: SelectionSetNode): ReadonlySet<string> => {
      const keys = new Set<string>();
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) keys.add((sel.alias ?? sel.name).value);
        else {
          const inner = sel.kind === Kind.INLINE_FRAGMENT ? keysIn(sel.selectionSet) : fragmentKeys(sel.name.value);
          for (const k of inner) keys.add(k);
        }
      }
      return keys;
    };
    const fragmentKeys = fragmentMemo<ReadonlySet<string>>(context, keysIn, new Set());
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const count = keysIn(node.selectionSet).size;
        if (count > maxRootFields) context.reportError(new TooManyRootFieldsError(maxRootFields, count));
      },
    };
  };
}

/** Rejects `__schema` and `__type` (`__typename` stays: clients need it for unions and caching). */
export const noIntrospectionRule: ValidationRule = (context): ASTVisitor => ({
  Field(node) {
    const name = node.name.value;
    if (name === "__schema" || name === "__type") context.reportError(new IntrospectionDisabledError(name));
  },
});

/** The static limits (depth, aliases, root fields, introspection) as graphql validation rules. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    depthLimitRule(limits.maxDepth),
    aliasLimitRule(limits.maxAliases),
    rootFieldLimitRule(limits.maxRootFields),
    ...(limits.introspection ? [] : [noIntrospectionRule]),
  ];
}

/** Lists cost `1 + n × (child cost)`, n from `first`/`last`/`limit`, else DEFAULT_LIST_SIZE. */
export function listSizeEstimator(defaultListSize = DEFAULT_LIST_SIZE): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    if (!isListType(getNullableType(field.type))) return undefined;
    const bound = [args.first, args.last, args.limit].find((v): v is number => typeof v === "number");
    const n = Math.max(0, bound ?? defaultListSize);
    return 1 + n * childComplexity;
  };
}

// Introspection is bounded by its own switch and by MAX_INTROSPECTION_LIST_NESTING; costed like data,
// GraphiQL's schema query (lists assumed 10 long) would exceed any sensible budget.
const introspectionEstimator: ComplexityEstimator = ({ field }) => (INTROSPECTION_ROOTS.has(field.name) ? 1 : undefined);

/** The estimators in order: an explicit `complexity` on the field (type-graphql `@Field({ complexity })`) wins. */
export const complexityEstimators = (): ComplexityEstimator[] => [
  introspectionEstimator,
  fieldExtensionsEstimator(),
  listSizeEstimator(),
  simpleEstimator({ defaultComplexity: 1 }),
];

/**
 * The cost of the operation `operationName` in `document` with `variables`. Never throws for bad
 * variables or arguments (execution reports those): a field whose arguments do not coerce costs
 * nothing, and the rest of the operation is still counted, so a bad argument cannot hide a costly
 * selection. Throws QueryTooComplexError when the document expands past the node limit.
 */
export function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  maxComplexity = Number.MAX_SAFE_INTEGER,
): number {
  let complexity = 0;
  const rule = createComplexityRule({
    // Infinity would do, but the library requires a finite positive number.
    maximumComplexity: Number.MAX_SAFE_INTEGER,
    estimators: complexityEstimators(),
    variables: variables ?? {},
    ...(operationName !== undefined ? { operationName } : {}),
    onComplete: (c) => {
      complexity += c;
    },
  });
  try {
    // Errors the rule reports (variables, arguments) are left for execution to report with its codes.
    validate(schema, document, [rule]);
  } catch (err) {
    // The library walks fragments anew at each spread and gives up past maxQueryNodes (10,000)
    // selections: such a document is far beyond any budget.
    if (err instanceof GraphQLError && !(err instanceof AppError)) throw new QueryTooComplexError(maxComplexity, null);
    throw err;
  }
  return complexity;
}

/** What the query limits make of one operation: the errors refusing it, else (errors empty) its cost. */
export interface OperationAnalysis {
  errors: GraphQLError[];
  /** null when refused before costing (a static limit, or a document expanding past the node limit). */
  cost: number | null;
}

/**
 * Checks every limit, in the order depth, aliases, root fields, introspection, complexity, and
 * returns the operation's cost when they pass. Never throws for a document past the node limit:
 * that is a QUERY_TOO_COMPLEX error like any other.
 */
export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
): OperationAnalysis {
  const errors = validate(schema, document, queryLimitRules(limits));
  if (errors.length > 0) return { errors: [...errors], cost: null };
  // Costing only runs on documents within the static limits: they bound its work.
  let cost: number;
  try {
    cost = operationComplexity(schema, document, variables ?? undefined, operationName ?? undefined, limits.maxComplexity);
  } catch (err) {
    if (err instanceof QueryTooComplexError) return { errors: [err], cost: null };
    throw err;
  }
  return { errors: cost > limits.maxComplexity ? [new QueryTooComplexError(limits.maxComplexity, cost)] : [], cost };
}

/**
 * Every limit broken by the operation, in the order depth, aliases, root fields, introspection,
 * complexity; empty when it may run. For callers outside Apollo's pipeline (graphql-ws `onSubscribe`),
 * after graphql's own validation has passed.
 */
export function operationLimitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
): GraphQLError[] {
  return analyseOperation(schema, document, limits, variables, operationName).errors;
}

/** The parts of Apollo's request context the analysis reads; `request` identifies the request. */
export interface AnalysedRequest {
  request: { variables?: Record<string, unknown> };
  document?: DocumentNode;
  operationName?: string | null;
}

/**
 * analyseOperation memoised per request, so the query limits and the rate limits (which charge the
 * cost) run it once between them, in whichever order Apollo calls their hooks.
 */
export function requestAnalyser(
  schema: GraphQLSchema,
  limits: QueryLimits,
  analyseDocument: (document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null) => OperationAnalysis = (d, v, o) =>
    analyseOperation(schema, d, limits, v, o),
): (request: AnalysedRequest) => OperationAnalysis {
  const done = new WeakMap<object, OperationAnalysis>();
  return (rc) => {
    let analysis = done.get(rc.request);
    if (analysis === undefined) {
      analysis = rc.document ? analyseDocument(rc.document, rc.request.variables, rc.operationName) : { errors: [], cost: null };
      done.set(rc.request, analysis);
    }
    return analysis;
  };
}

/**
 * Enforces every query limit in Apollo before execution: the static rules (run here rather than as
 * `validationRules`, where Apollo would rewrite their codes to GRAPHQL_VALIDATION_FAILED) and the
 * complexity budget, which needs the request's variables and operation name. Answers HTTP 400.
 * Pass the `analyse` shared with costLimitPlugin so the analysis runs once per request.
 */
export function complexityPlugin(
  schema: GraphQLSchema,
  limits: QueryLimits,
  analyse: (request: AnalysedRequest) => OperationAnalysis = requestAnalyser(schema, limits),
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const [first] = analyse(rc).errors;
          if (first) throw first;
        },
      };
    },
  };
}

/** The same plugin under a name that says it enforces all the limits, not only complexity. */
export const queryLimitsPlugin = complexityPlugin;
