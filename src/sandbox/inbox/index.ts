export * from "./inbox.model.js";
export * from "./inbox.recorder.js";
export { renderEnvelope } from "./envelope.pdf.js";
