import { Types } from "mongoose";
import { TenantModel } from "../models/index.js";
import { BadUserInputError, NotFoundError } from "../errors/index.js";
import type { FieldCipherLike } from "./field-cipher.js";
import type { TenantView } from "./tenants.service.js";

/** Admin operations on tenants beyond creation. */
export class TenantAdminService {
  constructor(private readonly cipher: FieldCipherLike) {}

  /** Stores a live tenant's Openapi token, encrypted; it is never returned. */
  async setUpstreamToken(tenantId: string, token: string): Promise<TenantView> {
    const trimmed = token.trim();
    if (trimmed.length < 16 || /\s/.test(trimmed)) {
      throw new BadUserInputError("invalid Openapi token", [{ path: "token", message: "expected a bearer token of at least 16 characters without spaces" }]);
    }
    if (!Types.ObjectId.isValid(tenantId) || !/^[0-9a-f]{24}$/.test(tenantId)) throw new NotFoundError("tenant", tenantId);
    const doc = await TenantModel.findByIdAndUpdate(tenantId, { $set: { upstreamTokenEnc: this.cipher.encrypt(trimmed) } }, { returnDocument: "after" }).lean();
    if (doc === null) throw new NotFoundError("tenant", tenantId);
    return { id: doc._id.toHexString(), name: doc.name, mode: doc.mode };
  }
}
