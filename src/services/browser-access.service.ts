import { BadUserInputError, NotFoundError } from "../errors/index.js";
import { validateOrigins } from "../security/origins.js";
import { revokeSessionTokens, setAllowedOrigins, tenantSecurity, type TenantView } from "./tenants.service.js";

/** What a tenant controls about browser access: its allowed origins and its session tokens' validity. */
export class BrowserAccessService {
  /** Replaces the tenant's allowed origins; BAD_USER_INPUT naming each bad one, and nothing changes. */
  async setOrigins(tenantId: string, origins: string[]): Promise<string[]> {
    const problems = validateOrigins(origins);
    if (problems.length > 0) throw new BadUserInputError("invalid origins", problems);
    if ((await tenantSecurity(tenantId)) === null) throw new NotFoundError("tenant", tenantId);
    return setAllowedOrigins(tenantId, [...new Set(origins)]);
  }

  /** Bumps the tenant's session version: every token minted before stops working. */
  async revokeSessions(tenant: TenantView): Promise<number> {
    return revokeSessionTokens(tenant.id);
  }
}
