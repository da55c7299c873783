import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import { prodotti } from "../catalogue/index.js";
import type { InboxRecorder } from "../inbox/index.js";
import type { SandboxControls } from "../service/sandbox-controls.js";
import { registerControlRoutes } from "./controls.routes.js";
import { faultsOf, type FaultSettings, type SandboxAccountDoc, type SandboxCallbackDoc } from "../models/index.js";
import { isSandboxError, type SandboxError } from "../sandbox-error.js";
import { isObjectIdHex, type SandboxService } from "../service/index.js";
import { HttpErrors, sendData, sendError, sendTextError } from "./envelope.js";

/** Who is calling, as the gateway's tenants know them. */
export interface SandboxTenant {
  tenantId: string;
  mode: "TEST" | "LIVE";
}

export interface SandboxRouterOptions {
  service: SandboxService;
  resolveTenant(bearerToken: string): Promise<SandboxTenant | null>;
  logger: Logger;
  /** How long a response chosen by `timeout_rate` is withheld (unless the client leaves first). */
  holdMs: number;
  /** Random source for fault injection (tests replace it). */
  random: () => number;
  /** Schedule, forced outcomes, resends, reset and inbox (the dashboard's controls). */
  controls: SandboxControls;
  inbox: InboxRecorder;
}

/** What a handler produced; `respond` sends it, or withholds it under an injected timeout. */
type Reply =
  | { kind: "data"; data: unknown }
  | { kind: "error"; err: SandboxError }
  | { kind: "text-error"; err: SandboxError }
  | { kind: "pdf"; bytes: Uint8Array };

/** `account`: the tenant's sandbox account when the route read it for its fault check. */
type Handler = (req: Request, tenantId: string, account?: SandboxAccountDoc) => Promise<Reply>;

/** Body limit: documents arrive base64-encoded inside JSON. */
export const BODY_LIMIT = "25mb";

/**
 * The sandbox's routes, relative to where the gateway mounts them (`/sandbox`): the upstream's
 * paths with its envelope, plus the `_`-prefixed control endpoints (clock, wallet, faults,
 * callback log), which fault injection never touches. Returns the router and a `release` that
 * lets withheld responses go (for shutdown).
 */
export function createSandboxRouter(options: SandboxRouterOptions): { router: Router; release(): void } {
  const { service, logger } = options;
  const router = express.Router();
  const held = new Set<() => void>();

  router.use(express.json({ limit: BODY_LIMIT }));

  const authed =
    (handler: Handler, faulty: boolean) =>
    async (req: Request, res: Response): Promise<void> => {
      const tenant = await authenticate(req, options.resolveTenant);
      if (isSandboxError(tenant)) return sendError(res, tenant);
      let hold = false;
      let account: SandboxAccountDoc | undefined;
      if (faulty) {
        account = await service.account(tenant.tenantId);
        const faults = faultsOf(account);
        const r = options.random();
        if (r < faults.error_rate) return sendError(res, HttpErrors.injected());
        hold = r < faults.error_rate + faults.timeout_rate;
      }
      const reply = await handler(req, tenant.tenantId, account);
      if (hold) {
        // The call took effect; only its answer is late, the case idempotent clients must handle.
        const closed = await withhold(res, options.holdMs, held);
        if (closed) return;
      }
      send(res, reply);
    };

  const api = (h: Handler): ReturnType<typeof authed> => authed(h, true);
  const control = (h: Handler): ReturnType<typeof authed> => authed(h, false);

  // All 26 products, SPID_PER included (sold through /spid_personale, not /richiesta).
  router.get("/prodotti", api(async () => ({ kind: "data", data: prodotti })));
  router.get(
    "/spid_personale",
    api(async (_req, tenantId) => result(await service.spidVoucher(tenantId))),
  );
  router.get(
    "/richiesta",
    api(async (req, tenantId) => {
      const code = typeof req.query.codice_prodotto === "string" ? req.query.codice_prodotto : undefined;
      return result(await service.list(tenantId, code));
    }),
  );
  router.post(
    "/richiesta/:code",
    api(async (req, tenantId, account) => result(await service.order(tenantId, String(req.params.code), req.body, account))),
  );
  router.get(
    "/richiesta/:id",
    api(async (req, tenantId) => result(await service.get(tenantId, String(req.params.id)))),
  );
  router.patch(
    "/richiesta/:id",
    api(async (req, tenantId) => result(await service.patch(tenantId, String(req.params.id), req.body))),
  );
  router.get(
    "/richiesta/:id/modulo",
    api(async (req, tenantId) => {
      const pdf = await service.modulo(tenantId, String(req.params.id));
      return isSandboxError(pdf) ? { kind: "text-error", err: pdf } : { kind: "pdf", bytes: pdf };
    }),
  );

  registerControlRoutes(router, control, { controls: options.controls, inbox: options.inbox, deliveryView });
  router.get("/_wallet", control(async (_req, tenantId) => ({ kind: "data", data: await service.wallet(tenantId) })));
  router.put(
    "/_wallet",
    control(async (req, tenantId) => {
      const balance = (req.body as { balance?: unknown } | undefined)?.balance;
      if (typeof balance !== "number" || !Number.isFinite(balance) || balance < 0 || balance > 1_000_000_000) {
        return fail(
          HttpErrors.badControl(`balance: expected a number from 0 to 1000000000, got ${JSON.stringify(balance ?? null)}`),
        );
      }
      return { kind: "data", data: await service.setWallet(tenantId, balance) };
    }),
  );
  router.get("/_faults", control(async (_req, tenantId) => ({ kind: "data", data: await service.faults(tenantId) })));
  router.put(
    "/_faults",
    control(async (req, tenantId) => {
      const patch = parseFaults(req.body);
      if (isSandboxError(patch)) return fail(patch);
      const current = await service.faults(tenantId);
      const merged = { ...current, ...patch };
      if (merged.error_rate + merged.timeout_rate > 1) {
        return fail(HttpErrors.badControl("error_rate + timeout_rate: expected at most 1"));
      }
      return { kind: "data", data: await service.setFaults(tenantId, patch) };
    }),
  );
  router.get(
    "/_callbacks",
    control(async (req, tenantId) => {
      const id = req.query.id;
      if (id !== undefined && (typeof id !== "string" || !isObjectIdHex(id))) {
        return fail(HttpErrors.badControl(`id: expected a 24-hex request id, got ${JSON.stringify(id)}`));
      }
      const log = await service.callbacks(tenantId, id);
      return { kind: "data", data: log.map(deliveryView) };
    }),
  );

  router.use((req: Request, res: Response) => sendError(res, HttpErrors.notFound(req.method, req.path)));

  // Express 5 sends async handler rejections and body-parser failures here.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: string } | null)?.type;
    if (res.headersSent) return;
    if (type === "entity.parse.failed") return sendError(res, HttpErrors.malformedJson());
    if (type === "entity.too.large") return sendError(res, HttpErrors.tooLarge());
    logger.error({ err, method: req.method, path: req.path }, "sandbox: unexpected error");
    sendError(res, HttpErrors.internal());
  });

  return {
    router,
    release() {
      for (const go of [...held]) go();
    },
  };
}

