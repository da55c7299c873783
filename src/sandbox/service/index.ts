export * from "./sandbox.service.js";
export * from "./request.view.js";
export * from "./tenant-lock.js";
