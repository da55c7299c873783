import { Field, ObjectType } from "type-graphql";
import { PageInfo } from "../common/page-info.type.js";
import { SignatureRequest } from "./signature-request.type.js";

@ObjectType({ simpleResolvers: true })
export class SignatureRequestEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SignatureRequest)
  node!: SignatureRequest;
}

@ObjectType({ simpleResolvers: true, description: "A page of signature requests, newest first." })
export class SignatureRequestConnection {
  @Field(() => [SignatureRequestEdge])
  edges!: SignatureRequestEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true, description: "A short-lived link to download a request's registration form (PDF)." })
export class DownloadUrl {
  @Field(() => String)
  url!: string;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "The caller's sandbox clock." })
export class SandboxClock {
  @Field(() => Date)
  now!: Date;
}