async function authenticate(
  req: Request,
  resolveTenant: SandboxRouterOptions["resolveTenant"],
): Promise<SandboxTenant | SandboxError> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  if (match === null) return HttpErrors.unauthorized();
  const tenant = await resolveTenant(match[1] as string);
  if (tenant === null) return HttpErrors.unauthorized();
  if (tenant.mode !== "TEST") return HttpErrors.liveKey();
  return tenant;
}

function result(value: unknown): Reply {
  return isSandboxError(value) ? { kind: "error", err: value } : { kind: "data", data: value };
}

function fail(err: SandboxError): Reply {
  return { kind: "error", err };
}

function send(res: Response, reply: Reply): void {
  switch (reply.kind) {
    case "data":
      return sendData(res, reply.data);
    case "error":
      return sendError(res, reply.err);
    case "text-error":
      return sendTextError(res, reply.err);
    case "pdf":
      res.status(200).type("application/pdf").send(Buffer.from(reply.bytes));
      return;
    default: {
      const never: never = reply;
      throw new Error(`unexpected reply ${JSON.stringify(never)}`);
    }
  }
}

/** Waits `ms` or until the client hangs up; true when it hung up (nothing left to send). */
function withhold(res: Response, ms: number, held: Set<() => void>): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      res.off("close", onClose);
      held.delete(release);
      resolve(closed);
    };
    const onClose = (): void => done(true);
    const release = (): void => done(false);
    const timer = setTimeout(() => done(false), ms);
    res.on("close", onClose);
    held.add(release);
  });
}

function parseFaults(body: unknown): Partial<FaultSettings> | SandboxError {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return HttpErrors.badControl("body: expected a JSON object with error_rate, timeout_rate and/or drop_callbacks");
  }
  const out: Partial<FaultSettings> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    switch (key) {
      case "error_rate":
      case "timeout_rate":
        if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
          return HttpErrors.badControl(`${key}: expected a number from 0 to 1, got ${JSON.stringify(value)}`);
        }
        out[key] = value;
        break;
      case "drop_callbacks":
      case "spid_sold_out":
        if (typeof value !== "boolean") {
          return HttpErrors.badControl(`${key}: expected a boolean, got ${JSON.stringify(value)}`);
        }
        out[key] = value;
        break;
      default:
        return HttpErrors.badControl(`${key}: unknown setting, expected error_rate, timeout_rate, drop_callbacks or spid_sold_out`);
    }
  }
  return out;
}

export function deliveryView(d: SandboxCallbackDoc): Record<string, unknown> {
  return {
    id: d._id.toHexString(),
    request_id: d.requestId,
    codice_richiesta: d.codice_richiesta,
    stato: d.stato,
    changed_at: d.changedAt.toISOString(),
    url: d.url,
    method: d.method,
    field: d.field,
    content_type: d.contentType,
    body: d.body,
    state: d.state,
    reason: d.reason,
    attempts: d.attempts.map((a) => ({
      at: a.at.toISOString(),
      status: a.status,
      error: a.error,
      duration_ms: a.durationMs,
    })),
    next_attempt_at: d.nextAttemptAt === null ? null : d.nextAttemptAt.toISOString(),
  };
}
