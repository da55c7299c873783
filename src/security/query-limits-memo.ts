import { type GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema, type ValueNode } from "graphql";
import { operationComplexity, QueryTooComplexError, queryLimitRules, type OperationAnalysis, type QueryLimits } from "./query-limits.js";

/** Arguments the list-size estimator reads: a variable in one changes the cost. */
const SIZE_ARGUMENTS = new Set(["first", "last", "limit"]);
/** Costs remembered per document (one per operation name and cost-relevant variable values). */
const COSTS_PER_DOCUMENT = 64;
/** Longer keys are not remembered: costing is cheaper than keeping them. */
const MAX_KEY_LENGTH = 1024;

interface DocumentFacts {
  /** The static limits' errors (depth, aliases, root fields, introspection): the document's alone. */
  staticErrors: readonly GraphQLError[];
  /** The variables whose values can change the cost; null: all of them. */
  costVariables: readonly string[] | null;
  costs: Map<string, number>;
}

function variablesIn(value: ValueNode, into: Set<string>): void {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const v of value.values) variablesIn(v, into);
  else if (value.kind === Kind.OBJECT) for (const f of value.fields) variablesIn(f.value, into);
}

/** Whether some field sets its own cost (`@Field({ complexity })`): its arguments may then matter. */
function hasFieldComplexity(schema: GraphQLSchema): boolean {
  return Object.values(schema.getTypeMap()).some(
    (type) => "getFields" in type && Object.values(type.getFields()).some((f) => "extensions" in f && f.extensions?.complexity !== undefined),
  );
}

/**
 * The query limits of query-limits.ts, remembered per parsed document (Apollo hands the same
 * DocumentNode to every request with the same text): the static rules once per document, the cost
 * once per operation name and values of the variables that change it (those in `first`, `last`,
 * `limit` arguments and in `@skip`/`@include`). Answers exactly what `operationLimitErrors` answers.
 */
export class QueryLimitsMemo {
  private readonly documents = new WeakMap<DocumentNode, DocumentFacts>();
  private readonly allVariablesCount: boolean;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: QueryLimits,
  ) {
    this.allVariablesCount = hasFieldComplexity(schema);
  }

  /** Every limit broken by the operation, as `operationLimitErrors`; empty when it may run. */
  errors(document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null): GraphQLError[] {
    return this.analyse(document, variables, operationName).errors;
  }

  /** As `analyseOperation`: the limits broken, and the cost when none is (remembered as above). */
  analyse(document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null): OperationAnalysis {
    const facts = this.facts(document);
    if (facts.staticErrors.length > 0) return { errors: [...facts.staticErrors], cost: null };
    let cost: number;
    try {
      cost = this.cost(document, facts, variables ?? undefined, operationName ?? undefined);
    } catch (err) {
      if (err instanceof QueryTooComplexError) return { errors: [err], cost: null };
      throw err;
    }
    return { errors: cost > this.limits.maxComplexity ? [new QueryTooComplexError(this.limits.maxComplexity, cost)] : [], cost };
  }

  /** The operation's cost, as `operationComplexity` (remembered likewise); for cost-based budgets. */
  operationCost(document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null): number {
    return this.cost(document, this.facts(document), variables ?? undefined, operationName ?? undefined);
  }

  private facts(document: DocumentNode): DocumentFacts {
    let facts = this.documents.get(document);
    if (facts === undefined) {
      const costVariables = new Set<string>();
      visit(document, {
        Field(node) {
          for (const arg of node.arguments ?? []) if (SIZE_ARGUMENTS.has(arg.name.value)) variablesIn(arg.value, costVariables);
        },
        Directive(node) {
          for (const arg of node.arguments ?? []) variablesIn(arg.value, costVariables);
        },
      });
      facts = {
        staticErrors: validate(this.schema, document, queryLimitRules(this.limits)),
        costVariables: this.allVariablesCount ? null : [...costVariables].sort(),
        costs: new Map(),
      };
      this.documents.set(document, facts);
    }
    return facts;
  }

  private cost(document: DocumentNode, facts: DocumentFacts, variables: Record<string, unknown> | undefined, operationName: string | undefined): number {
    const relevant = facts.costVariables === null ? (variables ?? {}) : Object.fromEntries(facts.costVariables.map((v) => [v, variables?.[v]]));
    const key = `${operationName ?? ""}\u0000${JSON.stringify(relevant)}`;
    const known = facts.costs.get(key);
    if (known !== undefined) return known;
    const complexity = operationComplexity(this.schema, document, variables, operationName, this.limits.maxComplexity);
    if (key.length <= MAX_KEY_LENGTH) {
      if (facts.costs.size >= COSTS_PER_DOCUMENT) facts.costs.clear();
      facts.costs.set(key, complexity);
    }
    return complexity;
  }
}
