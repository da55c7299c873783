import { randomBytes } from "node:crypto";
import { hashSecret } from "./secrets.service.js";
import { type Types } from "mongoose";
import { ApiKeyModel, TenantModel, TENANT_MODES, type TenantMode } from "../models/index.js";
import { BadUserInputError } from "../errors/index.js";

/** What the rest of the gateway knows about a caller's tenant. */
export interface TenantView {
  id: string;
  name: string;
  mode: TenantMode;
  /**
   * Set when the caller is a session token: the end user it was minted for. Services then read and
   * write only that subject's requests (another subject's id answers NOT_FOUND, like another tenant's).
   */
  subject?: string;
}

export interface CreatedTenant {
  tenant: TenantView;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

const KEY_PATTERN = /^fgw_(test|live)_[A-Za-z0-9_-]{32}$/;

/** SHA-256 of an API key, hex: how keys are stored and looked up. */
export function hashApiKey(key: string): string {
  return hashSecret(key);
}

/** A fresh API key whose prefix shows its mode: `fgw_test_...` or `fgw_live_...`. */
export function generateApiKey(mode: TenantMode): string {
  return `fgw_${mode.toLowerCase()}_${randomBytes(24).toString("base64url")}`;
}

function toView(doc: { _id: Types.ObjectId; name: string; mode: string }): TenantView {
  return { id: doc._id.toHexString(), name: doc.name, mode: doc.mode as TenantMode };
}

/** Creates a tenant with its first API key. */
export async function createTenant(input: { name: string; mode: string }): Promise<CreatedTenant> {
  const name = input.name.trim();
  const fields = [];
  if (name.length === 0 || name.length > 200) {
    fields.push({ path: "input.name", message: "expected 1 to 200 characters" });
  }
  if (!(TENANT_MODES as readonly string[]).includes(input.mode)) {
    fields.push({ path: "input.mode", message: `expected TEST or LIVE, got ${JSON.stringify(input.mode)}` });
  }
  if (fields.length > 0) throw new BadUserInputError("invalid tenant", fields);

  const mode = input.mode as TenantMode;
  const tenant = await TenantModel.create({ name, mode });
  const apiKey = await issueApiKey(tenant._id, mode);
  return { tenant: toView(tenant), apiKey };
}

/** Issues one more API key for a tenant. */
export async function issueApiKey(tenantId: Types.ObjectId, mode: TenantMode): Promise<string> {
  const apiKey = generateApiKey(mode);
  await ApiKeyModel.create({ tenantId, hash: hashApiKey(apiKey), prefix: apiKey.slice(0, 13), mode });
  return apiKey;
}

/**
 * Recently authenticated keys, so a busy client costs no database round trip per request. Short
 * on purpose: a key revoked on another replica stops working within AUTH_CACHE_MS.
 */
const AUTH_CACHE_MS = 10_000;
const AUTH_CACHE_MAX = 10_000;
const authCache = new Map<string, { tenant: TenantView; keyId: string; until: number }>();

/** Resolves an API key to its tenant; null for a malformed, unknown or revoked key. */
export async function authenticateApiKey(key: string): Promise<TenantView | null> {
  return (await authenticateApiKeyWithId(key))?.tenant ?? null;
}

/** Resolves an API key to its tenant and the id of its stored record (rate limits key on it); null as above. */
export async function authenticateApiKeyWithId(key: string): Promise<{ tenant: TenantView; keyId: string } | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const hash = hashApiKey(key);
  const cached = authCache.get(hash);
  if (cached && cached.until > Date.now()) return { tenant: cached.tenant, keyId: cached.keyId };
  const record = await ApiKeyModel.findOne({ hash, revokedAt: null }).lean();
  const tenant = record === null ? null : await TenantModel.findById(record.tenantId).lean();
  if (record === null || tenant === null) {
    authCache.delete(hash);
    return null;
  }
  const view = toView(tenant);
  const keyId = record._id.toHexString();
  if (authCache.size >= AUTH_CACHE_MAX) authCache.delete(authCache.keys().next().value!);
  authCache.set(hash, { tenant: view, keyId, until: Date.now() + AUTH_CACHE_MS });
  return { tenant: view, keyId };
}

