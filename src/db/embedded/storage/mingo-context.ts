import { Aggregator as AggregatorBase } from "mingo/aggregator";
import { Context, ProcessingMode, evalExpr } from "mingo/core";
import * as accumulatorOperators from "mingo/operators/accumulator";
import * as expressionOperators from "mingo/operators/expression";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import * as queryOperators from "mingo/operators/query";
import * as windowOperators from "mingo/operators/window";
import { Query as QueryBase } from "mingo/query";
import type { Options } from "mingo/types";
import { bsonType, isPlainObject, viewHints, type Doc, type Hints } from "./values.js";

// MongoDB's $type aliases by number.
const TYPE_CODES: Record<number, string> = {
  1: "double",
  2: "string",
  3: "object",
  4: "array",
  5: "binData",
  6: "undefined",
  7: "objectId",
  8: "bool",
  9: "date",
  10: "null",
  11: "regex",
  13: "javascript",
  14: "symbol",
  16: "int",
  17: "timestamp",
  18: "long",
  19: "decimal",
  [-1]: "minKey",
  127: "maxKey",
};
const NUMERIC = new Set(["double", "int", "long", "decimal"]);

/** MongoDB type name of a view value; numbers use the stored hint to tell double/long/decimal from int. */
function typeName(v: unknown, hint: string | undefined): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") {
    if (hint === "long") return "long";
    if (hint === "double") return "double";
    if (hint?.startsWith("decimal:")) return "decimal";
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? "int" : "double";
  }
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regex";
  if (Array.isArray(v)) return "array";
  switch (bsonType(v)) {
    case "ObjectId":
      return "objectId";
    case "Binary":
      return "binData";
    case "Long":
      return "long";
    case "Decimal128":
      return "decimal";
    case "Double":
      return "double";
    case "Int32":
      return "int";
    case "Timestamp":
      return "timestamp";
    case "MinKey":
      return "minKey";
    case "MaxKey":
      return "maxKey";
    case "BSONRegExp":
      return "regex";
    case "BSONSymbol":
      return "symbol";
    case "Code":
      return "javascript";
  }
  return "object";
}

/** Values at a dotted path with their concrete paths (array positions included), as $type sees them. */
function leaves(doc: unknown, parts: string[], path: string, out: Array<[unknown, string]>): void {
  if (parts.length === 0) {
    out.push([doc, path]);
    if (Array.isArray(doc)) doc.forEach((el, i) => out.push([el, `${path}.${i}`]));
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  const join = (k: string | number): string => (path === "" ? String(k) : `${path}.${k}`);
  if (Array.isArray(doc)) {
    if (/^\d+$/.test(head)) leaves(doc[Number(head)], rest, join(head), out);
    else doc.forEach((el, i) => isPlainObject(el) && leaves(el[head], rest, `${join(i)}.${head}`, out));
    return;
  }
  if (isPlainObject(doc) && head in doc) leaves(doc[head], rest, join(head), out);
}

/**
 * $type that knows the exact BSON type of numbers: the view holds plain JS numbers, and the type
 * that mingo cannot see lives in the document's hints.
 */
function $type(selector: string, value: unknown): (o: Doc) => boolean {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => (typeof t === "number" ? TYPE_CODES[t] : String(t)));
  return (o: Doc) => {
    const hints: Hints | undefined = viewHints.get(o);
    const found: Array<[unknown, string]> = [];
    leaves(o, selector.split("."), "", found);
    return found.some(([v, p]) => {
      if (v === undefined) return false;
      const name = typeName(v, hints?.[p]);
      return wanted.some((w) => w === name || (w === "number" && NUMERIC.has(name)));
    });
  };
}

const CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: { ...queryOperators, $type } as never,
  window: windowOperators,
} as never);

// mingo copies every operator table of the context it is given for each Query, Aggregator and
// update it builds (ComputeOptions.init → Context.from), which dominated small queries. This
// context is complete and never changed after start-up (mingo's own addOps calls only add operators
// it already holds, never replace one), so it is shared instead of copied.
const contextFrom = Context.from.bind(Context);
Context.from = (...ctx: Context[]): Context => (ctx.length === 1 && ctx[0] === CONTEXT ? CONTEXT : contextFrom(...ctx));

/** A non-simple collation: how strings compare under it (see commands/collation.ts). */
export interface Collation {
  /** What mingo's $sort stage takes. */
  spec: NonNullable<Options["collation"]>;
  compare(a: string, b: string): number;
  /** Identifies equivalent collations (one cached evaluation context each). */
  key: string;
}

/** Values at a dotted path as query operators see them: array elements as well as the arrays. */
function pathValues(doc: unknown, parts: string[], out: unknown[]): void {
  if (parts.length === 0) {
    out.push(doc);
    if (Array.isArray(doc)) out.push(...doc);
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(doc)) {
    if (/^\d+$/.test(head)) pathValues(doc[Number(head)], rest, out);
    for (const el of doc) if (isPlainObject(el)) pathValues(el[head], rest, out);
    return;
  }
  if (isPlainObject(doc)) pathValues(doc[head], rest, out);
}

type QueryOp = (selector: string, value: unknown, options: Options) => (o: Doc) => boolean;
type ExprOp = (obj: unknown, expr: unknown, options: Options) => unknown;

