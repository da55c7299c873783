export * from "./create-sandbox.js";
export type { SandboxTenant } from "./http/index.js";
