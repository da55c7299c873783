import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "../config.js";

const VERSION = "v1";
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; random IVs are safe well beyond this gateway's write volume.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Why a token could not be decrypted: tampered, truncated, or sealed with a key this process lacks. Not a client error. */
export class DecryptionError extends Error {
  readonly code = "DECRYPTION_FAILED" as const;
  constructor(readonly reason: "MALFORMED" | "UNKNOWN_KEY" | "AUTHENTICATION_FAILED") {
    super(`cannot decrypt field: ${reason.toLowerCase().replace(/_/g, " ")}`);
    this.name = "DecryptionError";
  }
}

interface Key {
  id: string;
  key: Buffer;
}

/** AES-256-GCM for single fields, with key ids in each token so keys can rotate without a flag day. */
export class FieldCipher {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly active: Key,
  ) {}

  /** A cipher that decrypts with any of `keys` and encrypts with `activeId`. */
  static fromKeys(keys: { id: string; key: Buffer }[], activeId: string): FieldCipher {
    const map = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new TypeError(`key id must match ${KEY_ID}, got ${JSON.stringify(id)}`);
      if (key.length !== KEY_BYTES) throw new TypeError(`key ${id} must be ${KEY_BYTES} bytes, got ${key.length}`);
      if (map.has(id)) throw new TypeError(`key id ${JSON.stringify(id)} appears twice`);
      map.set(id, Buffer.from(key));
    }
    const active = map.get(activeId);
    if (!active) throw new TypeError(`active key ${JSON.stringify(activeId)} is not among the keys [${[...map.keys()].join(", ")}]`);
    return new FieldCipher(map, { id: activeId, key: active });
  }

  /** Seals `plain` as `v1:<keyId>:<iv b64>:<tag b64>:<ct b64>`. */
  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.active.key, iv, { authTagLength: TAG_BYTES });
    // The version and key id are bound as associated data: moving a ciphertext under another key id fails.
    cipher.setAAD(Buffer.from(`${VERSION}:${this.active.id}`));
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.active.id, iv.toString("base64"), tag.toString("base64"), ct.toString("base64")].join(":");
  }

  /** Opens a token from encrypt(); throws DecryptionError when it was altered or its key is unknown. */
  decrypt(token: string): string {
    const { keyId, iv, tag, ct } = parseToken(token);
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError("UNKNOWN_KEY");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
    } catch {
      throw new DecryptionError("AUTHENTICATION_FAILED");
    }
  }

  /** True when the token was sealed with a key other than the active one (re-encrypt it). */
  needsRotation(token: string): boolean {
    return parseToken(token).keyId !== this.active.id;
  }

  /** The id new tokens are sealed with. */
  get activeKeyId(): string {
    return this.active.id;
  }
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseToken(token: string): { keyId: string; iv: Buffer; tag: Buffer; ct: Buffer } {
  const parts = typeof token === "string" ? token.split(":") : [];
  if (parts.length !== 5) throw new DecryptionError("MALFORMED");
  const [version, keyId, iv64, tag64, ct64] = parts as [string, string, string, string, string];
  if (version !== VERSION || !KEY_ID.test(keyId) || ![iv64, tag64, ct64].every((p) => B64.test(p))) {
    throw new DecryptionError("MALFORMED");
  }
  const iv = Buffer.from(iv64, "base64");
  const tag = Buffer.from(tag64, "base64");
  // A short tag would weaken authentication: accept exactly what encrypt() writes.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("MALFORMED");
  return { keyId, iv, tag, ct: Buffer.from(ct64, "base64") };
}

/** HMAC-SHA256 (hex) of `value`: a stable, non-reversible index for exact-match search over encrypted fields. */
export function blindIndex(secret: Buffer, value: string): string {
  return createHmac("sha256", secret).update(value, "utf8").digest("hex");
}

function decodeKey(name: string, id: string, b64: string): Buffer {
  const key = B64.test(b64.trim()) ? Buffer.from(b64.trim(), "base64") : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new ConfigError([
      `${name}: key ${JSON.stringify(id)} must be ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`,
    ]);
  }
  return key;
}

