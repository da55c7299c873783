import type { Logger } from "pino";
import { FirmaDigitaleClient, type HttpTransport } from "../provider/index.js";
import { TenantModel } from "../models/index.js";
import { LruCache } from "../lru-cache.js";
import { ForbiddenError } from "../errors/index.js";
import { sign, verify } from "./secrets.service.js";
import type { TenantView } from "./tenants.service.js";

/** Decrypts what was encrypted at rest; see src/security/crypto.ts. */
export interface Decrypter {
  decrypt(token: string): string;
}

export interface UpstreamClientsOptions {
  /** The in-process sandbox, known once the server listens. */
  sandboxBaseUrl: () => string;
  liveBaseUrl: string;
  /** Signs the gateway's own sandbox tokens (`fgw_sbx_...`). */
  sandboxKey: Buffer;
  cipher: Decrypter;
  logger: Logger;
  transport?: HttpTransport;
  timeoutMs?: number;
}

// Kept per test tenant, the least recently used dropped first past this many.
const SANDBOX_CLIENTS_MAX = 1_000;

const SANDBOX_TOKEN = /^fgw_sbx_([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;

/**
 * One provider client per tenant and mode. Test tenants reach the sandbox with a token the gateway
 * signs itself (it keeps API keys only as hashes, and background work has no caller's key); live
 * tenants reach FIRMADIGITALE_URL with their own Openapi token, decrypted only here.
 */
export class UpstreamClients {
  /** Test tenants' sandbox clients: their token is a signature, the same on every call. */
  private readonly sandboxClients = new LruCache<{ baseUrl: string; client: FirmaDigitaleClient }>(SANDBOX_CLIENTS_MAX);

  constructor(private readonly options: UpstreamClientsOptions) {}

  /** How long one upstream call may take before the client hangs up. */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? 15_000;
  }

  /** The client that speaks for `tenant`. */
  async forTenant(tenant: Pick<TenantView, "id" | "mode">): Promise<FirmaDigitaleClient> {
    const common = { transport: this.options.transport, timeoutMs: this.options.timeoutMs, logger: this.options.logger };
    if (tenant.mode === "TEST") {
      const baseUrl = this.options.sandboxBaseUrl();
      const cached = this.sandboxClients.get(tenant.id);
      if (cached?.baseUrl === baseUrl) return cached.client;
      const client = new FirmaDigitaleClient({ ...common, baseUrl, token: this.sandboxToken(tenant.id) });
      this.sandboxClients.set(tenant.id, { baseUrl, client });
      return client;
    }
    const doc = await TenantModel.findById(tenant.id, { upstreamTokenEnc: 1 }).lean();
    if (!doc?.upstreamTokenEnc) {
      throw new ForbiddenError("this live tenant has no Openapi token yet: an admin sets it with setUpstreamToken");
    }
    return new FirmaDigitaleClient({ ...common, baseUrl: this.options.liveBaseUrl, token: this.options.cipher.decrypt(doc.upstreamTokenEnc) });
  }

  /** The bearer the gateway uses on its own sandbox for a test tenant. */
  sandboxToken(tenantId: string): string {
    return `fgw_sbx_${tenantId}.${sign(this.options.sandboxKey, `sandbox:${tenantId}`)}`;
  }

  /** The tenant id a gateway sandbox token speaks for, or null. */
  verifySandboxToken(token: string): string | null {
    const m = SANDBOX_TOKEN.exec(token);
    return m && verify(this.options.sandboxKey, `sandbox:${m[1]}`, m[2]!) ? m[1]! : null;
  }
}