/** Revokes an API key; in this process at once, on other replicas within AUTH_CACHE_MS. */
export async function revokeApiKey(key: string): Promise<boolean> {
  const hash = hashApiKey(key);
  authCache.delete(hash);
  const res = await ApiKeyModel.updateOne({ hash, revokedAt: null }, { revokedAt: new Date() });
  return res.modifiedCount === 1;
}

/**
 * On a first start with no tenants at all, creates the `default` test tenant so a newcomer has a
 * key to try; returns its key, or null when tenants already exist.
 */
export async function ensureDefaultTenant(): Promise<CreatedTenant | null> {
  if ((await TenantModel.estimatedDocumentCount()) > 0) return null;
  return createTenant({ name: "default", mode: "TEST" });
}

/** What session tokens and CORS need to know about a tenant, cached like API keys. */
export interface TenantSecurity {
  tenant: TenantView;
  sessionVersion: number;
  allowedOrigins: string[];
}

const securityCache = new Map<string, { value: TenantSecurity | null; until: number }>();

/**
 * The tenant's session version and allowed origins. Cached for AUTH_CACHE_MS: a revocation or an
 * origin change takes effect at once in the process that made it, and within that bound elsewhere.
 */
export async function tenantSecurity(tenantId: string): Promise<TenantSecurity | null> {
  const cached = securityCache.get(tenantId);
  if (cached && cached.until > Date.now()) return cached.value;
  const doc = /^[0-9a-f]{24}$/i.test(tenantId)
    ? await TenantModel.findById(tenantId, { name: 1, mode: 1, sessionVersion: 1, allowedOrigins: 1 }).lean()
    : null;
  const value = doc === null ? null : { tenant: toView(doc), sessionVersion: doc.sessionVersion ?? 0, allowedOrigins: doc.allowedOrigins ?? [] };
  if (securityCache.size >= AUTH_CACHE_MAX) securityCache.delete(securityCache.keys().next().value!);
  securityCache.set(tenantId, { value, until: Date.now() + AUTH_CACHE_MS });
  return value;
}

/** The version new session tokens of the tenant are minted under (read fresh: minting is rare). */
export async function sessionVersionOf(tenantId: string): Promise<number> {
  const doc = await TenantModel.findById(tenantId, { sessionVersion: 1 }).lean();
  return doc?.sessionVersion ?? 0;
}

/** Revokes every session token the tenant issued so far; returns the new version. */
export async function revokeSessionTokens(tenantId: string): Promise<number> {
  const doc = await TenantModel.findByIdAndUpdate(tenantId, { $inc: { sessionVersion: 1 } }, { returnDocument: "after", projection: { sessionVersion: 1 } }).lean();
  securityCache.delete(tenantId);
  return doc?.sessionVersion ?? 0;
}

/** Replaces the tenant's allowed browser origins (already validated); returns them. */
export async function setAllowedOrigins(tenantId: string, origins: string[]): Promise<string[]> {
  const doc = await TenantModel.findByIdAndUpdate(tenantId, { $set: { allowedOrigins: origins } }, { returnDocument: "after", projection: { allowedOrigins: 1 } }).lean();
  securityCache.delete(tenantId);
  listedOrigins = null;
  return doc?.allowedOrigins ?? [];
}

let listedOrigins: { origins: Set<string>; until: number } | null = null;

/**
 * Whether any tenant allows `origin`. A CORS preflight carries no credentials, so it can only be
 * answered for the union of every tenant's origins; the request itself is then checked against
 * its own tenant's list.
 */
export async function isListedOrigin(origin: string): Promise<boolean> {
  if (listedOrigins === null || listedOrigins.until <= Date.now()) {
    const values = (await TenantModel.distinct("allowedOrigins")) as string[];
    listedOrigins = { origins: new Set(values), until: Date.now() + AUTH_CACHE_MS };
  }
  return listedOrigins.origins.has(origin);
}
