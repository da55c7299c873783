import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../helpers/gateway.js";
import { TOO_MANY_CONNECTIONS } from "../../../src/events/index.js";

/** Opens a graphql-transport-ws connection and resolves with "ack", or the close code when refused. */
function connect(gw: TestGateway, apiKey: string): Promise<{ outcome: "ack" | number; socket: WebSocket }> {
  const socket = new WebSocket(`${gw.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  return new Promise((resolve, reject) => {
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${apiKey}` } })));
    socket.on("message", (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") resolve({ outcome: "ack", socket });
    });
    socket.on("close", (code) => resolve({ outcome: code, socket }));
    socket.on("error", reject);
  });
}

async function closed(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.close();
  });
}

describe("per-tenant cap on open WebSocket connections (MAX_WS_PER_TENANT)", () => {
  let gw: TestGateway;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    gw = await startTestGateway({ MAX_WS_PER_TENANT: "2" });
  });
  afterAll(async () => {
    await Promise.all(sockets.map(closed));
    await gw?.close();
  });

  it(`closes the connection past the cap with ${TOO_MANY_CONNECTIONS}, leaves other tenants alone, and frees a slot on close`, async () => {
    const a = (await gw.tenant("TEST", "capped")).apiKey;
    const b = (await gw.tenant("TEST", "other")).apiKey;
    const first = await connect(gw, a);
    const second = await connect(gw, a);
    sockets.push(first.socket, second.socket);
    expect([first.outcome, second.outcome]).toEqual(["ack", "ack"]);

    const third = await connect(gw, a);
    expect(third.outcome).toBe(TOO_MANY_CONNECTIONS);

    const other = await connect(gw, b);
    sockets.push(other.socket);
    expect(other.outcome).toBe("ack");

    await closed(first.socket);
    // The server counts the close once it has seen it; retry until the slot shows free.
    let again: Awaited<ReturnType<typeof connect>> | null = null;
    for (let i = 0; i < 50 && again?.outcome !== "ack"; i++) {
      again = await connect(gw, a);
      if (again.outcome !== "ack") await new Promise((r) => setTimeout(r, 20));
    }
    sockets.push(again!.socket);
    expect(again!.outcome).toBe("ack");
    expect((await connect(gw, a)).outcome).toBe(TOO_MANY_CONNECTIONS);
  });

  it("does not count connections refused for a bad key", async () => {
    const refused = await connect(gw, "fgw_test_not-a-key");
    expect(refused.outcome).toBe(4401);
  });
});
