import { describe, expect, it } from "vitest";
import { startTestGateway } from "../../helpers/gateway.js";

const MINT = `mutation($subject: String!, $scopes: [SessionScope!]!) { createSessionToken(subject: $subject, scopes: $scopes) { token } }`;
const PRODUCTS = `{ products { code name price { amountCents currency } } }`;

describe("rate limits per session subject", () => {
  it("spends each subject's own budget, reported in extensions.cost", async () => {
    // 1,000 points a bucket, slowly restored: about twenty catalogue reads empty one.
    const limited = await startTestGateway({ RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_BUCKET: "1000" });
    try {
      const t = await limited.tenant("TEST", "limited");
      const mintOn = async (subject: string) =>
        ((await limited.graphql(MINT, { subject, scopes: ["CATALOGUE_READ"] }, t.apiKey)).body.data!.createSessionToken as { token: string }).token;
      const a = await mintOn("a");
      const b = await mintOn("b");
      const codes: unknown[] = [];
      for (let i = 0; i < 40 && !codes.includes("RATE_LIMITED"); i++) {
        const res = await limited.graphql(PRODUCTS, {}, a);
        codes.push(res.body.errors?.[0]?.extensions?.code ?? "OK");
      }
      expect(codes).toContain("RATE_LIMITED");
      const other = await limited.graphql(PRODUCTS, {}, b);
      expect(other.body.errors).toBeUndefined();
      const cost = (other.body as { extensions?: { cost?: { throttleStatus: { maximumAvailable: number; currentlyAvailable: number } } } }).extensions?.cost;
      expect(cost?.throttleStatus.maximumAvailable).toBe(1000);
      expect(cost!.throttleStatus.currentlyAvailable).toBeGreaterThan(900);
    } finally {
      await limited.close();
    }
  });
});
