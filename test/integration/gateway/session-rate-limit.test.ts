import { describe, expect, it } from "vitest";
import { startTestGateway } from "../../helpers/gateway.js";

const MINT = `mutation($subject: String!, $scopes: [SessionScope!]!) { createSessionToken(subject: $subject, scopes: $scopes) { token } }`;

describe("rate limits per subject", () => {
  it("limits each subject on its own budget", async () => {
    const limited = await startTestGateway({ RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const t = await limited.tenant("TEST", "limited");
      const mintOn = async (subject: string) =>
        ((await limited.graphql(MINT, { subject, scopes: ["CATALOGUE_READ"] }, t.apiKey)).body.data!.createSessionToken as { token: string }).token;
      const a = await mintOn("a");
      const b = await mintOn("b");
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.graphql(`{ viewer { session { subject } } }`, {}, a)).body.errors?.[0]?.extensions?.code ?? "OK");
      expect(codes).toContain("RATE_LIMITED");
      expect((await limited.graphql(`{ viewer { session { subject } } }`, {}, b)).body.errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});
