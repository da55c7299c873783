import type { Router } from "express";
import type mongoose from "mongoose";
import type { Logger } from "pino";
import { CallbackDispatcher } from "./callbacks/index.js";
import { createSandboxRouter, type SandboxTenant } from "./http/index.js";
import { sandboxAccountModel, sandboxCallbackModel, sandboxRequestModel } from "./models/index.js";
import { SandboxService } from "./service/index.js";
import { SandboxControls } from "./service/sandbox-controls.js";
import { InboxRecorder, sandboxMailModel } from "./inbox/index.js";
import type { SandboxCipher } from "./sandbox-cipher.js";

export interface SandboxOptions {
  /** The sandbox's own collections (`sandbox_*`) live on this connection. */
  connection: mongoose.Connection;
  /** API key → tenant (the gateway's tenants); null for an unknown key. */
  resolveTenant(bearerToken: string): Promise<SandboxTenant | null>;
  logger: Logger;
  /** Seals applicants' tax codes, document numbers and stored callback bodies at rest. */
  cipher: SandboxCipher;
  /** Real time source; tenant clocks add their offset to it. */
  now?: () => Date;
  /** Period of the background ticker that applies steps made due by real time; 0 turns it off. */
  tickMs?: number;
  callbackTimeoutMs?: number;
  /** Retries after a callback's first failed attempt. */
  callbackRetries?: number;
  /** Delay before the first retry; doubles each time. */
  callbackBackoffMs?: number;
  /** Lets callbacks reach loopback/private addresses (tests, local development). */
  allowPrivateCallbackTargets?: boolean;
  /** How long `timeout_rate` withholds an answer (default 30 s, longer than usual client timeouts). */
  faultHoldMs?: number;
  /** Random source of fault injection (default Math.random). */
  random?: () => number;
}

export interface Sandbox {
  router: Router;
  /** Starts the ticker and resumes callback retries left pending by a previous process. */
  start(): void;
  /** Stops the ticker and retries, releases withheld answers, waits for work in flight. */
  stop(): Promise<void>;
  /** The behaviour behind the routes (tests, the gateway's own tooling). */
  service: SandboxService;
}

/** Builds the sandbox: models on the given connection, the service, its router and its ticker. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const logger = options.logger.child({ component: "sandbox" });
  const now = options.now ?? (() => new Date());
  const dispatcher = new CallbackDispatcher({
    model: sandboxCallbackModel(options.connection),
    logger,
    now,
    timeoutMs: options.callbackTimeoutMs ?? 5_000,
    retries: options.callbackRetries ?? 5,
    backoffMs: options.callbackBackoffMs ?? 2_000,
    allowPrivateTargets: options.allowPrivateCallbackTargets ?? false,
    cipher: options.cipher,
  });
  const inbox = new InboxRecorder(sandboxMailModel(options.connection), options.cipher);
  const service = new SandboxService({
    requests: sandboxRequestModel(options.connection),
    accounts: sandboxAccountModel(options.connection),
    dispatcher,
    logger,
    now,
    cipher: options.cipher,
    inbox,
  });
  const controls = new SandboxControls({
    service,
    requests: sandboxRequestModel(options.connection),
    accounts: sandboxAccountModel(options.connection),
    callbacks: sandboxCallbackModel(options.connection),
    dispatcher,
    inbox,
  });
  const { router, release } = createSandboxRouter({
    service,
    resolveTenant: (token) => options.resolveTenant(token),
    logger,
    holdMs: options.faultHoldMs ?? 30_000,
    random: options.random ?? Math.random,
    controls,
    inbox,
  });
  const tickMs = options.tickMs ?? 1_000;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<unknown> = Promise.resolve();

  return {
    router,
    service,
    start() {
      if (timer !== null) return;
      void dispatcher.resume().catch((err: unknown) => logger.error({ err }, "sandbox: resuming callbacks failed"));
      if (tickMs > 0) {
        let busy = false;
        timer = setInterval(() => {
          // A slow tick (many due requests, slow callback targets) must not pile up behind itself.
          if (busy) return;
          busy = true;
          ticking = service
            .tick()
            .catch((err: unknown) => logger.error({ err }, "sandbox: tick failed"))
            .finally(() => {
              busy = false;
            });
        }, tickMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      release();
      await ticking;
      await dispatcher.stop();
    },
  };
}
