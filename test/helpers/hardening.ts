/**
 * Helpers of the hardening suites: database snapshots (to prove a refused input changed nothing),
 * sandbox controls, omocode tax codes and a log capture.
 */
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { EJSON } from "bson";
import { pino, type Logger } from "pino";
import type { Db } from "mongodb";
import { REDACTED_PATHS } from "../../src/logger.js";

/** Per collection: how many documents and a hash of all of them (canonical EJSON, sorted by _id). */
export type DbSnapshot = Record<string, { count: number; hash: string }>;

/** Snapshots every collection of `db` except those named in `exclude` (legitimately touched by reads). */
export async function snapshotDb(db: Db, exclude: readonly string[] = []): Promise<DbSnapshot> {
  const out: DbSnapshot = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    if (exclude.includes(name)) continue;
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    const hash = createHash("sha256");
    for (const doc of docs) hash.update(EJSON.stringify(doc, { relaxed: false })).update("\n");
    out[name] = { count: docs.length, hash: hash.digest("hex") };
  }
  return out;
}

/** Every document of every collection whose name matches `which`, as canonical EJSON text. */
export async function dumpCollections(db: Db, which: (name: string) => boolean): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (!which(c.name)) continue;
    const docs = await db.collection(c.name).find({}).toArray();
    out[c.name] = docs.map((d) => EJSON.stringify(d, { relaxed: false })).join("\n");
  }
  return out;
}
export { sandboxPut, sandboxRequests } from "./sandbox-control.js";

const ODD: Record<string, number> = {
  "0": 1, "1": 0, "2": 5, "3": 7, "4": 9, "5": 13, "6": 15, "7": 17, "8": 19, "9": 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

function evenValue(c: string): number {
  return /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
}

/** The check character of the first 15 characters of a codice fiscale. */
export function taxCodeCheckChar(first15: string): string {
  let sum = 0;
  [...first15.toUpperCase()].forEach((c, i) => (sum += i % 2 === 0 ? ODD[c]! : evenValue(c)));
  return String.fromCharCode(65 + (sum % 26));
}

const OMOCODE_LETTERS = "LMNPQRSTUV";
// Digit positions of a codice fiscale, replaced from the right by the registry for omocodia.
const DIGIT_POSITIONS = [14, 13, 12, 10, 9, 7, 6];

/** The omocode variant of `taxCode` with its `n` rightmost digits replaced (omocodia table) and the check character recomputed. */
export function omocode(taxCode: string, n = 1): string {
  const chars = [...taxCode.toUpperCase().slice(0, 15)];
  for (const pos of DIGIT_POSITIONS.slice(0, n)) chars[pos] = OMOCODE_LETTERS[Number(chars[pos])]!;
  const first15 = chars.join("");
  return first15 + taxCodeCheckChar(first15);
}

/** A pino logger at level trace, redacting as the production logger does, whose lines are kept in memory. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter((l) => l.length > 0));
      done();
    },
  });
  const logger = pino({ level: "trace", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream);
  return { logger, lines };
}

/** Resolves once `check()` is true, polling every `everyMs`; rejects with `what` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
