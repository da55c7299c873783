import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { SessionScope as Scope } from "../../services/session-tokens.service.js";

export enum SessionScope {
  CATALOGUE_READ = "CATALOGUE_READ",
  REQUESTS_READ = "REQUESTS_READ",
  ORDERS_WRITE = "ORDERS_WRITE",
  FEED_READ = "FEED_READ",
}
registerEnumType(SessionScope, {
  name: "SessionScope",
  description: "What a session token may do.",
  valuesConfig: {
    CATALOGUE_READ: { description: "products, product" },
    REQUESTS_READ: { description: "signatureRequest, signatureRequests, refreshSignatureRequest, registrationFormUrl (the subject's own requests)" },
    ORDERS_WRITE: { description: "placeOrder, uploadIdentificationDocuments, requestVideoRecognition (orders carry the subject)" },
    FEED_READ: { description: "statusEvents, signatureRequestUpdated (the subject's own requests)" },
  },
});

@ObjectType({ description: "A short-lived token for one end user of the tenant, to use from a browser page." })
export class SessionToken {
  @Field(() => String, { description: "Send as `Authorization: Bearer <token>` (or in graphql-ws connectionParams). Never stored by the gateway." })
  token!: string;

  @Field(() => String, { description: "The tenant's own reference for the end user." })
  subject!: string;

  @Field(() => [SessionScope])
  scopes!: Scope[];

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType({ description: "The session token the caller is using." })
export class Session {
  @Field(() => String)
  subject!: string;

  @Field(() => [SessionScope])
  scopes!: Scope[];

  @Field(() => Date)
  expiresAt!: Date;
}
