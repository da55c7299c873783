import { createServer, type Server, type Socket } from "node:net";
import { CursorStore, runCommand, type CommandContext } from "./commands/index.js";
import { Catalog, type Op } from "./storage/catalog.js";
import type { EngineStats } from "./storage/collection.js";
import { DEFAULT_COMPACT_AFTER_BYTES, Persistence } from "./storage/persistence.js";
import type { Doc } from "./storage/values.js";
import {
  HEADER_SIZE,
  MAX_MESSAGE_SIZE,
  OP_MSG,
  ProtocolError,
  buildOpMsg,
  buildOpReply,
  parseMessage,
  type Request,
} from "./wire/protocol.js";

export interface EngineLogger {
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

export interface ServerOptions {
  host: string;
  port: number;
  dbpath: string | null;
  logger: EngineLogger;
  ttlSweepMs: number;
  compactAfterBytes: number;
}

/** The engine's TCP server: framing, dispatch, journaling before replies, TTL sweeps. */
export class EngineServer {
  readonly catalog = new Catalog();
  readonly cursors = new CursorStore();
  readonly counters: EngineStats = { docsExamined: 0, collScans: 0, indexScans: 0, lastPlan: null };
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private persistence: Persistence | null = null;
  private ttlTimer: NodeJS.Timeout | null = null;
  private nextConnectionId = 1;
  private closing: Promise<void> | null = null;
  // Serializes TTL sweeps with themselves; commands are already atomic (synchronous handlers).
  private sweeping = false;
  port = 0;

  constructor(private readonly options: ServerOptions) {}

  async start(): Promise<void> {
    const { dbpath, logger } = this.options;
    if (dbpath) {
      const { store, report } = await Persistence.open(
        dbpath,
        this.catalog,
        this.options.compactAfterBytes || DEFAULT_COMPACT_AFTER_BYTES,
        (err) => logger.error("compaction failed", { err: String(err) }),
      );
      this.persistence = store;
      if (report.tornBytes > 0) logger.warn("journal had a torn tail; truncated", { tornBytes: report.tornBytes });
      logger.info("data loaded", { dbpath, ...report });
    }
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => logger.error("server error", { err: String(err) }));
    const addr = server.address();
    this.port = typeof addr === "object" && addr ? addr.port : this.options.port;
    this.ttlTimer = setInterval(() => {
      this.sweepTtl().catch((err: unknown) => logger.error("TTL sweep failed", { err: String(err) }));
    }, this.options.ttlSweepMs);
    this.ttlTimer.unref();
  }

  private accept(socket: Socket): void {
    const connectionId = this.nextConnectionId++;
    const log = this.options.logger;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let queue: Promise<void> = Promise.resolve();
    const fail = (reason: string): void => {
      log.warn("closing connection", { connectionId, reason });
      buffered = [];
      bufferedBytes = 0;
      socket.destroy();
    };
    socket.on("data", (chunk) => {
      if (socket.destroyed) return;
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      while (bufferedBytes >= 4) {
        if (buffered[0]!.length < 4) buffered = [Buffer.concat(buffered)];
        const length = buffered[0]!.readInt32LE(0);
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) return fail(`invalid message length ${length}`);
        // Chunks are joined only once the whole message is here (no quadratic copying of large ones).
        if (bufferedBytes < length) return;
        const all = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered);
        const msg = all.subarray(0, length);
        const rest = all.subarray(length);
        buffered = rest.length ? [rest] : [];
        bufferedBytes = rest.length;
        let req: Request;
        try {
          req = parseMessage(msg);
        } catch (err) {
          return fail(err instanceof ProtocolError ? err.message : `unparseable message: ${String(err)}`);
        }
        // Replies go out in request order: each request waits for the previous one's journal flush.
        queue = queue
          .then(() => this.handle(socket, connectionId, req))
          .catch((err: unknown) => {
            log.error("request failed", { connectionId, err: String(err) });
            socket.destroy();
          });
      }
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.sockets.delete(socket));
  }

  private async handle(socket: Socket, connectionId: number, req: Request): Promise<void> {
    const command = req.command;
    if (req.opCode !== OP_MSG) {
      // Legacy OP_QUERY carries the database in its namespace ("admin.$cmd").
      const ns = req.fullCollectionName ?? "admin.$cmd";
      command["$db"] = ns.endsWith(".$cmd") ? ns.slice(0, -5) : ns.split(".")[0]!;
    }
    const ctx: CommandContext = { catalog: this.catalog, cursors: this.cursors, stats: this.counters, connectionId, ops: [] };
    let reply: Doc = runCommand(command, ctx);
    try {
      await this.commit(ctx.ops);
    } catch (err) {
      this.options.logger.error("journal write failed", { err: String(err) });
      reply = { ok: 0, errmsg: `journal write failed: ${String(err)}`, code: 1, codeName: "InternalError" };
    }
    if (req.moreToCome || socket.destroyed) return;
    try {
      socket.write(req.opCode === OP_MSG ? buildOpMsg(req.requestId, reply) : buildOpReply(req.requestId, reply));
    } catch (err) {
      // A reply that cannot be serialized (e.g. over the BSON limit) must not take the server down.
      this.options.logger.error("reply serialization failed", { connectionId, err: String(err) });
      const fallback = { ok: 0, errmsg: `reply could not be serialized: ${String(err)}`, code: 10334, codeName: "BSONObjectTooLarge" };
      socket.write(req.opCode === OP_MSG ? buildOpMsg(req.requestId, fallback) : buildOpReply(req.requestId, fallback));
    }
  }

  private async commit(ops: Op[]): Promise<void> {
    if (this.persistence && ops.length) await this.persistence.commit(ops, this.catalog);
  }

  /** Deletes documents whose TTL index date is older than expireAfterSeconds; returns how many. */
  async sweepTtl(now = Date.now()): Promise<number> {
    if (this.sweeping) return 0;
    this.cursors.expireIdle(now);
    this.sweeping = true;
    try {
      const ops: Op[] = [];
      for (const [db, colls] of this.catalog.dbs) {
        for (const coll of colls.values()) {
          for (const ix of coll.indexes.values()) {
            const ttl = ix.spec.expireAfterSeconds;
            if (typeof ttl !== "number" || ix.fields.length !== 1) continue;
            // The index is sorted, so the expired entries are the dates up to the cutoff; an array
            // of dates expires with its earliest, which is then <= cutoff too.
            const expired = new Map<string, unknown>();
            for (const id of ix.range({ high: { value: new Date(now - ttl * 1000), inclusive: true } })) {
              const doc = coll.docs.get(id);
              if (doc) expired.set(id, doc.view["_id"]);
            }
            for (const id of expired.values()) {
              coll.delete(id);
              ops.push({ op: "delete", db, coll: coll.name, id });
            }
          }
        }
      }
      await this.commit(ops);
      return ops.length;
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops accepting, closes connections, flushes and compacts the data directory. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.ttlTimer) clearInterval(this.ttlTimer);
      const server = this.server;
      const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      for (const s of this.sockets) s.destroy();
      await closed;
      if (this.persistence) await this.persistence.close(this.catalog);
    })();
    return this.closing;
  }
}
