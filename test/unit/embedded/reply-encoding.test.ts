import { BSON, Long } from "bson";
import { describe, expect, it } from "vitest";
import { HEADER_SIZE, RawDoc, buildOpMsg, serializeReply } from "../../../src/db/embedded/wire/protocol.js";

// Replies that embed stored documents' cached BSON must be byte for byte what serializing the
// decoded documents gives.
const docs = Array.from({ length: 12 }, (_, i) => ({ _id: i, name: `n${i}`, nested: { list: [i, "é", null], at: new Date(i) } }));
const raw = docs.map((d) => new RawDoc(Buffer.from(BSON.serialize(d))));
const id = Long.fromNumber(123_456_789_012);

describe("replies with cached document bytes", () => {
  it("encode a find and a getMore reply exactly like BSON.serialize", () => {
    for (const batchKey of ["firstBatch", "nextBatch"]) {
      const expected = Buffer.from(BSON.serialize({ cursor: { [batchKey]: docs, id, ns: "db.cöll" }, ok: 1 }));
      expect(serializeReply({ cursor: { [batchKey]: raw, id, ns: "db.cöll" }, ok: 1 }).equals(expected)).toBe(true);
      const msg = buildOpMsg(7, { cursor: { [batchKey]: raw, id, ns: "db.cöll" }, ok: 1 });
      expect(msg.readInt32LE(0)).toBe(msg.length);
      expect(msg.readInt32LE(8)).toBe(7);
      expect(msg.subarray(HEADER_SIZE + 5).equals(expected)).toBe(true);
    }
  });

  it("encode other shapes holding raw documents, and empty batches, exactly too", () => {
    const expected = Buffer.from(BSON.serialize({ cursor: { firstBatch: docs.slice(0, 2), id: Long.ZERO, ns: "a.b", extra: true }, ok: 1 }));
    expect(serializeReply({ cursor: { firstBatch: raw.slice(0, 2), id: Long.ZERO, ns: "a.b", extra: true }, ok: 1 }).equals(expected)).toBe(true);
    const empty = Buffer.from(BSON.serialize({ cursor: { firstBatch: [], id: Long.ZERO, ns: "a.b" }, ok: 1 }));
    expect(buildOpMsg(1, { cursor: { firstBatch: [], id: Long.ZERO, ns: "a.b" }, ok: 1 }).subarray(HEADER_SIZE + 5).equals(empty)).toBe(true);
  });
});
