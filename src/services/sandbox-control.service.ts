import { BadUserInputError, ForbiddenError } from "../errors/index.js";
import { UpstreamUnavailableError, errorFromUpstream } from "../provider/index.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

/** The most a single advance may move the clock: ten years. */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

/**
 * Drives a test tenant's sandbox clock over the sandbox's own HTTP control endpoint, exactly as a
 * partner would, so GraphQL and REST users see one clock.
 */
export class SandboxControl {
  constructor(
    private readonly clients: UpstreamClients,
    private readonly sandboxBaseUrl: () => string,
  ) {}

  /** Moves the tenant's clock forward; returns once the sandbox has stored and called back every change. */
  async advance(tenant: TenantView, seconds: number): Promise<{ now: Date }> {
    if (tenant.mode !== "TEST") throw new ForbiddenError("advanceSandboxClock is for test keys: live requests follow real time");
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_ADVANCE_SECONDS) {
      throw new BadUserInputError("invalid clock advance", [
        { path: "seconds", message: `expected an integer from 1 to ${MAX_ADVANCE_SECONDS}, received ${seconds}` },
      ]);
    }
    let res: Response;
    try {
      res = await fetch(`${this.sandboxBaseUrl()}/_clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.clients.sandboxToken(tenant.id)}` },
        body: JSON.stringify({ seconds }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new UpstreamUnavailableError({ reason: "network", message: `sandbox unreachable: ${(err as Error).message}` });
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw errorFromUpstream(res.status, body, res.headers.get("content-type") ?? undefined);
    const parsed = JSON.parse(body.toString()) as { data?: { now?: string } };
    return { now: new Date(parsed.data?.now ?? Date.now()) };
  }
}
