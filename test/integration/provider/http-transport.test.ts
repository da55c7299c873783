import http from "node:http";
import { type AddressInfo } from "node:net";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { FirmaDigitaleClient } from "../../../src/provider/firmadigitale.client.js";
import { HttpTimeoutError, TransportClosedError, createNodeHttpTransport } from "../../../src/provider/http-transport.js";
import { UpstreamUnavailableError, isTimeout } from "../../../src/provider/provider-errors.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Throwaway {
  base: string;
  seen: Seen[];
  connections: () => number;
}

const servers: http.Server[] = [];

/** A real HTTP server on 127.0.0.1, port 0, recording what it receives; closed after each test. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<Throwaway> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, connections: () => connections };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Runs a promise expected to reject and returns the error. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to reject, it resolved");
}

describe("createNodeHttpTransport", () => {
  it("close() aborts exchanges in flight, drops kept-alive sockets and refuses later requests (shutdown)", async () => {
    let idleSockets = 0;
    const srv = await serve((req, res) => {
      if (req.url === "/slow") return; // never answers
      res.end("ok");
    });
    servers[servers.length - 1]!.on("connection", (socket) => {
      idleSockets++;
      socket.once("close", () => idleSockets--);
    });
    const transport = createNodeHttpTransport();
    await transport.request({ method: "GET", url: `${srv.base}/fast`, headers: {}, timeoutMs: 60_000 });
    const slow = rejection(transport.request({ method: "GET", url: `${srv.base}/slow`, headers: {}, timeoutMs: 60_000 }));
    await expect.poll(() => srv.seen.length).toBe(2);

    transport.close!();

    expect(await slow).toBeInstanceOf(Error);
    await expect.poll(() => idleSockets).toBe(0);
    expect(await rejection(transport.request({ method: "GET", url: `${srv.base}/fast`, headers: {}, timeoutMs: 60_000 }))).toBeInstanceOf(
      TransportClosedError,
    );
  });

  it("sends method, headers and body, and returns status, lower-case headers and body bytes", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(201, { "Content-Type": "application/json", "X-Upstream": "yes" });
      res.end('{"ok":true}');
    });
    const transport = createNodeHttpTransport();

    const res = await transport.request({
      method: "POST",
      url: `${srv.base}/richiesta/FIR`,
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: '{"assistenza":true,"nota":"è"}',
      timeoutMs: 2_000,
    });

    expect(res.status).toBe(201);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["x-upstream"]).toBe("yes");
    expect(res.body.toString("utf8")).toBe('{"ok":true}');
    expect(srv.seen).toEqual([
      expect.objectContaining({ method: "POST", url: "/richiesta/FIR", body: '{"assistenza":true,"nota":"è"}' }),
    ]);
    expect(srv.seen[0]!.headers).toMatchObject({ authorization: "Bearer t", "content-length": "31" });
  });

  it("resolves (does not reject) for a 5xx answer", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(503);
      res.end("busy");
    });

    const res = await createNodeHttpTransport().request({ method: "GET", url: `${srv.base}/prodotti`, headers: {}, timeoutMs: 2_000 });

    expect(res.status).toBe(503);
  });

  it("rejects with HttpTimeoutError when the server does not answer in time", async () => {
    const srv = await serve(() => {
      // Never answers.
    });

    const err = await rejection(createNodeHttpTransport().request({ method: "GET", url: `${srv.base}/prodotti`, headers: {}, timeoutMs: 30 }));

    expect(err).toBeInstanceOf(HttpTimeoutError);
  });

  it("rejects with HttpTimeoutError when the body trickles past the deadline", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/pdf" });
      res.write("%PDF-1.4\n");
      // The rest never comes.
    });

    const err = await rejection(createNodeHttpTransport().request({ method: "GET", url: `${srv.base}/m`, headers: {}, timeoutMs: 50 }));

    expect(err).toBeInstanceOf(HttpTimeoutError);
  });

  it("rejects with a non-timeout error when the connection is refused", async () => {
    const srv = await serve(() => undefined);
    const closed = servers.pop()!;
    closed.closeAllConnections();
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const err = await rejection(createNodeHttpTransport().request({ method: "GET", url: `${srv.base}/x`, headers: {}, timeoutMs: 2_000 }));

    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(HttpTimeoutError);
    expect((err as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("reuses one keep-alive connection for sequential requests", async () => {
    const srv = await serve((_req, res) => res.end("ok"));
    const transport = createNodeHttpTransport();

    // nock's interceptor opens a fresh socket for every passthrough request, hiding the agent's
    // pooling; it is switched off for this test only and restored whatever happens.
    nock.restore();
    try {
      for (let i = 0; i < 3; i++) await transport.request({ method: "GET", url: `${srv.base}/p`, headers: {}, timeoutMs: 2_000 });
    } finally {
      nock.activate();
    }

    expect(srv.seen).toHaveLength(3);
    expect(srv.connections()).toBe(1);
  });

  it("refuses a URL that is not http(s) with TypeError", async () => {
    const err = await rejection(createNodeHttpTransport().request({ method: "GET", url: "file:///etc/passwd", headers: {}, timeoutMs: 100 }));

    expect(err).toBeInstanceOf(TypeError);
  });
});

describe("FirmaDigitaleClient over the real transport", () => {
  it("talks to a sandbox-like upstream under a /sandbox prefix", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: [{ nome: "Firma Digitale", tipo: "Infocert", codice_prodotto: "FIR", prezzo: 22.7 }], success: true, message: "", error: null }));
    });
    const client = new FirmaDigitaleClient({ baseUrl: `${srv.base}/sandbox`, token: "fgw_test_abc" });

    const products = await client.listProducts();

    expect(products).toEqual([{ nome: "Firma Digitale", tipo: "Infocert", codice_prodotto: "FIR", prezzo: 22.7 }]);
    expect(srv.seen[0]).toMatchObject({ method: "GET", url: "/sandbox/prodotti" });
    expect(srv.seen[0]!.headers.authorization).toBe("Bearer fgw_test_abc");
  });

  it("maps a real timeout to UPSTREAM_UNAVAILABLE reason timeout", async () => {
    const srv = await serve(() => undefined);
    const client = new FirmaDigitaleClient({ baseUrl: srv.base, token: "t", timeoutMs: 30, getRetries: 1, backoffMs: 1 });

    const err = await rejection(client.getRequest("5f7ef1e83a716836d3152662"));

    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(isTimeout(err)).toBe(true);
    expect(srv.seen).toHaveLength(2);
  });
});
