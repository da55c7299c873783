export * from "./common/index.js";
export * from "./tenant/index.js";
export * from "./viewer/index.js";
export * from "./product/index.js";
export * from "./applicant/index.js";
export * from "./shipment/index.js";
export * from "./signature-request/index.js";
