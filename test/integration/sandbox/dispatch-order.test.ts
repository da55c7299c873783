import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import mongoose, { type Connection } from "mongoose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine } from "../../../src/db/embedded/index.js";
import { CallbackDispatcher, type StatusChangeNotice } from "../../../src/sandbox/callbacks/index.js";
import { sandboxCallbackModel } from "../../../src/sandbox/models/index.js";

/** A cipher that marks what it seals, so the test sees which body was stored and which was sent. */
const cipher = { encrypt: (plain: string) => `sealed:${plain}`, decrypt: (token: string) => token.replace(/^sealed:/, "") };

describe("CallbackDispatcher.dispatch", () => {
  let engine: Awaited<ReturnType<typeof startEngine>>;
  let connection: Connection;
  let target: Server;
  let url: string;
  const received: string[] = [];
  let holdFirst: (() => void) | null = null;

  beforeAll(async () => {
    engine = await startEngine({ host: "127.0.0.1", port: 0, dbpath: null });
    connection = await mongoose.createConnection(`${engine.uri}/dispatch_order`, { directConnection: true, retryWrites: false }).asPromise();
    target = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push((JSON.parse(body) as { data: { stato: string } }).data.stato);
        // The first callback is held until the test lets it go.
        if (received.length === 1) holdFirst = () => res.end("ok");
        else res.end("ok");
      });
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    target.closeAllConnections();
    await new Promise<void>((r) => target.close(() => r()));
    await connection.close();
    await engine.close();
  });

  const notice = (stato: string): StatusChangeNotice => ({
    tenantId: "t1",
    requestId: "r1",
    codice_richiesta: "abcde",
    stato,
    changedAt: new Date("2026-06-10T08:00:00Z"),
    callback: { url, method: "JSON", field: "data", data: {} },
    request: { stato },
    dropReason: null,
  });

  it("keeps a request's callbacks in order across dispatch calls, and stores each with its first attempt", async () => {
    const model = sandboxCallbackModel(connection);
    await model.init();
    const dispatcher = new CallbackDispatcher({
      model,
      logger: pino({ level: "silent" }),
      now: () => new Date(),
      timeoutMs: 5_000,
      retries: 0,
      backoffMs: 10,
      allowPrivateTargets: true,
      cipher,
    });
    const order: string[] = [];
    const first = dispatcher.dispatch([notice("in_registrazione")]).then(() => order.push("first"));
    const second = dispatcher.dispatch([notice("in_riconoscimento")]).then(() => order.push("second"));
    while (holdFirst === null) await new Promise((r) => setTimeout(r, 5));
    // Give the second dispatch every chance to jump the queue: it must not send while the first is unanswered.
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(["in_registrazione"]);
    holdFirst();
    await Promise.all([first, second]);
    expect(received).toEqual(["in_registrazione", "in_riconoscimento"]);
    expect(order).toEqual(["first", "second"]);
    const log = await model.find({ requestId: "r1" }).sort({ seq: 1 }).lean();
    expect(log.map((d) => [d.stato, d.state, d.attempts.length, d.attempts[0]?.status])).toEqual([
      ["in_registrazione", "delivered", 1, 200],
      ["in_riconoscimento", "delivered", 1, 200],
    ]);
    // Stored sealed, sent open.
    expect(log[0]!.body.startsWith("sealed:")).toBe(true);
    await dispatcher.stop();
  });
});
