import type { Collection, PlanInfo } from "../storage/collection.js";
import { compilePipeline } from "../storage/mingo-context.js";
import { isPlainObject, type Doc } from "../storage/values.js";
import { collOf, dbOf, optDoc, outDoc, plain, type CommandContext, type CommandHandler } from "./context.js";
import { checkCollatedPipeline, parseCollation, parseLet } from "./collation.js";
import { checkHint, execCount, execDistinct, execFind } from "./crud.commands.js";
import { CommandError, ErrorCode } from "./errors.js";
import { checkCommandOptions, notSupported } from "./options.js";
import { runQuery } from "./query-exec.js";

// Stages that read or write other namespaces or need a server this engine does not emulate.
const UNSUPPORTED_STAGES = new Set(["$out", "$merge", "$changeStream", "$currentOp", "$indexStats", "$collStats", "$listSessions", "$search", "$geoNear"]);

/** $count as $group + $project: mingo's $count emits {n: 0} on empty input where MongoDB emits nothing. */
function rewriteCount(stages: Doc[]): Doc[] {
  return stages.flatMap((stage) => {
    const field = stage["$count"];
    if (typeof field !== "string") return [stage];
    return [{ $group: { _id: null, [field]: { $sum: 1 } } }, { $project: { _id: 0 } }];
  });
}

/** Runs a pipeline; a leading $match goes through the query planner so it can use an index. */
export function execAggregate(cmd: Doc, ctx: CommandContext): { ns: string; out: Doc[]; plan: PlanInfo } {
  const db = dbOf(cmd);
  const collField = cmd["aggregate"];
  const name = plain(collField) === 1 ? "$cmd.aggregate" : collOf(cmd, "aggregate");
  const rawPipeline = cmd["pipeline"];
  if (!Array.isArray(rawPipeline)) throw new CommandError(ErrorCode.FailedToParse, "'pipeline' must be an array");
  const pipeline = plain<Doc[]>(rawPipeline);
  for (const stage of pipeline) {
    const op = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (!op || Object.keys(stage).length !== 1) throw new CommandError(ErrorCode.FailedToParse, "A pipeline stage specification object must contain exactly one field.");
    if (UNSUPPORTED_STAGES.has(op)) throw notSupported(`${op}`);
  }
  const collation = parseCollation(cmd["collation"]);
  const variables = parseLet(cmd["let"]);
  checkCollatedPipeline(pipeline, collation);
  const evalOpts = { collation, variables };
  // Database-level aggregate ({aggregate: 1}): only $documents is a source this engine has.
  if (name === "$cmd.aggregate") {
    const head = pipeline[0] ? Object.keys(pipeline[0])[0] : undefined;
    if (head !== "$documents") {
      throw notSupported(`a database-level aggregate starting with ${head ?? "no stage"} (only $documents is)`);
    }
    const out = compilePipeline(rewriteCount(pipeline), {}, evalOpts).run([]) as Doc[];
    return { ns: `${db}.${name}`, out: out.map(idFirst), plan: { stage: "COLLSCAN", docsExamined: 0 } };
  }
  const docsStage = pipeline.findIndex((s) => "$documents" in s);
  if (docsStage >= 0) {
    throw new CommandError(ErrorCode.InvalidNamespace, "$documents can only be the first stage of a database-level aggregate ({aggregate: 1})");
  }
  checkHint(ctx.catalog.get(db, name), cmd["hint"]);
  let stages = pipeline;
  let filter: Doc = {};
  const first = pipeline[0];
  if (first && isPlainObject(first["$match"]) && !JSON.stringify(first["$match"]).includes("$expr")) {
    filter = first["$match"];
    stages = pipeline.slice(1);
  }
  // A $sort (and $skip/$limit) right after it also goes to the planner, which may read it in index order.
  let sort: Doc | undefined;
  let skip: number | undefined;
  let limit: number | undefined;
  if (stages.length && isPlainObject(stages[0]!["$sort"])) {
    sort = stages[0]!["$sort"] as Doc;
    stages = stages.slice(1);
    if (stages.length && typeof stages[0]!["$skip"] === "number") {
      skip = stages[0]!["$skip"] as number;
      stages = stages.slice(1);
    }
    if (stages.length && typeof stages[0]!["$limit"] === "number") {
      limit = stages[0]!["$limit"] as number;
      stages = stages.slice(1);
    }
  }
  const coll: Collection | undefined = ctx.catalog.get(db, name);
  const { docs, plan } = runQuery(coll, filter, { sort, skip, limit, collation, variables }, ctx.stats);
  if (stages.length === 0) return { ns: `${db}.${name}`, out: docs.map(outDoc), plan };
  // Stages see the mingo view (plain numbers); the input is cloned so stages such as $addFields or
  // $unwind never touch stored documents.
  const out = compilePipeline(
    rewriteCount(stages),
    {
      collectionResolver: (from: string) => [...(ctx.catalog.get(db, from)?.docs.values() ?? [])].map((d) => d.view),
    },
    evalOpts,
  ).run(docs.map((d) => d.view)) as Doc[];
  return { ns: `${db}.${name}`, out: out.map(idFirst), plan };
}

