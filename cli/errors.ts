/*
 * Errors a user can cause, and their exit codes (DESIGN §6).
 *   UsageError       bad usage or bad input (exit 2); `where` is file:line:column
 *   OperationError   the operation failed (exit 1)
 *   formatError(e)   one line for the user, a stack only with --debug
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class OperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OperationError';
  }
}

/** Any error type with a `userFacing` flag counts as a user's mistake (parsers throw these). */
export interface UserFacingError extends Error {
  readonly userFacing: true;
  readonly exitCode?: number;
}

function isUserFacing(err: unknown): err is UserFacingError {
  return err instanceof Error && (err as Partial<UserFacingError>).userFacing === true;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof OperationError) return 1;
  if (isUserFacing(err)) return err.exitCode ?? 2;
  return 1;
}

export function formatError(err: unknown, debug: boolean): string {
  if (!(err instanceof Error)) return `mksim: ${String(err)}`;
  const known = err instanceof UsageError || err instanceof OperationError || isUserFacing(err);
  if (debug) return `mksim: ${err.stack ?? err.message}`;
  return known ? `mksim: ${err.message}` : `mksim: internal error: ${err.message} (run with --debug for the stack)`;
}
