export * from "./inbox.model.js";
export * from "./inbox.recorder.js";
// renderEnvelope (pdf-lib) is loaded by the recorder on first use; see ../documents/index.ts.
