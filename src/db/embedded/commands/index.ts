import type { Doc } from "../storage/values.js";
import { adminCommands } from "./admin.commands.js";
import { aggregateCommands } from "./aggregate.commands.js";
import type { CommandContext, CommandHandler } from "./context.js";
import { crudCommands } from "./crud.commands.js";
import { CommandError, ErrorCode, asCommandError } from "./errors.js";
import { checkCommandOptions } from "./options.js";

export { CursorStore, type CommandContext } from "./context.js";
export { CommandError, ErrorCode } from "./errors.js";

const HANDLERS: Record<string, CommandHandler> = { ...adminCommands, ...crudCommands, ...aggregateCommands };

const TRANSACTION_COMMANDS = new Set(["commitTransaction", "abortTransaction"]);

const NO_TRANSACTIONS = "transactions are not supported by the embedded engine";

/** Runs one command and returns its reply document; never throws. */
export function runCommand(cmd: Doc, ctx: CommandContext): Doc {
  const name = Object.keys(cmd)[0];
  try {
    if (!name) throw new CommandError(ErrorCode.FailedToParse, "empty command document");
    // A driver only sends these inside a transaction; answering ok would fake atomicity we lack.
    if (TRANSACTION_COMMANDS.has(name) || cmd["startTransaction"] !== undefined || cmd["autocommit"] !== undefined) {
      throw new CommandError(ErrorCode.IllegalOperation, NO_TRANSACTIONS);
    }
    if (typeof cmd["$db"] !== "string") {
      throw new CommandError(ErrorCode.MissingDb, "BSON field 'OperationRequest.$db' is missing but a required field");
    }
    const handler = Object.prototype.hasOwnProperty.call(HANDLERS, name) ? HANDLERS[name] : undefined;
    if (!handler) throw new CommandError(ErrorCode.CommandNotFound, `no such command: '${name}'`);
    checkCommandOptions(name, cmd);
    return handler(cmd, ctx);
  } catch (err) {
    return asCommandError(err).toReply();
  }
}
