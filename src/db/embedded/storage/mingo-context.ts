import { Aggregator as AggregatorBase } from "mingo/aggregator";
import { Context, ProcessingMode } from "mingo/core";
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

/** mingo options every evaluation in the engine uses (our $type included). */
export function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { ...extra, context: CONTEXT };
}

/** A compiled filter. */
export function compileQuery(filter: Doc): QueryBase {
  return new QueryBase(filter, mingoOptions() as Options);
}

/** A compiled aggregation pipeline working on copies of its input. */
export function compilePipeline(stages: Doc[], extra: Partial<Options> = {}): AggregatorBase {
  return new AggregatorBase(stages, mingoOptions({ processingMode: ProcessingMode.CLONE_INPUT, ...extra }) as Options);
}
