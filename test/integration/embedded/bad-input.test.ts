import net from "node:net";
import { BSON, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "../../helpers/engine.js";

let engine: TestEngine;

const OP_MSG = 2013;
const MiB = 1024 * 1024;

/** What the server did with the bytes: answered with a document, closed the socket, or neither. */
type Outcome = { kind: "reply"; doc: Document } | { kind: "closed" } | { kind: "open" };

/** Frames a message: standard 16-byte header followed by the body. */
function frame(opCode: number, body: Buffer, requestId = 1, declaredLength?: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(declaredLength ?? 16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}

/** An OP_MSG with flags 0 and one kind-0 section holding the given (possibly broken) BSON bytes. */
function opMsg(bsonBytes: Uint8Array, requestId = 1): Buffer {
  const flags = Buffer.alloc(4);
  return frame(OP_MSG, Buffer.concat([flags, Buffer.from([0]), Buffer.from(bsonBytes)]), requestId);
}

/** CRC-32C (Castagnoli), written here independently of the engine's copy. */
function crc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** An OP_MSG with the checksumPresent flag and a trailing CRC-32C, optionally corrupted. */
function opMsgWithChecksum(doc: Document, corrupt = false): Buffer {
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(1, 0);
  const body = Buffer.concat([flags, Buffer.from([0]), Buffer.from(BSON.serialize(doc))]);
  const unsigned = frame(OP_MSG, Buffer.concat([body, Buffer.alloc(4)]));
  const crc = crc32c(unsigned.subarray(0, unsigned.length - 4));
  unsigned.writeUInt32LE(corrupt ? crc ^ 1 : crc, unsigned.length - 4);
  return unsigned;
}

/** Parses one OP_MSG reply's body document; anything else becomes a marker that fails the assertions. */
function parseReply(buf: Buffer): Document {
  const opCode = buf.readInt32LE(12);
  if (opCode !== OP_MSG || buf[20] !== 0) return { unexpectedReply: { opCode, sectionKind: buf[20] } };
  try {
    return BSON.deserialize(buf.subarray(21));
  } catch {
    return { unexpectedReply: { unparseable: true } };
  }
}

/** Opens a raw socket to the engine. */
function connectRaw(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(engine.port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Writes bytes and reports the server's reaction. `waitMs` bounds how long we wait for a reaction;
 * it is a deadline for the test to make progress, not a measured duration.
 */
function exchange(socket: net.Socket, bytes: Buffer, opts: { end?: boolean; waitMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("end", onClose);
      resolve(o);
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= received.readInt32LE(0)) {
        finish({ kind: "reply", doc: parseReply(received.subarray(0, received.readInt32LE(0))) });
      }
    };
    const onClose = (): void => finish({ kind: "closed" });
    const timer = setTimeout(() => finish({ kind: "open" }), opts.waitMs ?? 5_000);
    socket.on("data", onData);
    socket.once("close", onClose);
    socket.once("end", onClose);
    socket.on("error", () => undefined);
    socket.write(bytes);
    if (opts.end) socket.end();
  });
}

/** Sends bytes on a fresh socket and always tears the socket down afterwards. */
async function sendOnce(bytes: Buffer, opts: { end?: boolean; waitMs?: number } = {}): Promise<Outcome> {
  const socket = await connectRaw();
  try {
    return await exchange(socket, bytes, opts);
  } finally {
    socket.destroy();
  }
}

/** The server refused the input: it closed the connection or answered with ok: 0 and a code. */
function expectRefused(outcome: Outcome): void {
  if (outcome.kind === "reply") {
    expect(outcome.doc.ok).toBe(0);
    expect(typeof outcome.doc.code).toBe("number");
  } else {
    expect(outcome.kind).toBe("closed");
  }
}

/** The engine is still serving: the shared driver connection reads what was written before. */
async function expectServing(): Promise<void> {
  const coll = engine.client.db("bad_input").collection("canary");
  expect(await coll.countDocuments({ alive: true })).toBe(1);
  const other = await engine.newClient();
  await expect(other.db("admin").command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
}

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.db("bad_input").collection("canary").insertOne({ alive: true });
});

afterAll(async () => {
  await engine?.close();
});

