import http from "node:http";
import net, { type AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { trackConnections, type ConnectionTracker } from "../../src/http/graceful-shutdown.js";

let server: http.Server;
let tracker: ConnectionTracker;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  if (server?.listening) await new Promise((r) => server.close(r));
});

async function listen(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  tracker = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * One HTTP/1.1 exchange on a raw kept-alive socket (not through node:http's client, which the
 * test setup's interceptors wrap): resolves with the response head and body, the socket left open.
 */
function rawGet(url: string): { socket: net.Socket; response: Promise<string>; closed: Promise<string> } {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), "127.0.0.1");
  socket.write("GET / HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n");
  let text = "";
  const response = new Promise<string>((resolve, reject) => {
    socket.on("data", (d: Buffer) => {
      text += d.toString();
      if (/\r\n\r\n[\s\S]*$/.test(text) && /content-length: (\d+)/i.test(text)) {
        const length = Number(/content-length: (\d+)/i.exec(text)![1]);
        const body = text.slice(text.indexOf("\r\n\r\n") + 4);
        if (Buffer.byteLength(body) >= length) resolve(text);
      }
    });
    socket.once("error", reject);
    socket.once("close", () => reject(new Error(`closed before a whole answer: ${JSON.stringify(text)}`)));
  });
  response.catch(() => undefined);
  const closed = new Promise<string>((resolve) => {
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
    socket.once("close", () => resolve("closed"));
  });
  sockets.push(socket);
  return { socket, response, closed };
}

describe("trackConnections(server).shutdown", () => {
  it("closes kept-alive idle connections at once instead of waiting for them", async () => {
    const url = await listen((_req, res) => res.end("ok"));
    const client = rawGet(url);
    expect(await client.response).toMatch(/keep-alive[\s\S]*ok$/i);
    expect(tracker.open).toBe(1);
    // A grace longer than the test's timeout: finishing means nothing waited for the idle socket.
    await tracker.shutdown({ graceMs: 120_000 });
    expect(await client.closed).toBe("closed");
    expect(tracker.open).toBe(0);
    expect(server.listening).toBe(false);
  });

  it("lets a request in flight finish within the grace period, answered with Connection: close", async () => {
    let release!: () => void;
    const url = await listen((_req, res) => {
      release = () => res.end("late answer");
    });
    const client = rawGet(url);
    await expect.poll(() => tracker.inFlight).toBe(1);
    let onExpiredCalled = false;
    const stopping = tracker.shutdown({ graceMs: 120_000, onGraceExpired: () => (onExpiredCalled = true) });
    // No new connection is served meanwhile.
    await expect(rawGet(url).response).rejects.toThrow();
    release();
    const answer = await client.response;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toMatch(/late answer$/);
    expect(await client.closed).toBe("closed");
    await stopping;
    expect(onExpiredCalled).toBe(false);
  });

  it("after the grace period, runs onGraceExpired and cuts requests that are still running", async () => {
    const url = await listen(() => {
      // never answers
    });
    const client = rawGet(url);
    await expect.poll(() => tracker.inFlight).toBe(1);
    let onExpiredCalled = false;
    await tracker.shutdown({ graceMs: 100, onGraceExpired: () => (onExpiredCalled = true) });
    expect(onExpiredCalled).toBe(true);
    await expect(client.response).rejects.toThrow(/closed before a whole answer/);
    expect(tracker.open).toBe(0);
  });

  it("closes WebSockets with 1001 and cuts one whose peer never completes the close handshake", async () => {
    const url = await listen((_req, res) => res.end());
    const wss = new WebSocketServer({ server });
    const wsUrl = url.replace("http", "ws");
    const polite = new WebSocket(wsUrl);
    const politeClosed = new Promise<number>((resolve) => polite.once("close", (code) => resolve(code)));
    await new Promise((r) => polite.once("open", r));
    // A raw upgraded socket that will never answer a close frame.
    const rude = new WebSocket(wsUrl);
    await new Promise((r) => rude.once("open", r));
    const rudeRaw = (rude as unknown as { _socket: net.Socket })._socket;
    rudeRaw.pause();
    const rudeGone = new Promise<void>((resolve) => rudeRaw.once("close", () => resolve()));
    await tracker.shutdown({
      graceMs: 300,
      closeWebSockets: async () => {
        for (const client of wss.clients) client.close(1001, "Going away");
        await new Promise((r) => wss.close(r));
      },
    });
    expect(await politeClosed).toBe(1001);
    await rudeGone;
    expect(tracker.open).toBe(0);
  });
});
