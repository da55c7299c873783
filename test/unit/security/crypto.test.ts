import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config.js";
import {
  DecryptionError,
  FieldCipher,
  blindIndex,
  loadEncryptionKeys,
  maskDocumentNumber,
  maskTaxCode,
} from "../../../src/security/crypto.js";

const k1 = randomBytes(32);
const k2 = randomBytes(32);

function decryptionReason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecryptionError) return err.reason;
    throw err;
  }
  return undefined;
}

describe("FieldCipher", () => {
  const cipher = FieldCipher.fromKeys([{ id: "k1", key: k1 }], "k1");

  it("round-trips text, including non-ASCII and the empty string", () => {
    for (const plain of ["RSSMRA80A01H501U", "AY1234534", "Ünïcødé ✓", ""]) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it("writes v1:<keyId>:<iv>:<tag>:<ct> with a fresh IV each time", () => {
    const a = cipher.encrypt("same");
    const b = cipher.encrypt("same");
    expect(a.split(":")).toHaveLength(5);
    expect(a.split(":").slice(0, 2)).toEqual(["v1", "k1"]);
    expect(a).not.toBe(b);
    expect(a).not.toContain("same");
  });

  it("throws DecryptionError AUTHENTICATION_FAILED for a flipped ciphertext bit", () => {
    const parts = cipher.encrypt("RSSMRA80A01H501U").split(":");
    const ct = Buffer.from(parts[4]!, "base64");
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString("base64");
    expect(decryptionReason(() => cipher.decrypt(parts.join(":")))).toBe("AUTHENTICATION_FAILED");
  });

  it("throws DecryptionError AUTHENTICATION_FAILED for a swapped tag", () => {
    const a = cipher.encrypt("one").split(":");
    const b = cipher.encrypt("two").split(":");
    a[3] = b[3]!;
    expect(decryptionReason(() => cipher.decrypt(a.join(":")))).toBe("AUTHENTICATION_FAILED");
  });

  it("throws DecryptionError AUTHENTICATION_FAILED when a token is relabelled with another key id", () => {
    const both = FieldCipher.fromKeys(
      [
        { id: "k1", key: k1 },
        { id: "k2", key: k1 },
      ],
      "k1",
    );
    const token = both.encrypt("secret").replace(/^v1:k1:/, "v1:k2:");
    expect(decryptionReason(() => both.decrypt(token))).toBe("AUTHENTICATION_FAILED");
  });

  it("throws DecryptionError MALFORMED for tokens that are not v1 tokens", () => {
    for (const token of ["", "plain text", "v2:k1:a:b:c", "v1:k1:!!:b:c", cipher.encrypt("x").split(":").slice(0, 4).join(":")]) {
      expect(decryptionReason(() => cipher.decrypt(token))).toBe("MALFORMED");
    }
    const parts = cipher.encrypt("x").split(":");
    parts[3] = parts[3]!.slice(0, 8); // a truncated tag would weaken the check
    expect(decryptionReason(() => cipher.decrypt(parts.join(":")))).toBe("MALFORMED");
  });

  it("throws DecryptionError UNKNOWN_KEY for a key it does not hold", () => {
    const other = FieldCipher.fromKeys([{ id: "k9", key: k2 }], "k9");
    expect(decryptionReason(() => cipher.decrypt(other.encrypt("x")))).toBe("UNKNOWN_KEY");
  });

  it("rotates: decrypts old tokens, encrypts with the new key, flags old tokens", () => {
    const oldToken = cipher.encrypt("RSSMRA80A01H501U");
    const rotated = FieldCipher.fromKeys(
      [
        { id: "k2", key: k2 },
        { id: "k1", key: k1 },
      ],
      "k2",
    );
    expect(rotated.decrypt(oldToken)).toBe("RSSMRA80A01H501U");
    expect(rotated.needsRotation(oldToken)).toBe(true);
    const fresh = rotated.encrypt(rotated.decrypt(oldToken));
    expect(fresh.split(":")[1]).toBe("k2");
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(rotated.activeKeyId).toBe("k2");
  });

  it("refuses keys of the wrong size, duplicate ids and a missing active id", () => {
    expect(() => FieldCipher.fromKeys([{ id: "k1", key: randomBytes(16) }], "k1")).toThrow(TypeError);
    expect(() =>
      FieldCipher.fromKeys(
        [
          { id: "k1", key: k1 },
          { id: "k1", key: k2 },
        ],
        "k1",
      ),
    ).toThrow(TypeError);
    expect(() => FieldCipher.fromKeys([{ id: "k1", key: k1 }], "k2")).toThrow(TypeError);
    expect(() => FieldCipher.fromKeys([{ id: "a:b", key: k1 }], "a:b")).toThrow(TypeError);
  });
});

describe("blindIndex", () => {
  it("is deterministic per secret and differs across secrets and values", () => {
    expect(blindIndex(k1, "RSSMRA80A01H501U")).toBe(blindIndex(k1, "RSSMRA80A01H501U"));
    expect(blindIndex(k1, "RSSMRA80A01H501U")).toMatch(/^[0-9a-f]{64}$/);
    expect(blindIndex(k2, "RSSMRA80A01H501U")).not.toBe(blindIndex(k1, "RSSMRA80A01H501U"));
    expect(blindIndex(k1, "RSSMRA80A01H501V")).not.toBe(blindIndex(k1, "RSSMRA80A01H501U"));
  });
});

describe("loadEncryptionKeys", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fgw-keys-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("uses DATA_ENCRYPTION_KEY when set", async () => {
    const env = { DATA_ENCRYPTION_KEY: k1.toString("base64") };
    const a = await loadEncryptionKeys({ env, dataDir: null, embedded: false });
    const b = FieldCipher.fromKeys([{ id: "k1", key: k1 }], "k1");
    expect(a.decrypt(b.encrypt("x"))).toBe("x");
  });

  it("uses DATA_ENCRYPTION_KEYS with the first key active and the others for old tokens", async () => {
    const old = FieldCipher.fromKeys([{ id: "old", key: k1 }], "old");
    const env = { DATA_ENCRYPTION_KEYS: `new:${k2.toString("base64")},old:${k1.toString("base64")}` };
    const cipher = await loadEncryptionKeys({ env, dataDir: dir, embedded: false });
    const token = old.encrypt("x");
    expect(cipher.decrypt(token)).toBe("x");
    expect(cipher.needsRotation(token)).toBe(true);
    expect(cipher.activeKeyId).toBe("new");
  });

  it("throws ConfigError for a malformed key", async () => {
    await expect(
      loadEncryptionKeys({ env: { DATA_ENCRYPTION_KEY: "c2hvcnQ=" }, dataDir: dir, embedded: true }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      loadEncryptionKeys({ env: { DATA_ENCRYPTION_KEYS: k1.toString("base64") }, dataDir: dir, embedded: true }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it("throws ConfigError without a key for an external database", async () => {
    await expect(loadEncryptionKeys({ env: {}, dataDir: dir, embedded: false })).rejects.toBeInstanceOf(ConfigError);
  });

  it("generates DATA_DIR/encryption.key (mode 0600) once for the embedded database and reuses it", async () => {
    const sub = path.join(dir, "data");
    const first = await loadEncryptionKeys({ env: {}, dataDir: sub, embedded: true });
    const file = path.join(sub, "encryption.key");
    const content = await readFile(file, "utf8");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await loadEncryptionKeys({ env: {}, dataDir: sub, embedded: true });
    expect(await readFile(file, "utf8")).toBe(content);
    expect(second.decrypt(first.encrypt("RSSMRA80A01H501U"))).toBe("RSSMRA80A01H501U");
  });

  it("gives concurrent first runs the same key", async () => {
    const [a, b] = await Promise.all([
      loadEncryptionKeys({ env: {}, dataDir: dir, embedded: true }),
      loadEncryptionKeys({ env: {}, dataDir: dir, embedded: true }),
    ]);
    expect(b.decrypt(a.encrypt("x"))).toBe("x");
  });

  it("throws ConfigError for a damaged key file", async () => {
    await writeFile(path.join(dir, "encryption.key"), "garbage", { mode: 0o600 });
    await expect(loadEncryptionKeys({ env: {}, dataDir: dir, embedded: true })).rejects.toBeInstanceOf(ConfigError);
  });

  it("gives an ephemeral key per call when dataDir is null", async () => {
    const a = await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });
    const b = await loadEncryptionKeys({ env: {}, dataDir: null, embedded: true });
    expect(a.decrypt(a.encrypt("x"))).toBe("x");
    expect(decryptionReason(() => b.decrypt(a.encrypt("x")))).toBe("AUTHENTICATION_FAILED");
  });
});

describe("maskDocumentNumber", () => {
  it("keeps the first and last two characters", () => {
    expect(maskDocumentNumber("AY1234534")).toBe("AY*****34");
  });
  it("hides short values entirely", () => {
    expect(maskDocumentNumber("AB12")).toBe("****");
  });
});

describe("maskTaxCode", () => {
  it("keeps the surname letters and the check character", () => {
    expect(maskTaxCode("rssmra80a01h501u")).toBe("RSS************U");
  });
});