describe("embedded engine wire framing", () => {
  it("answers a well-formed OP_MSG ping on a raw socket (the framing used below is right)", async () => {
    const outcome = await sendOnce(opMsg(BSON.serialize({ ping: 1, $db: "admin" }), 7));
    expect(outcome).toMatchObject({ kind: "reply", doc: { ok: 1 } });
  });

  it("closes the connection on garbage bytes (an HTTP request) and keeps serving", async () => {
    const outcome = await sendOnce(Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    // "GET " read as a length prefix is ~517 MiB: far over the limit, so the server must hang up.
    expect(outcome.kind).toBe("closed");
    await expectServing();
  });

  it("closes the connection on a negative length prefix", async () => {
    const outcome = await sendOnce(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(outcome.kind).toBe("closed");
    await expectServing();
  });

  it("closes the connection when a 100 MiB length prefix arrives instead of buffering it", async () => {
    const header = frame(OP_MSG, Buffer.alloc(0), 1, 100 * MiB);
    const outcome = await sendOnce(Buffer.concat([header, Buffer.alloc(4), Buffer.from([0])]));
    expect(outcome.kind).toBe("closed");
    await expectServing();
  });

  it("drops a truncated message when the client hangs up, and keeps serving", async () => {
    const whole = opMsg(BSON.serialize({ insert: "canary", documents: [{ alive: true, half: 1 }], $db: "bad_input" }));
    const outcome = await sendOnce(whole.subarray(0, whole.length - 10), { end: true });
    expect(outcome.kind).toBe("closed");
    await expectServing();
    // The half-sent insert was never executed.
    expect(await engine.client.db("bad_input").collection("canary").countDocuments({ half: 1 })).toBe(0);
  });

  it("refuses an unknown opcode", async () => {
    const outcome = await sendOnce(frame(4242, Buffer.from("not a real operation")));
    expectRefused(outcome);
    await expectServing();
  });

  it("refuses an OP_MSG whose BSON declares more bytes than it holds", async () => {
    const doc = Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }));
    doc.writeInt32LE(doc.length + 50, 0);
    expectRefused(await sendOnce(opMsg(doc)));
    await expectServing();
  });

  it("refuses an OP_MSG whose BSON holds an unknown element type", async () => {
    const doc = Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }));
    // The first element's type byte sits right after the 4-byte length; 0x77 is no BSON type.
    doc[4] = 0x77;
    expectRefused(await sendOnce(opMsg(doc)));
    await expectServing();
  });

  it("refuses an OP_MSG whose BSON string is not terminated", async () => {
    const doc = Buffer.from(BSON.serialize({ find: "canary", $db: "bad_input" }));
    // Overwrite the string's trailing NUL so the string length no longer matches its content.
    const nul = doc.indexOf(0, doc.indexOf("canary") + 1);
    doc[nul] = 0x41;
    expectRefused(await sendOnce(opMsg(doc)));
    await expectServing();
  });

  it("refuses an OP_MSG with an unknown section kind", async () => {
    const body = Buffer.concat([Buffer.alloc(4), Buffer.from([9]), Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }))]);
    expectRefused(await sendOnce(frame(OP_MSG, body)));
    await expectServing();
  });

  it("accepts an OP_MSG carrying a correct CRC-32C checksum", async () => {
    const outcome = await sendOnce(opMsgWithChecksum({ ping: 1, $db: "admin" }));
    expect(outcome).toMatchObject({ kind: "reply", doc: { ok: 1 } });
  });

  it("refuses an OP_MSG whose checksum does not match and does not execute it", async () => {
    const outcome = await sendOnce(
      opMsgWithChecksum({ insert: "canary", documents: [{ alive: true, crc: 1 }], $db: "bad_input" }, true),
    );
    expectRefused(outcome);
    await expectServing();
    expect(await engine.client.db("bad_input").collection("canary").countDocuments({ crc: 1 })).toBe(0);
  });

  it("refuses an OP_MSG with an unknown required flag bit", async () => {
    const flags = Buffer.alloc(4);
    // Bits 0-15 are "must understand": an unknown one set means the message cannot be processed.
    flags.writeUInt32LE(1 << 5, 0);
    const body = Buffer.concat([flags, Buffer.from([0]), Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }))]);
    expectRefused(await sendOnce(frame(OP_MSG, body)));
    await expectServing();
  });

  it("answers a command without $db with an error and keeps the connection usable", async () => {
    const socket = await connectRaw();
    try {
      expectRefused(await exchange(socket, opMsg(BSON.serialize({ ping: 1 }), 1)));
      if (!socket.destroyed) {
        const again = await exchange(socket, opMsg(BSON.serialize({ ping: 1, $db: "admin" }), 2));
        expect(again).toMatchObject({ kind: "reply", doc: { ok: 1 } });
      }
    } finally {
      socket.destroy();
    }
  });

  it("keeps another raw connection working while one receives garbage", async () => {
    const good = await connectRaw();
    try {
      expect(await exchange(good, opMsg(BSON.serialize({ ping: 1, $db: "admin" }), 1))).toMatchObject({ kind: "reply" });
      expect((await sendOnce(Buffer.from("\x00\x00\x00\x10garbage-garbage"))).kind).not.toBe("open");
      const again = await exchange(good, opMsg(BSON.serialize({ ping: 1, $db: "admin" }), 2));
      expect(again).toMatchObject({ kind: "reply", doc: { ok: 1 } });
    } finally {
      good.destroy();
    }
  });

  it("survives a burst of random byte strings on many connections", async () => {
    // Deterministic pseudo-random bytes so a failure reproduces.
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const payloads = Array.from({ length: 40 }, (_, i) => {
      const bytes = Buffer.from(Array.from({ length: 8 + ((i * 37) % 200) }, next));
      // Half of them carry a plausible small length so the parser gets past the header.
      if (i % 2 === 0) bytes.writeInt32LE(bytes.length, 0);
      return bytes;
    });
    const outcomes = await Promise.all(payloads.map((p) => sendOnce(p, { end: true })));
    for (const o of outcomes) expect(o.kind).not.toBe("open");
    await expectServing();
  });
});
