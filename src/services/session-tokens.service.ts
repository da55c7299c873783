import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import type { Logger } from "pino";
import { SigningKeyModel } from "../models/index.js";
import { BadUserInputError, type FieldProblem } from "../errors/index.js";
import type { FieldCipherLike } from "./field-cipher.js";
import { sessionVersionOf, type TenantView } from "./tenants.service.js";

/** What a session token may do; the tenant's secret API key may do everything. */
export const SESSION_SCOPES = ["CATALOGUE_READ", "REQUESTS_READ", "ORDERS_WRITE", "FEED_READ"] as const;
export type SessionScope = (typeof SESSION_SCOPES)[number];

export const DEFAULT_SESSION_TTL_SECONDS = 15 * 60;
export const MAX_SESSION_TTL_SECONDS = 24 * 60 * 60;
/** A subject is the tenant's own reference for an end user (a customer id, an e-mail hash...). */
export const MAX_SUBJECT_LENGTH = 200;
const SUBJECT_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

const ISSUER = "firma-gateway";
/** Key ids as createKey makes them: `k`, the creation time in base 36, 8 hex digits. */
const KEY_ID_PATTERN = /^k[0-9a-z]{1,12}[0-9a-f]{8}$/;
/** Tokens already verified, so a page's repeated requests cost a map lookup, not a signature check. */
const VERIFIED_CACHE_MAX = 10_000;
const AUDIENCE = "firma-gateway/graphql";
const ALGORITHM = "EdDSA";

/** The verified content of a session token. */
export interface SessionClaims {
  tenantId: string;
  subject: string;
  scopes: SessionScope[];
  /** The tenant's session version when the token was minted (revocation bumps it). */
  version: number;
  expiresAt: Date;
}

export type VerifyOutcome = { ok: true; claims: SessionClaims } | { ok: false; reason: "TOKEN_EXPIRED" | "TOKEN_INVALID" };

export interface MintedToken {
  token: string;
  subject: string;
  scopes: SessionScope[];
  expiresAt: Date;
}

export interface SessionTokenOptions {
  cipher: FieldCipherLike;
  logger: Logger;
  /** A new signing key is made once the newest is this old (default 7 days). */
  rotateAfterMs?: number;
  now?: () => number;
  /** Remember verified tokens until they expire (default true; benchmarks turn it off to time the signature check). */
  cacheVerified?: boolean;
}

interface KeyEntry {
  id: string;
  createdAt: number;
  publicKey: KeyObject;
  /** Decrypted only when this replica signs with the key; verifying needs the public key alone. */
  privateKey: KeyObject | null;
  privateKeyEnc: string;
}

/** Whether `token` looks like a JWT (three base64url parts) rather than an API key. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}$/.test(token);
}

/** Checks createSessionToken's input; BAD_USER_INPUT naming every bad field. */
export function validateSessionInput(input: { subject: string; scopes: readonly string[]; ttlSeconds?: number | null }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (input.subject.length === 0 || input.subject.length > MAX_SUBJECT_LENGTH || !SUBJECT_PATTERN.test(input.subject)) {
    problems.push({
      path: "subject",
      message: `expected 1 to ${MAX_SUBJECT_LENGTH} printable ASCII characters without leading or trailing spaces, received ${input.subject.length} characters`,
    });
  }
  if (input.scopes.length === 0) problems.push({ path: "scopes", message: `expected at least one of ${SESSION_SCOPES.join(", ")}` });
  input.scopes.forEach((scope, i) => {
    if (!(SESSION_SCOPES as readonly string[]).includes(scope)) {
      problems.push({ path: `scopes.${i}`, message: `expected one of ${SESSION_SCOPES.join(", ")}, received ${JSON.stringify(scope).slice(0, 60)}` });
    }
  });
  const ttl = input.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_SESSION_TTL_SECONDS) {
    problems.push({ path: "ttlSeconds", message: `expected 1 to ${MAX_SESSION_TTL_SECONDS} seconds (24 hours), received ${ttl}` });
  }
  return problems;
}

/**
 * Mints and verifies session tokens: JWTs signed with EdDSA (Ed25519) by `jose`, for one end user
 * (the subject) of one tenant, with scopes and a short life. Signing keys live in the database,
 * encrypted, with a key id; they rotate every `rotateAfterMs`, and a retired key still verifies until
 * every token it signed has expired.
 */
export class SessionTokenService {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly verified = new Map<string, SessionClaims>();
  private readonly rotateAfterMs: number;
  private readonly now: () => number;
  private reloading: Promise<void> | null = null;
  private creating: Promise<KeyEntry> | null = null;

