import { Field, InputType } from "type-graphql";
import { SignatureRequestStatus } from "./signature-request.type.js";
import type { RequestStatus } from "../../models/index.js";

@InputType()
export class SignatureRequestFilter {
  @Field(() => [SignatureRequestStatus], { nullable: true })
  status?: RequestStatus[] | null;

  @Field(() => String, { nullable: true })
  productCode?: string | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;

  @Field(() => String, { nullable: true, description: "Request code, or the applicant's last name or e-mail (exact tax code also matches)." })
  search?: string | null;
}
