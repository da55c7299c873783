export * from "./applicant.type.js";
