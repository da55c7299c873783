import type { Request, Response, Router } from "express";
import type { InboxRecorder } from "../inbox/index.js";
import type { SandboxCallbackDoc } from "../models/index.js";
import { isSandboxError, type SandboxError } from "../sandbox-error.js";
import { FORCED_OUTCOMES, type AdvanceBy, type ForcedOutcome, type SandboxControls } from "../service/sandbox-controls.js";
import { MAX_ADVANCE_SECONDS, isObjectIdHex } from "../service/index.js";
import { HttpErrors } from "./envelope.js";

/** What a control handler answers (the router's Reply, restated to keep this file independent). */
export type ControlReply = { kind: "data"; data: unknown } | { kind: "error"; err: SandboxError } | { kind: "pdf"; bytes: Uint8Array };

type Wrap = (handler: (req: Request, tenantId: string) => Promise<ControlReply>) => (req: Request, res: Response) => Promise<void>;

/** The most business days or hours one advance may cover. */
export const MAX_BUSINESS_DAYS = 2_000;
export const MAX_BUSINESS_HOURS = 20_000;

/**
 * The `_`-prefixed control endpoints added for the dashboard and scripts: the schedule, advances by
 * business time or to the next transition, forced outcomes, callback resends, the reset and the
 * applicant's inbox. `control` authenticates and never injects faults.
 */
export function registerControlRoutes(
  router: Router,
  control: Wrap,
  deps: { controls: SandboxControls; inbox: InboxRecorder; deliveryView(d: SandboxCallbackDoc): Record<string, unknown> },
): void {
  const { controls, inbox } = deps;
  router.get("/_clock", control(async (_req, tenantId) => ({ kind: "data", data: await controls.clock(tenantId) })));
  router.post(
    "/_clock/advance",
    control(async (req, tenantId) => {
      const by = parseAdvance(req.body);
      if (isSandboxError(by)) return fail(by);
      return result(await controls.advance(tenantId, by));
    }),
  );
  router.get("/_requests/:id", control(async (req, tenantId) => result(await controls.detail(tenantId, String(req.params.id)))));
  router.post(
    "/_requests/:id/force",
    control(async (req, tenantId) => {
      const outcome = (req.body as { outcome?: unknown } | undefined)?.outcome;
      if (typeof outcome !== "string" || !(FORCED_OUTCOMES as readonly string[]).includes(outcome)) {
        return fail(HttpErrors.badControl(`outcome: expected one of ${FORCED_OUTCOMES.join(", ")}, got ${JSON.stringify(outcome ?? null)}`));
      }
      return result(await controls.force(tenantId, String(req.params.id), outcome as ForcedOutcome));
    }),
  );
  router.post(
    "/_callbacks/:id/resend",
    control(async (req, tenantId) => {
      const resent = await controls.resend(tenantId, String(req.params.id));
      return isSandboxError(resent) ? fail(resent) : { kind: "data", data: deps.deliveryView(resent) };
    }),
  );
  router.post("/_reset", control(async (_req, tenantId) => ({ kind: "data", data: await controls.reset(tenantId) })));
  router.get(
    "/_inbox",
    control(async (req, tenantId) => {
      const id = req.query.id;
      if (id !== undefined && (typeof id !== "string" || !isObjectIdHex(id))) {
        return fail(HttpErrors.badControl(`id: expected a 24-hex request id, got ${JSON.stringify(id)}`));
      }
      return { kind: "data", data: await inbox.list(tenantId, id) };
    }),
  );
  router.get(
    "/_inbox/:mailId/envelope.pdf",
    control(async (req, tenantId) => {
      const mailId = String(req.params.mailId);
      const mails = isObjectIdHex(mailId) ? await inbox.list(tenantId) : [];
      const mail = mails.find((m) => m.id === mailId);
      const request = mail === undefined ? null : await controls.request(tenantId, mail.request_id);
      const pdf = mail === undefined ? null : await inbox.envelopePdf(tenantId, mailId, request);
      return pdf === null ? fail(HttpErrors.missing(`mailId: no envelope ${mailId}`)) : { kind: "pdf", bytes: pdf };
    }),
  );
}

/** `{seconds}`, `{business_days}`, `{business_hours}` or `{to: "next_transition"}`: exactly one. */
export function parseAdvance(body: unknown): AdvanceBy | SandboxError {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return HttpErrors.badControl("body: expected a JSON object with seconds, business_days, business_hours or to");
  }
  const b = body as Record<string, unknown>;
  const keys = Object.keys(b);
  if (keys.length !== 1) return HttpErrors.badControl("body: expected exactly one of seconds, business_days, business_hours or to");
  const key = keys[0] as string;
  const value = b[key];
  switch (key) {
    case "seconds":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_ADVANCE_SECONDS) {
        return HttpErrors.badControl(`seconds: expected an integer from 1 to ${MAX_ADVANCE_SECONDS}, got ${JSON.stringify(value)}`);
      }
      return { seconds: value };
    case "business_days":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_BUSINESS_DAYS) {
        return HttpErrors.badControl(`business_days: expected an integer from 1 to ${MAX_BUSINESS_DAYS}, got ${JSON.stringify(value)}`);
      }
      return { business_days: value };
    case "business_hours":
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_BUSINESS_HOURS) {
        return HttpErrors.badControl(`business_hours: expected a number above 0 and at most ${MAX_BUSINESS_HOURS}, got ${JSON.stringify(value)}`);
      }
      return { business_hours: value };
    case "to":
      if (value !== "next_transition") return HttpErrors.badControl(`to: expected "next_transition", got ${JSON.stringify(value)}`);
      return { to: "next_transition" };
    default:
      return HttpErrors.badControl(`${key}: unknown setting, expected seconds, business_days, business_hours or to`);
  }
}

function result(value: unknown): ControlReply {
  return isSandboxError(value) ? { kind: "error", err: value } : { kind: "data", data: value };
}

function fail(err: SandboxError): ControlReply {
  return { kind: "error", err };
}
