/**
 * What the sandbox needs to keep applicants' tax codes, document numbers and callback bodies sealed
 * at rest (the gateway passes its FieldCipher; declared here so the sandbox imports nothing from it).
 */
export interface SandboxCipher {
  encrypt(plain: string): string;
  decrypt(token: string): string;
}

const SEALED_FIELDS = ["codice_fiscale", "numero_documento"] as const;

/** A copy of an anagrafica with its identifying numbers encrypted, for storage. */
export function sealAnagrafica(cipher: SandboxCipher, a: Record<string, unknown> | null): Record<string, unknown> | null {
  if (a === null) return null;
  const out = { ...a };
  for (const f of SEALED_FIELDS) if (typeof out[f] === "string") out[f] = cipher.encrypt(out[f]);
  return out;
}

/** The stored anagrafica as upstream shows it, numbers decrypted. */
export function openAnagrafica(cipher: SandboxCipher, a: Record<string, unknown> | null): Record<string, unknown> | null {
  if (a === null) return null;
  const out = { ...a };
  for (const f of SEALED_FIELDS) if (typeof out[f] === "string") out[f] = cipher.decrypt(out[f]);
  return out;
}
