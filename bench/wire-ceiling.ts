/**
 * The wire-only ceiling for the engine benchmarks: a minimal OP_MSG (and legacy OP_QUERY) server on
 * the same loopback TCP path as the engine, answering every command with a reply serialised once
 * up front. Only the command name is read (no BSON decoding): hello/isMaster get a handshake, find
 * gets a fixed one-document cursor, anything else `{ok: 1}`. What the driver does per lookup is the
 * same as against the engine; the server side costs next to nothing, so engine ops/s divided by
 * ceiling ops/s is the share of the harness's throughput the engine keeps.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Long, type Document } from "bson";
import { OP_MSG, OP_QUERY, buildOpMsg, buildOpReply } from "../src/db/embedded/wire/protocol.js";

export interface CeilingServer {
  readonly uri: string;
  close(): Promise<void>;
}

const HELLO: Document = {
  isWritablePrimary: true,
  ismaster: true,
  helloOk: true,
  maxBsonObjectSize: 16777216,
  maxMessageSizeBytes: 48000000,
  maxWriteBatchSize: 100000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: 1,
  minWireVersion: 0,
  maxWireVersion: 17,
  readOnly: false,
  ok: 1,
};

/** The first key of the command document, read straight from the bytes. */
function commandName(msg: Buffer, opCode: number): string {
  let p: number;
  if (opCode === OP_MSG) p = 16 + 4 + 1; // header, flags, section kind 0
  else {
    p = msg.indexOf(0, 16 + 4) + 1 + 8; // flags, namespace cstring, skip/return
  }
  p += 4 + 1; // document size, first element's type
  return msg.toString("latin1", p, msg.indexOf(0, p));
}

/** Starts the ceiling server; `findReply` is the document every find returns. */
export async function startCeilingServer(findReply: Document): Promise<CeilingServer> {
  const replies = new Map<string, { msg: Buffer; reply: Buffer }>();
  const build = (name: string, doc: Document) => replies.set(name, { msg: buildOpMsg(0, doc), reply: buildOpReply(0, doc) });
  for (const name of ["hello", "isMaster", "ismaster"]) build(name, HELLO);
  build("find", { cursor: { firstBatch: [findReply], id: Long.ZERO, ns: "bench.ceiling" }, ok: 1 });
  build("", { ok: 1 });

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const msg = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(msg.length);
        const opCode = msg.readInt32LE(12);
        const fixed = replies.get(commandName(msg, opCode)) ?? replies.get("")!;
        const out = Buffer.from(opCode === OP_QUERY ? fixed.reply : fixed.msg);
        out.writeInt32LE(msg.readInt32LE(4), 8); // responseTo
        socket.write(out);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
