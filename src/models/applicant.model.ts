import { tenantWritesPlugin } from "./tenant-writes.plugin.js";
import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * The person a signature is issued to. Tax code and document number are stored only encrypted
 * (`*Enc`), with a masked copy for display and a keyed hash of the tax code for exact search.
 */
const applicantSchema = new Schema(
  {
    tenantId: { type: Schema.Types.ObjectId, required: true },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    email: { type: String, required: true },
    phone: { type: String, required: true },
    sex: { type: String, enum: ["M", "F"], required: true },
    birthDate: { type: String, required: true },
    birthPlace: { type: String, required: true },
    birthProvince: { type: String, required: true },
    birthCountry: { type: String, required: true },
    taxCodeEnc: { type: String, required: true },
    taxCodeHash: { type: String, required: true },
    taxCodeMasked: { type: String, required: true },
    residence: {
      address: { type: String, required: true },
      city: { type: String, required: true },
      province: { type: String, required: true },
      postalCode: { type: String, required: true },
      country: { type: String, required: true },
    },
    document: {
      type: { type: String, required: true },
      numberEnc: { type: String, required: true },
      numberMasked: { type: String, required: true },
      issuedBy: { type: String, required: true },
      issueDate: { type: String, required: true },
      expiryDate: { type: String, required: true },
    },
  },
  { timestamps: true },
);
applicantSchema.index({ tenantId: 1, taxCodeHash: 1 });

// Every write reports its tenants, so caches of what these collections hold are dropped (request-list cache).
applicantSchema.plugin(tenantWritesPlugin);

export type ApplicantFields = InferSchemaType<typeof applicantSchema>;
export const ApplicantModel = model("Applicant", applicantSchema);