  constructor(private readonly options: SessionTokenOptions) {
    this.rotateAfterMs = options.rotateAfterMs ?? 7 * 24 * 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A token for `subject` of `tenant` (the caller holds the tenant's secret key). */
  async mint(tenant: TenantView, input: { subject: string; scopes: SessionScope[]; ttlSeconds?: number | null }): Promise<MintedToken> {
    const problems = validateSessionInput(input);
    if (problems.length > 0) throw new BadUserInputError("invalid session token request", problems);
    const scopes = [...new Set(input.scopes)];
    const ttl = input.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    const key = await this.signingKey();
    const version = await sessionVersionOf(tenant.id);
    const issuedAt = Math.floor(this.now() / 1000);
    const token = await new SignJWT({ tid: tenant.id, scp: scopes, ver: version })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.id, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(input.subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .setJti(randomBytes(12).toString("base64url"))
      .sign((key.privateKey ??= createPrivateKey(this.options.cipher.decrypt(key.privateKeyEnc))));
    return { token, subject: input.subject, scopes, expiresAt: new Date((issuedAt + ttl) * 1000) };
  }

  /** Checks signature, key id, issuer, audience and expiry; never throws. Revocation is the caller's check. */
  async verify(token: string): Promise<VerifyOutcome> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (known.expiresAt.getTime() > this.now()) return { ok: true, claims: known };
      this.verified.delete(token);
      return { ok: false, reason: "TOKEN_EXPIRED" };
    }
    const outcome = await this.verifySignature(token);
    if (outcome.ok && this.options.cacheVerified !== false) {
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, outcome.claims);
    }
    return outcome;
  }

  private async verifySignature(token: string): Promise<VerifyOutcome> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== ALGORITHM) return { ok: false, reason: "TOKEN_INVALID" };
      kid = header.kid;
    } catch {
      return { ok: false, reason: "TOKEN_INVALID" };
    }
    if (typeof kid !== "string" || !KEY_ID_PATTERN.test(kid)) return { ok: false, reason: "TOKEN_INVALID" };
    let key = this.keys.get(kid);
    if (key === undefined) {
      // Minted by another replica with a key this one has not loaded yet: one read of the keys, like
      // an unknown API key costs one lookup.
      await this.reload();
      key = this.keys.get(kid);
      if (key === undefined) return { ok: false, reason: "TOKEN_INVALID" };
    }
    if (key.createdAt + this.rotateAfterMs + MAX_SESSION_TTL_SECONDS * 1000 < this.now()) return { ok: false, reason: "TOKEN_INVALID" };
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALGORITHM],
        currentDate: new Date(this.now()),
      });
      const scopes = Array.isArray(payload.scp) ? payload.scp.filter((s): s is SessionScope => (SESSION_SCOPES as readonly unknown[]).includes(s)) : [];
      if (typeof payload.tid !== "string" || typeof payload.sub !== "string" || typeof payload.ver !== "number" || typeof payload.exp !== "number") {
        return { ok: false, reason: "TOKEN_INVALID" };
      }
      return { ok: true, claims: { tenantId: payload.tid, subject: payload.sub, scopes, version: payload.ver, expiresAt: new Date(payload.exp * 1000) } };
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? "TOKEN_EXPIRED" : "TOKEN_INVALID" };
    }
  }

  /** Makes a new signing key now (tokens signed by older keys keep working until they expire); returns its id. */
  async rotate(): Promise<string> {
    return (await this.createKey()).id;
  }

  /** The newest key, made when there is none young enough. */
  private async signingKey(): Promise<KeyEntry> {
    if (this.keys.size === 0) await this.reload();
    const newest = this.newest();
    if (newest !== null && newest.createdAt + this.rotateAfterMs > this.now()) return newest;
    this.creating ??= this.createKey().finally(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private newest(): KeyEntry | null {
    let newest: KeyEntry | null = null;
    for (const key of this.keys.values()) if (newest === null || key.createdAt > newest.createdAt) newest = key;
    return newest;
  }

  private async createKey(): Promise<KeyEntry> {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const id = `k${this.now().toString(36)}${randomBytes(4).toString("hex")}`;
    const privatePem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
    const doc = await SigningKeyModel.create({ _id: id, privateKeyEnc: this.options.cipher.encrypt(privatePem), publicKeyPem: publicPem });
    const entry: KeyEntry = { id, createdAt: doc.createdAt.getTime(), publicKey, privateKey, privateKeyEnc: doc.privateKeyEnc };
    this.keys.set(id, entry);
    this.options.logger.info({ kid: id }, "new session-token signing key");
    return entry;
  }

  private async reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const since = new Date(this.now() - this.rotateAfterMs - MAX_SESSION_TTL_SECONDS * 1000);
        const docs = await SigningKeyModel.find({ createdAt: { $gt: since } }).lean();
        for (const doc of docs) {
          if (this.keys.has(doc._id)) continue;
          this.keys.set(doc._id, {
            id: doc._id,
            createdAt: doc.createdAt.getTime(),
            publicKey: createPublicKey(doc.publicKeyPem),
            privateKey: null,
            privateKeyEnc: doc.privateKeyEnc,
          });
        }
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }
}
