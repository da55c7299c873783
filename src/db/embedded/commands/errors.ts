import type { Doc } from "../storage/values.js";

/** MongoDB server error codes this engine answers with. */
export const ErrorCode = {
  BadValue: { code: 2, codeName: "BadValue" },
  FailedToParse: { code: 9, codeName: "FailedToParse" },
  Unauthorized: { code: 13, codeName: "Unauthorized" },
  TypeMismatch: { code: 14, codeName: "TypeMismatch" },
  IllegalOperation: { code: 20, codeName: "IllegalOperation" },
  NamespaceNotFound: { code: 26, codeName: "NamespaceNotFound" },
  IndexNotFound: { code: 27, codeName: "IndexNotFound" },
  ConflictingUpdateOperators: { code: 40, codeName: "ConflictingUpdateOperators" },
  CursorNotFound: { code: 43, codeName: "CursorNotFound" },
  NamespaceExists: { code: 48, codeName: "NamespaceExists" },
  CommandNotFound: { code: 59, codeName: "CommandNotFound" },
  ImmutableField: { code: 66, codeName: "ImmutableField" },
  CannotCreateIndex: { code: 67, codeName: "CannotCreateIndex" },
  InvalidNamespace: { code: 73, codeName: "InvalidNamespace" },
  IndexOptionsConflict: { code: 85, codeName: "IndexOptionsConflict" },
  IndexKeySpecsConflict: { code: 86, codeName: "IndexKeySpecsConflict" },
  InvalidOptions: { code: 72, codeName: "InvalidOptions" },
  DuplicateKey: { code: 11000, codeName: "DuplicateKey" },
  BSONObjectTooLarge: { code: 10334, codeName: "BSONObjectTooLarge" },
  InternalError: { code: 1, codeName: "InternalError" },
  MissingDb: { code: 40414, codeName: "Location40414" },
  UnknownField: { code: 40415, codeName: "Location40415" },
  CommandNotSupported: { code: 115, codeName: "CommandNotSupported" },
  NotImplemented: { code: 238, codeName: "NotImplemented" },
  DollarPrefixedFieldName: { code: 52, codeName: "DollarPrefixedFieldName" },
  DocumentValidationFailure: { code: 121, codeName: "DocumentValidationFailure" },
  QueryFeatureNotAllowed: { code: 224, codeName: "QueryFeatureNotAllowed" },
} as const;

export type ErrorKind = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A command failure carried to the client as {ok:0, errmsg, code, codeName, ...extra}. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly extra: Doc = {},
  ) {
    super(message);
  }

  get code(): number {
    return this.kind.code;
  }

  /** The error as a reply document. */
  toReply(): Doc {
    return { ok: 0, errmsg: this.message, code: this.kind.code, codeName: this.kind.codeName, ...this.extra };
  }

  /** The error as a writeErrors entry. */
  toWriteError(index: number): Doc {
    return { index, code: this.kind.code, errmsg: this.message, ...this.extra };
  }
}

/** Wraps errors thrown by mingo (bad operators, bad expressions) as BadValue. */
export function asCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new CommandError(ErrorCode.BadValue, msg);
}
