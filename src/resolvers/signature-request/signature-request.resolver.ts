import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Context, requireTenant, requireLoaders } from "../../context.js";
import type { OrderService } from "../../services/orders.service.js";
import { toRequestView, type RequestQueryService, type RequestView } from "../../services/requests.service.js";
import type { DownloadService } from "../../services/downloads.service.js";
import type { SandboxControl } from "../../services/sandbox-control.service.js";
import type { ProductView } from "../../services/products.service.js";
import { toApplicantView, toShipmentView, type ApplicantView, type ShipmentView } from "../../loaders.js";
import { NotFoundError } from "../../errors/index.js";
import { Product } from "../product/product.type.js";
import { Applicant } from "../applicant/applicant.type.js";
import { Shipment } from "../shipment/shipment.type.js";
import { SignatureRequest } from "./signature-request.type.js";
import { SignatureRequestFilter } from "./signature-request-filter.input.js";
import { DownloadUrl, SandboxClock, SignatureRequestConnection } from "./signature-request-connection.type.js";
import { FileInput, PlaceOrderInput } from "./place-order.input.js";

export interface SignatureRequestResolverDeps {
  orders: OrderService;
  queries: RequestQueryService;
  downloads: DownloadService;
  sandbox: SandboxControl;
}

@Resolver(() => SignatureRequest)
export class SignatureRequestResolver {
  constructor(private readonly deps: SignatureRequestResolverDeps) {}

  @Query(() => SignatureRequest, { description: "One of the caller's requests; NOT_FOUND otherwise." })
  async signatureRequest(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<RequestView> {
    const view = await this.deps.queries.get(requireTenant(ctx), id);
    if (view === null) throw new NotFoundError("signature request", id);
    return view;
  }

  @Query(() => SignatureRequestConnection, { description: "The caller's requests, newest first (Relay pagination)." })
  async signatureRequests(
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => SignatureRequestFilter, { nullable: true }) filter: SignatureRequestFilter | null,
    @Ctx() ctx: Context,
  ) {
    return this.deps.queries.list(requireTenant(ctx), first, after, filter ?? {});
  }

  @Mutation(() => SignatureRequest, {
    description:
      "Orders a device or service. Idempotent per idempotencyKey: the same key and input return the same request; a different input answers IDEMPOTENCY_CONFLICT. SUBMITTING means upstream's answer is pending: the gateway settles it.",
  })
  async placeOrder(
    @Arg("input", () => PlaceOrderInput) input: PlaceOrderInput,
    @Arg("idempotencyKey", () => String) idempotencyKey: string,
    @Ctx() ctx: Context,
  ): Promise<RequestView> {
    const placed = await this.deps.orders.placeOrder(requireTenant(ctx), input as never, idempotencyKey);
    // What the order has just stored is handed to the loaders rather than read back.
    const loaders = requireLoaders(ctx);
    if (placed.applicant) loaders.applicant.prime(placed.applicant._id.toHexString(), toApplicantView(placed.applicant));
    if (placed.shipment) loaders.shipment.prime(placed.shipment._id.toHexString(), toShipmentView(placed.shipment));
    return toRequestView(placed.request);
  }

  @Mutation(() => SignatureRequest, { description: "Uploads the signed registration form and/or the ID document (base64, 3 MiB each at most once decoded)." })
  async uploadIdentificationDocuments(
    @Arg("requestId", () => ID) requestId: string,
    @Arg("signedForm", () => FileInput, { nullable: true }) signedForm: FileInput | null,
    @Arg("idDocument", () => FileInput, { nullable: true }) idDocument: FileInput | null,
    @Ctx() ctx: Context,
  ): Promise<RequestView> {
    return toRequestView(await this.deps.orders.uploadDocuments(requireTenant(ctx), requestId, { signedForm, idDocument }));
  }

  @Mutation(() => SignatureRequest, { description: "Switches identification to a video call (upstream's VIDEORIC)." })
  async requestVideoRecognition(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: Context): Promise<RequestView> {
    return toRequestView(await this.deps.orders.requestVideoRecognition(requireTenant(ctx), requestId));
  }

  @Mutation(() => SignatureRequest, { description: "Reads the request from upstream now." })
  async refreshSignatureRequest(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<RequestView> {
    return toRequestView(await this.deps.orders.refresh(requireTenant(ctx), id));
  }

  @Mutation(() => DownloadUrl, { description: "A signed link, valid a few minutes, to the registration form to print and sign." })
  async registrationFormUrl(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: Context): Promise<DownloadUrl> {
    const tenant = requireTenant(ctx);
    const request = await this.deps.orders.owned(tenant, requestId);
    return this.deps.downloads.formUrl(tenant, request);
  }

  @Mutation(() => SandboxClock, { description: "Test keys only: moves the caller's sandbox clock forward and returns once every change it caused is stored." })
  async advanceSandboxClock(@Arg("seconds", () => Int) seconds: number, @Ctx() ctx: Context): Promise<SandboxClock> {
    return this.deps.sandbox.advance(requireTenant(ctx), seconds);
  }

  @FieldResolver(() => Product, { nullable: true })
  product(@Root() request: RequestView, @Ctx() ctx: Context): ProductView | null | Promise<ProductView | null> {
    return requireLoaders(ctx).productOf(request.productMode, request.productCode);
  }

  @FieldResolver(() => Applicant, { nullable: true })
  applicant(@Root() request: RequestView, @Ctx() ctx: Context): ApplicantView | null | Promise<ApplicantView | null> {
    return request.applicantId ? requireLoaders(ctx).applicantOf(request.applicantId) : null;
  }

  @FieldResolver(() => Shipment, { nullable: true })
  shipment(@Root() request: RequestView, @Ctx() ctx: Context): ShipmentView | null | Promise<ShipmentView | null> {
    return request.shipmentId ? requireLoaders(ctx).shipmentOf(request.shipmentId) : null;
  }
}
