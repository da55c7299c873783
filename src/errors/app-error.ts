import { GraphQLError } from "graphql";

/** The error codes clients match on (`extensions.code`); messages are for humans and may change. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "IDEMPOTENCY_CONFLICT"
  | "UPSTREAM_REJECTED"
  | "UPSTREAM_UNAVAILABLE"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR"
  | "QUERY_TOO_DEEP"
  | "QUERY_TOO_COMPLEX"
  | "TOO_MANY_ALIASES"
  | "TOO_MANY_ROOT_FIELDS"
  | "INTROSPECTION_DISABLED"
  | "CURSOR_EXPIRED";

/** Base of every error the gateway raises on purpose: the code is the contract, the class the mechanism. */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = "a valid API key is required: send `Authorization: Bearer <key>`", extensions: Record<string, unknown> = {}) {
    super("UNAUTHENTICATED", message, extensions);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super("FORBIDDEN", message, extensions);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super("NOT_FOUND", `${what} ${JSON.stringify(id)} was not found`);
  }
}

/** One invalid field: `path` is the input path (e.g. `input.applicant.taxCode`). */
export interface FieldProblem {
  path: string;
  message: string;
}

export class BadUserInputError extends AppError {
  constructor(
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super("BAD_USER_INPUT", message, { fields });
  }
}

export class IdempotencyConflictError extends AppError {
  constructor(key: string) {
    super(
      "IDEMPOTENCY_CONFLICT",
      `idempotency key ${JSON.stringify(key)} was already used with a different input`,
    );
  }
}

/** A feed cursor older than the event log's retention: the events after it are gone, so replay from it would skip some. */
export class CursorExpiredError extends AppError {
  constructor(path: string, retentionDays: number | null) {
    super(
      "CURSOR_EXPIRED",
      `${path}: the events after this cursor are past the event log's retention${retentionDays === null ? "" : ` (${retentionDays} days)`}; resubscribe without \`after\` and reload the current state`,
      { path, ...(retentionDays === null ? {} : { retentionDays }) },
    );
  }
}
