import http from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedLookup, resolvePublicTarget } from "../../../src/security/url-guard.js";
import { postPinned } from "../../../src/services/webhook-http.js";
import { resolveWebhookTarget } from "../../../src/services/webhooks.service.js";

describe("webhook deliveries pinned to the checked address (DNS rebinding)", () => {
  let server: http.Server;
  let port: number;
  const seen: { host: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ host: req.headers.host, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    // nock checks the URL's host name; the connection itself goes to 127.0.0.1 (that is the point).
    nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|rebind\.example\.test)(:\d+)?$/.test(host));
  });
  afterAll(async () => {
    nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("resolves once, then connects to the address the check saw while a second answer would point elsewhere", async () => {
    // A rebinding resolver: the first answer is the one checked, later ones point at another host.
    const answers = ["127.0.0.1", "10.255.255.1"];
    let calls = 0;
    const lookup = async () => [{ address: answers[Math.min(calls++, answers.length - 1)]! }];
    const target = await resolveWebhookTarget(`http://rebind.example.test:${port}/hook`, { allowPrivate: true, lookup });
    expect(target.addresses).toEqual([{ address: "127.0.0.1", family: 4 }]);
    const status = await postPinned(target, { "content-type": "application/json" }, '{"ok":true}', 5_000);
    expect(status).toBe(204);
    expect(calls).toBe(1);
    // The name never resolves through real DNS: reaching the server proves the pinned address was used,
    // and the Host header is still the URL's.
    expect(seen.at(-1)).toEqual({ host: `rebind.example.test:${port}`, body: '{"ok":true}' });
  });

  it("refuses a name whose answer is not public, and pins only checked addresses", async () => {
    const privateAnswer = async () => [{ address: "10.0.0.7" }] as never;
    await expect(resolvePublicTarget("http://intranet.example.test/", { lookup: privateAnswer })).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", reason: "NON_PUBLIC_ADDRESS" } });
    const publicAnswer = async () => [{ address: "93.184.215.14" }, { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c" }] as never;
    const target = await resolvePublicTarget("https://hooks.example.test/x", { lookup: publicAnswer });
    expect(target.addresses).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    expect(target.url.hostname).toBe("hooks.example.test");
  });

  it("answers lookups from the pinned list in both callback forms, honouring the family asked for", async () => {
    const lookup = pinnedLookup([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    const one = await new Promise<[string, number]>((resolve) => lookup("x", { family: 6 }, (_e, a, f) => resolve([a as string, f as number])));
    expect(one).toEqual(["2606:2800:21f:cb07:6820:80da:af6b:8b2c", 6]);
    const all = await new Promise<unknown>((resolve) => lookup("x", { all: true }, (_e, a) => resolve(a)));
    expect(all).toHaveLength(2);
  });

  it("refuses credentials in the URL before connecting", async () => {
    const lookup = async () => [{ address: "127.0.0.1" }];
    await expect(resolveWebhookTarget(`http://u:p@rebind.example.test:${port}/`, { allowPrivate: true, lookup })).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });
});
