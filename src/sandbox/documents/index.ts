export { checkSignedForm, checkIdDocument, decodeBase64Strict, MAX_UPLOAD_BYTES } from "./upload.validator.js";
export { renderModulo } from "./modulo.pdf.js";
