export * from "./shipment.type.js";