/** Reads `DATA_ENCRYPTION_KEYS` ("id:base64,id:base64", first active) or `DATA_ENCRYPTION_KEY`; null when neither is set. */
function keysFromEnv(env: NodeJS.ProcessEnv): { keys: Key[]; activeId: string } | null {
  const list = env.DATA_ENCRYPTION_KEYS?.trim();
  if (list) {
    const keys = list.split(",").map((entry) => {
      const at = entry.indexOf(":");
      const id = at > 0 ? entry.slice(0, at).trim() : "";
      if (!KEY_ID.test(id)) {
        throw new ConfigError([
          `DATA_ENCRYPTION_KEYS: expected "id:base64,id:base64" with ids matching ${KEY_ID}, got an entry ${JSON.stringify(entry.slice(0, Math.max(at, 0)) || "(no id)")}`,
        ]);
      }
      return { id, key: decodeKey("DATA_ENCRYPTION_KEYS", id, entry.slice(at + 1)) };
    });
    return { keys, activeId: keys[0]!.id };
  }
  const single = env.DATA_ENCRYPTION_KEY?.trim();
  if (single) return { keys: [{ id: "k1", key: decodeKey("DATA_ENCRYPTION_KEY", "k1", single) }], activeId: "k1" };
  return null;
}

/** The key file written on first run of an embedded deployment: `k1:<base64>`. */
const KEY_FILE = "encryption.key";

async function keyFromFile(dataDir: string): Promise<Key> {
  const file = path.join(dataDir, KEY_FILE);
  let text: string | null = null;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (text === null) {
    await mkdir(dataDir, { recursive: true });
    const key = randomBytes(KEY_BYTES);
    try {
      // "wx": two processes starting together must not overwrite each other's key.
      await writeFile(file, `k1:${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      return { id: "k1", key };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      text = await readFile(file, "utf8");
    }
  }
  const [id = "", b64 = ""] = text.trim().split(":");
  if (!KEY_ID.test(id)) throw new ConfigError([`${file}: expected "k1:<base64 key>", the file is damaged`]);
  return { id, key: decodeKey(file, id, b64) };
}

/**
 * The at-rest cipher: keys from the environment; else, for the embedded database, a key generated
 * once into DATA_DIR/encryption.key; with dataDir null (tests) an ephemeral key. Throws ConfigError
 * for an external database without a key: data written with a key nobody kept is lost.
 */
export async function loadEncryptionKeys(opts: {
  env: NodeJS.ProcessEnv;
  dataDir: string | null;
  embedded: boolean;
}): Promise<FieldCipher> {
  const fromEnv = keysFromEnv(opts.env);
  if (fromEnv) return FieldCipher.fromKeys(fromEnv.keys, fromEnv.activeId);
  // dataDir null is how tests ask for a throwaway key, whatever database they run against.
  if (opts.dataDir === null) return FieldCipher.fromKeys([{ id: "ephemeral", key: randomBytes(KEY_BYTES) }], "ephemeral");
  if (!opts.embedded) {
    throw new ConfigError([
      "DATA_ENCRYPTION_KEY: required with MONGODB_URI (tax codes and document numbers are encrypted at rest); " +
        "set it to 32 random bytes in base64, e.g. `openssl rand -base64 32`, and keep it with your database backups",
    ]);
  }
  const key = await keyFromFile(opts.dataDir);
  return FieldCipher.fromKeys([key], key.id);
}

function mask(value: string, keepStart: number, keepEnd: number): string {
  const s = value.trim();
  // Short values would be revealed almost whole: hide them entirely.
  if (s.length <= keepStart + keepEnd + 2) return "*".repeat(s.length);
  return s.slice(0, keepStart) + "*".repeat(s.length - keepStart - keepEnd) + s.slice(s.length - keepEnd);
}

/** A document number for display and logs: first two and last two characters, e.g. `AY*****34`. */
export function maskDocumentNumber(n: string): string {
  return mask(n, 2, 2);
}

/** An Italian tax code for display and logs: surname letters and check character, e.g. `RSS************Z`. */
export function maskTaxCode(code: string): string {
  return mask(code.toUpperCase(), 3, 1);
}
