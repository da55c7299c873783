import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Context, requireTenant } from "../../context.js";
import type {
  ForcedOutcomesView,
  SandboxAdmin,
  SandboxCallbackView,
  SandboxFaultsView,
  SandboxMailView,
  SandboxResetView,
  SandboxStateView,
} from "../../services/sandbox-admin.service.js";
import { Money } from "../common/money.type.js";
import { AdvanceSandboxClockInput, SandboxFaultsInput } from "./sandbox.input.js";
import {
  SandboxCallback,
  SandboxClockAdvance,
  SandboxFaults,
  SandboxForcedOutcomes,
  SandboxMail,
  SandboxOutcome,
  SandboxResetResult,
  SandboxState,
} from "./sandbox.type.js";

/** Every sandbox control as GraphQL (test keys only: a live key gets FORBIDDEN). */
@Resolver(() => SandboxMail)
export class SandboxResolver {
  constructor(private readonly admin: SandboxAdmin) {}

  @Query(() => SandboxState, { description: "Test keys only: clock (with the upcoming transitions), wallet and fault settings." })
  sandbox(@Ctx() ctx: Context): Promise<SandboxStateView> {
    return this.admin.state(requireTenant(ctx));
  }

  @Query(() => [SandboxCallback], { description: "Test keys only: the callbacks the sandbox sent for a request, oldest first, with body, answers and attempts." })
  sandboxCallbacks(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: Context): Promise<SandboxCallbackView[]> {
    return this.admin.callbacks(requireTenant(ctx), requestId);
  }

  @Query(() => [SandboxMail], { description: "Test keys only: the e-mails the request's applicant would have received, oldest first. Nothing is sent." })
  sandboxInbox(@Arg("requestId", () => ID) requestId: string, @Ctx() ctx: Context): Promise<SandboxMailView[]> {
    return this.admin.inbox(requireTenant(ctx), requestId);
  }

  @Mutation(() => SandboxFaults, { description: "Test keys only: changes the given fault settings." })
  setSandboxFaults(@Arg("input", () => SandboxFaultsInput) input: SandboxFaultsInput, @Ctx() ctx: Context): Promise<SandboxFaultsView> {
    return this.admin.setFaults(requireTenant(ctx), { errorRate: input.errorRate, timeoutRate: input.timeoutRate, dropCallbacks: input.dropCallbacks, spidSoldOut: input.spidSoldOut });
  }

  @Mutation(() => Money, { description: "Test keys only: sets the sandbox wallet's balance (0 to 10,000,000.00 EUR)." })
  setSandboxWallet(@Arg("balanceCents", () => Int) balanceCents: number, @Ctx() ctx: Context): Promise<{ amountCents: number; currency: string }> {
    return this.admin.setWallet(requireTenant(ctx), balanceCents);
  }

  @Mutation(() => SandboxClockAdvance, {
    description: "Test keys only: moves the sandbox clock by seconds, business days or hours, or to the next scheduled transition; returns once every change it caused is stored and called back.",
  })
  advanceSandboxClockBy(@Arg("input", () => AdvanceSandboxClockInput) input: AdvanceSandboxClockInput, @Ctx() ctx: Context): Promise<{ now: Date; transitions: number }> {
    return this.admin.advance(requireTenant(ctx), { seconds: input.seconds, businessDays: input.businessDays, businessHours: input.businessHours, toNextTransition: input.toNextTransition });
  }

  @Mutation(() => SandboxForcedOutcomes, {
    description: "Test keys only: forces the request's next outcome (BAD_USER_INPUT at `outcome` when it cannot apply now, e.g. VIDEO_FAILED on an officer identification). NORMAL clears them.",
  })
  forceSandboxOutcome(
    @Arg("requestId", () => ID) requestId: string,
    @Arg("outcome", () => SandboxOutcome) outcome: SandboxOutcome,
    @Ctx() ctx: Context,
  ): Promise<ForcedOutcomesView> {
    return this.admin.force(requireTenant(ctx), requestId, outcome);
  }

  @Mutation(() => SandboxCallback, { description: "Test keys only: sends a callback's body again, as a new delivery with its own attempts." })
  resendSandboxCallback(@Arg("callbackId", () => ID) callbackId: string, @Ctx() ctx: Context): Promise<SandboxCallbackView> {
    return this.admin.resend(requireTenant(ctx), callbackId);
  }

  @Mutation(() => SandboxResetResult, {
    description:
      "Test keys only, with confirm: true. Forgets the tenant's sandbox requests, callbacks and inbox (wallet, clock and faults back to new) and the gateway's requests, status events, webhook deliveries and SPID vouchers of the tenant. API keys and webhook endpoints stay; feed cursors stay valid.",
  })
  resetSandbox(@Arg("confirm", () => Boolean) confirm: boolean, @Ctx() ctx: Context): Promise<SandboxResetView> {
    return this.admin.reset(requireTenant(ctx), confirm);
  }

  @FieldResolver(() => String, { nullable: true, description: "The ENVELOPE mail's PDF (base64): fake activation codes marked SANDBOX DATA. Null for other mails." })
  async envelopePdfBase64(@Root() mail: SandboxMailView, @Ctx() ctx: Context): Promise<string | null> {
    return mail.hasEnvelope ? this.admin.envelopePdf(requireTenant(ctx), mail.id) : null;
  }
}
