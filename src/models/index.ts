export * from "./tenant.model.js";
export * from "./api-key.model.js";
export * from "./product.model.js";
export * from "./applicant.model.js";
export * from "./shipment.model.js";
export * from "./signature-request.model.js";
export * from "./secret.model.js";