/**
 * Query and expression comparison operators that compare two strings under the collation and leave
 * every other comparison to mingo's own operator (so types, null and arrays behave as before).
 */
function collatedOperators(c: Collation): { query: Record<string, QueryOp>; expression: Record<string, ExprOp> } {
  const q = queryOperators as unknown as Record<string, QueryOp>;
  const e = expressionOperators as unknown as Record<string, ExprOp>;
  const strings = (o: Doc, selector: string): string[] => {
    const out: unknown[] = [];
    pathValues(o, selector.split("."), out);
    return out.filter((v): v is string => typeof v === "string");
  };
  const ordered = (name: string, test: (n: number) => boolean): QueryOp => (selector, value, options) => {
    if (typeof value !== "string") return q[name]!(selector, value, options);
    return (o) => strings(o, selector).some((s) => test(c.compare(s, value)));
  };
  const inOp: QueryOp = (selector, value, options) => {
    if (!Array.isArray(value) || !value.some((v) => typeof v === "string")) return q["$in"]!(selector, value, options);
    const wanted = value.filter((v): v is string => typeof v === "string");
    const rest = value.filter((v) => typeof v !== "string");
    const others = rest.length ? q["$in"]!(selector, rest, options) : () => false;
    return (o) => others(o) || strings(o, selector).some((s) => wanted.some((w) => c.compare(s, w) === 0));
  };
  const not = (op: QueryOp): QueryOp => (selector, value, options) => {
    const p = op(selector, value, options);
    return (o) => !p(o);
  };
  const query: Record<string, QueryOp> = {
    $eq: ordered("$eq", (n) => n === 0),
    $gt: ordered("$gt", (n) => n > 0),
    $gte: ordered("$gte", (n) => n >= 0),
    $lt: ordered("$lt", (n) => n < 0),
    $lte: ordered("$lte", (n) => n <= 0),
    $in: inOp,
  };
  query["$ne"] = (selector, value, options) => (typeof value === "string" ? not(query["$eq"]!)(selector, value, options) : q["$ne"]!(selector, value, options));
  query["$nin"] = (selector, value, options) =>
    Array.isArray(value) && value.some((v) => typeof v === "string") ? not(inOp)(selector, value, options) : q["$nin"]!(selector, value, options);
  const exprCmp = (name: string, fromOrder: (n: number) => unknown): ExprOp => (obj, expr, options) => {
    if (!Array.isArray(expr) || expr.length !== 2) return e[name]!(obj, expr, options);
    const [a, b] = evalExpr(obj, expr, options as never) as [unknown, unknown];
    if (typeof a === "string" && typeof b === "string") return fromOrder(Math.sign(c.compare(a, b)));
    return e[name]!(obj, [{ $literal: a }, { $literal: b }], options);
  };
  const expression: Record<string, ExprOp> = {
    $eq: exprCmp("$eq", (n) => n === 0),
    $ne: exprCmp("$ne", (n) => n !== 0),
    $gt: exprCmp("$gt", (n) => n > 0),
    $gte: exprCmp("$gte", (n) => n >= 0),
    $lt: exprCmp("$lt", (n) => n < 0),
    $lte: exprCmp("$lte", (n) => n <= 0),
    $cmp: exprCmp("$cmp", (n) => n),
  };
  return { query, expression };
}

const collatedContexts = new Map<string, Context>();

function contextFor(collation: Collation | null | undefined): Context {
  if (!collation) return CONTEXT;
  let ctx = collatedContexts.get(collation.key);
  if (!ctx) {
    const ops = collatedOperators(collation);
    ctx = Context.init({
      accumulator: accumulatorOperators,
      expression: { ...expressionOperators, ...ops.expression },
      pipeline: pipelineOperators,
      projection: projectionOperators,
      query: { ...queryOperators, $type, ...ops.query },
      window: windowOperators,
    } as never);
    collatedContexts.set(collation.key, ctx);
  }
  return ctx;
}

/** What an evaluation may depend on besides the documents: a collation and `let` variables. */
export interface EvalOptions {
  collation?: Collation | null;
  variables?: Doc;
}

/** mingo options every evaluation in the engine uses (our $type included). */
export function mingoOptions(extra: Partial<Options> = {}, evalOpts: EvalOptions = {}): Partial<Options> {
  const out: Partial<Options> = { ...extra, context: contextFor(evalOpts.collation) };
  if (evalOpts.collation) (out as { collation?: unknown }).collation = evalOpts.collation.spec;
  if (evalOpts.variables) (out as { variables?: unknown }).variables = evalOpts.variables;
  return out;
}

/** A compiled filter. */
export function compileQuery(filter: Doc, evalOpts: EvalOptions = {}): QueryBase {
  return new QueryBase(filter, mingoOptions({}, evalOpts) as Options);
}

/** A compiled aggregation pipeline working on copies of its input. */
export function compilePipeline(stages: Doc[], extra: Partial<Options> = {}, evalOpts: EvalOptions = {}): AggregatorBase {
  return new AggregatorBase(stages, mingoOptions({ processingMode: ProcessingMode.CLONE_INPUT, ...extra }, evalOpts) as Options);
}
