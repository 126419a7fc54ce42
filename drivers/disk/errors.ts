/*
 * Mistakes a user can make in a disk's configuration (boot script, model
 * file, image path): errors the command line prints without a stack.
 *   fail(message)   throw a user-facing error naming the cause
 */

export function fail(message: string): never {
  throw Object.assign(new Error(message), { userFacing: true });
}
