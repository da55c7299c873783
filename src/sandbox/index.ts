export * from "./create-sandbox.js";
export type { SandboxTenant } from "./http/index.js";
export type { SandboxCipher } from "./sandbox-cipher.js";