// mingo's $project emits _id after the projected fields; MongoDB always leads with it.
function idFirst(d: Doc): Doc {
  if (!("_id" in d) || Object.keys(d)[0] === "_id") return d;
  const { _id, ...rest } = d;
  return { _id, ...rest };
}

const aggregate: CommandHandler = (cmd, ctx) => {
  if (cmd["explain"]) {
    const r = execAggregate(cmd, ctx);
    return explainReply(cmd, { ns: r.ns, plan: r.plan, nReturned: r.out.length });
  }
  const cursor = optDoc(cmd, "cursor");
  const { ns, out } = execAggregate(cmd, ctx);
  return ctx.cursors.first(ns, out, cursor?.["batchSize"] as number | undefined, false);
};

function explainReply(inner: Doc, run: { ns?: string; plan: PlanInfo; nReturned: number }): Doc {
  const { stage, indexName, docsExamined } = run.plan;
  const winningPlan: Doc = stage === "IXSCAN" ? { stage: "IXSCAN", indexName } : { stage: "COLLSCAN" };
  return {
    queryPlanner: { namespace: run.ns ?? "", parsedQuery: plain(inner["filter"] ?? inner["query"] ?? {}), winningPlan, rejectedPlans: [] },
    executionStats: {
      executionSuccess: true,
      nReturned: run.nReturned,
      totalDocsExamined: docsExamined,
      totalKeysExamined: stage === "IXSCAN" ? docsExamined : 0,
      executionStages: winningPlan,
    },
    ok: 1,
  };
}

/** Minimal explain: reports whether the query used an index and how many documents it examined. */
const explain: CommandHandler = (cmd, ctx) => {
  const inner = cmd["explain"];
  if (!isPlainObject(inner)) throw new CommandError(ErrorCode.FailedToParse, "explain takes a command document");
  const withDb: Doc = { ...inner, $db: cmd["$db"] };
  const name = Object.keys(inner)[0];
  if (name) checkCommandOptions(name, withDb);
  switch (name) {
    case "find": {
      const r = execFind(withDb, ctx);
      return explainReply(withDb, { ns: `${r.db}.${r.name}`, plan: r.plan, nReturned: r.out.length });
    }
    case "count": {
      const r = execCount(withDb, ctx);
      return explainReply(withDb, { plan: r.plan, nReturned: r.n });
    }
    case "distinct": {
      const r = execDistinct(withDb, ctx);
      return explainReply(withDb, { plan: r.plan, nReturned: r.values.length });
    }
    case "aggregate": {
      const r = execAggregate(withDb, ctx);
      return explainReply(withDb, { ns: r.ns, plan: r.plan, nReturned: r.out.length });
    }
    default:
      throw notSupported(`explain of '${name}'`);
  }
};

export const aggregateCommands: Record<string, CommandHandler> = { aggregate, explain };
