/**
 * Embedded engine point lookups: by `_id` and by a unique indexed field, through the official
 * driver over TCP, on collections of 1,000 and 100,000 documents. A real index keeps the
 * 100k/1k throughput ratio near 1; a scan falls roughly with the collection size (shown by the
 * unindexed row). The same lookups against an in-process Map bound what any store could do here;
 * the wire-only ceiling (a minimal OP_MSG server answering a fixed reply over the same loopback
 * TCP path, through the same driver) bounds what any wire-protocol server could: the engine's
 * findOne by `_id` is reported as a share of it.
 */
import { MongoClient, type Collection, type Document } from "mongodb";
import { startEngine } from "../src/db/embedded/index.js";
import { startCeilingServer } from "./wire-ceiling.js";
import { printTable, runConcurrent, seededRandom, summarise, type RoundResult, type RoundsSummary } from "./lib.js";

const SIZES = [1_000, 100_000] as const;
const WIRE_CEILING = "wire-only OP_MSG server, fixed reply (ceiling)";
const BY_ID = "driver: findOne by _id";
const CONCURRENCY = 16;
const OPS = 4_000;
const ROUNDS = 5;
// A full scan of 100k documents per lookup is slow by design; fewer operations keep the run short.
const SCAN_OPS = 64;
const SCAN_ROUNDS = 3;

interface Person {
  _id: number;
  email: string;
  name: string;
  n: number;
}

const person = (i: number): Person => ({ _id: i, email: `user${i}@example.com`, name: `User ${i}`, n: i });

/** Fills a collection in insertMany chunks and builds the unique index after the load. */
async function load(coll: Collection<Person>, size: number): Promise<void> {
  const chunk = 1_000;
  for (let start = 0; start < size; start += chunk) {
    const docs = Array.from({ length: Math.min(chunk, size - start) }, (_, k) => person(start + k));
    await coll.insertMany(docs, { ordered: false });
  }
  await coll.createIndex({ email: 1 }, { unique: true });
}

/** Fails loudly when a lookup returns the wrong document: a fast wrong answer is no figure. */
function check(doc: Document | null | undefined, i: number): void {
  if (!doc || doc._id !== i) throw new Error(`lookup for key ${i} returned ${JSON.stringify(doc)}`);
}

/** The winning plan's stages, for the printed table (IXSCAN vs COLLSCAN). */
async function planOf(coll: Collection<Person>, filter: Document): Promise<string> {
  const plan = (await coll.find(filter).explain("executionStats")) as Document;
  const stages: string[] = [];
  for (let p: Document | undefined = plan.queryPlanner?.winningPlan; p; p = p.inputStage as Document | undefined) {
    if (typeof p.stage === "string") stages.push(p.stage);
  }
  return `${stages.join(">") || "?"} (${String(plan.executionStats?.totalDocsExamined ?? "?")} examined)`;
}

type Lookup = (i: number) => Promise<Document | null | undefined>;

/** One measured combination: a lookup kind against one collection size. */
interface Case {
  name: string;
  size: number;
  lookup: Lookup;
  ops: number;
  rounds: number;
  rnd: () => number;
  results: RoundResult[];
}

/** One round of a case: `ops` lookups of random keys over the whole key range, 16 in flight. */
function round(c: Case): Promise<RoundResult> {
  return runConcurrent({ ops: c.ops, concurrency: CONCURRENCY }, async () => {
    const key = Math.floor(c.rnd() * c.size);
    check(await c.lookup(key), key);
  });
}

/** Runs the benchmark and prints one table. */
export async function run(): Promise<void> {
  const engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null });
  const client = new MongoClient(engine.uri, { directConnection: true, maxPoolSize: CONCURRENCY });
  const ceiling = await startCeilingServer(person(0));
  const ceilingClient = new MongoClient(ceiling.uri, { directConnection: true, maxPoolSize: CONCURRENCY });
  try {
    await client.connect();
    await ceilingClient.connect();
    const fixed = ceilingClient.db("bench").collection<Person>("ceiling");
    const db = client.db("bench_engine");
    const cases: Case[] = [];
    const plans: Array<[string, string]> = [];
    const add = (name: string, size: number, lookup: Lookup, ops = OPS, rounds = ROUNDS): void => {
      cases.push({ name, size, lookup, ops, rounds, rnd: seededRandom(size + cases.length), results: [] });
    };

    for (const size of SIZES) {
      const coll = db.collection<Person>(`people_${size}`);
      await load(coll, size);
      const byId = new Map<number, Person>();
      const byEmail = new Map<string, Person>();
      for (let i = 0; i < size; i++) {
        const p = person(i);
        byId.set(i, p);
        byEmail.set(p.email, p);
      }
      plans.push([`_id @${size}`, await planOf(coll, { _id: 1 })]);
      plans.push([`unique email @${size}`, await planOf(coll, { email: "user1@example.com" })]);
      plans.push([`unindexed n @${size}`, await planOf(coll, { n: 1 })]);

      add("Map.get by _id (ceiling)", size, async (i) => byId.get(i));
      add("Map.get by email (ceiling)", size, async (i) => byEmail.get(`user${i}@example.com`));
      // The fixed reply is document 0 whatever the key: only its presence is checked.
      add(WIRE_CEILING, size, async (i) => ((await fixed.findOne({ _id: i })) ? { _id: i } : null));
      add(BY_ID, size, (i) => coll.findOne({ _id: i }));
      add("driver: findOne by unique email", size, (i) => coll.findOne({ email: `user${i}@example.com` }));
      add("driver: findOne by unindexed n (scan)", size, (i) => coll.findOne({ n: i }), SCAN_OPS, SCAN_ROUNDS);
    }

    // Rounds are interleaved across cases so drift on a shared machine hits both sizes alike.
    for (const c of cases) await round(c);
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of cases) if (r < c.rounds) c.results.push(await round(c));
    }

    const [small, large] = SIZES;
    console.log(
      `point lookups, ${CONCURRENCY} in flight, median of ${ROUNDS} interleaved rounds of ${OPS} ops ` +
        `(scan rows: ${SCAN_ROUNDS} rounds of ${SCAN_OPS} ops); ratio = ops/s at ${large} / ops/s at ${small}`,
    );
    const names = [...new Set(cases.map((c) => c.name))];
    const summary = (name: string, size: number): RoundsSummary =>
      summarise(cases.find((c) => c.name === name && c.size === size)!.results);
    printTable(
      ["lookup", `ops/s @${small}`, `ops/s @${large}`, "ratio", `p50 ms @${large}`, `p99 ms @${large}`],
      names.map((name) => {
        const a = summary(name, small);
        const b = summary(name, large);
        return [name, a.medianOpsPerSec, b.medianOpsPerSec, b.medianOpsPerSec / a.medianOpsPerSec, b.p50Ms, b.p99Ms];
      }),
    );
    console.log(
      `\nfindOne by _id as a share of the wire-only ceiling (goal >= 0.5): ` +
        SIZES.map((size) => `@${size} ${(summary(BY_ID, size).medianOpsPerSec / summary(WIRE_CEILING, size).medianOpsPerSec).toFixed(2)}`).join(", "),
    );
    console.log("\nplans (explain executionStats):");
    printTable(["query", "winning plan"], plans);
  } finally {
    await client.close();
    await ceilingClient.close();
    await ceiling.close();
    await engine.close();
  }
}
