import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isScalarType,
  GraphQLID,
  GraphQLString,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { BadUserInputError, type FieldProblem } from "../errors/index.js";
import { BOUNDS, FALLBACK_BOUND, GRAPHQL_BOUNDS, checkBound, type BoundKind } from "./input-bounds.js";

function isStringScalar(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return named === GraphQLString || named === GraphQLID;
}

/** True when a value of `type` can hold a String or ID somewhere (directly, in a list, or in an input object). */
function holdsStrings(type: GraphQLInputType, seen = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named === GraphQLString || named === GraphQLID;
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => holdsStrings(f.type, seen));
}

/** Every String/ID position of the schema's inputs, as the GRAPHQL_BOUNDS keys name them. */
export function stringInputPositions(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) if (isStringScalar(f.type)) out.push(`${type.name}.${f.name}`);
    } else if (isObjectType(type)) {
      for (const f of Object.values(type.getFields())) for (const a of f.args) if (isStringScalar(a.type)) out.push(`${type.name}.${f.name}(${a.name})`);
    }
  }
  return out;
}

function kindOf(key: string): BoundKind {
  return GRAPHQL_BOUNDS[key] ?? FALLBACK_BOUND;
}

/** Adds the problems of `value` (of `type`, already coerced by graphql) at `path`; `key` names its bound. */
function walk(value: unknown, type: GraphQLInputType, key: string, path: string, problems: FieldProblem[]): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, nullable.ofType as GraphQLInputType, key, `${path}.${i}`, problems));
    return;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) walk(v, field.type, `${nullable.name}.${name}`, `${path}.${name}`, problems);
    }
    return;
  }
  if (typeof value === "string" && (nullable === GraphQLString || nullable === GraphQLID)) {
    const why = checkBound(value, BOUNDS[kindOf(key)]);
    if (why !== null) problems.push({ path, message: why });
  }
}

/** Every bound broken by a field's arguments, each with its path (`input.signature.applicant.firstName`). */
export function argumentBoundProblems(parent: string, field: string, args: readonly GraphQLArgument[], values: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const arg of args) walk(values[arg.name], arg.type, `${parent}.${field}(${arg.name})`, arg.name, problems);
  return problems;
}

/** The error for broken bounds: BAD_USER_INPUT naming every offending field. */
export function inputBoundsError(problems: FieldProblem[]): BadUserInputError {
  return new BadUserInputError(`${problems.length} input field${problems.length === 1 ? "" : "s"} out of bounds: ${problems.map((p) => p.path).join(", ")}`, problems);
}

/**
 * Wraps the resolver (and, for subscriptions, the subscribe function) of every field whose
 * arguments can hold a string, so that a string past its bound (docs/input-bounds.md) or carrying a
 * control character is refused with BAD_USER_INPUT before the resolver runs: nothing is stored or
 * sent. Fields without such arguments are left untouched, at no cost.
 */
export function enforceInputBounds(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType(), ...Object.values(schema.getTypeMap())]) {
    if (!type || !isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((a) => holdsStrings(a.type))) continue;
      const marked = field as typeof field & { boundsEnforced?: true };
      if (marked.boundsEnforced) continue;
      marked.boundsEnforced = true;
      const guard = <T extends GraphQLFieldResolver<unknown, unknown>>(inner: T): T =>
        ((source, args, context, info) => {
          const problems = argumentBoundProblems(type.name, field.name, field.args, args as Record<string, unknown>);
          if (problems.length > 0) throw inputBoundsError(problems);
          return inner(source, args, context, info);
        }) as T;
      if (field.subscribe) field.subscribe = guard(field.subscribe);
      else field.resolve = guard(field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}
