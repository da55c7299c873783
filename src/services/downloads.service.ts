import { TenantModel, SignatureRequestModel, type SignatureRequestDocument, type TenantMode } from "../models/index.js";
import { BadUserInputError } from "../errors/index.js";
import { sign, verify } from "./secrets.service.js";
import type { UpstreamClients } from "./upstream-clients.service.js";
import type { TenantView } from "./tenants.service.js";

export interface DownloadServiceOptions {
  key: Buffer;
  publicUrl: () => string;
  clients: UpstreamClients;
  ttlSeconds: number;
}

/** Thrown for a link that is malformed, tampered with, expired or points at nothing. */
export class InvalidDownloadLinkError extends Error {
  constructor(readonly reason: "invalid" | "expired" | "not_found") {
    super(`download link ${reason}`);
  }
}

/**
 * Short-lived signed links to registration forms: a browser can open them without an API key,
 * and the gateway fetches the PDF from upstream on the tenant's behalf when the link is used.
 */
export class DownloadService {
  constructor(private readonly options: DownloadServiceOptions) {}

  /** A signed URL for the request's form, valid `ttlSeconds`. */
  formUrl(_tenant: TenantView, request: SignatureRequestDocument): { url: string; expiresAt: Date } {
    if (!request.upstreamId) {
      throw new BadUserInputError("this request has no registration form yet", [
        { path: "requestId", message: `request is ${request.status}: wait until it leaves SUBMITTING` },
      ]);
    }
    const id = request.id as string;
    const expires = Math.floor(Date.now() / 1000) + this.options.ttlSeconds;
    const signature = sign(this.options.key, `form:${id}:${expires}`);
    return {
      url: `${this.options.publicUrl()}/downloads/forms/${id}.pdf?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /** Checks a link and returns the PDF bytes from upstream. */
  async openForm(id: string, expires: string, signature: string): Promise<Buffer> {
    if (!/^[0-9a-f]{24}$/.test(id) || !/^\d{1,12}$/.test(expires) || !verify(this.options.key, `form:${id}:${expires}`, signature)) {
      throw new InvalidDownloadLinkError("invalid");
    }
    if (Number(expires) * 1000 < Date.now()) throw new InvalidDownloadLinkError("expired");
    const request = await SignatureRequestModel.findById(id, { tenantId: 1, upstreamId: 1 }).lean();
    const tenant = request ? await TenantModel.findById(request.tenantId, { mode: 1 }).lean() : null;
    if (!request?.upstreamId || !tenant) throw new InvalidDownloadLinkError("not_found");
    const client = await this.options.clients.forTenant({ id: String(request.tenantId), mode: tenant.mode as TenantMode });
    return client.getModulo(request.upstreamId);
  }
}
