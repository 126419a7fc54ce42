/*
 * Errors inside the FS server.
 *   FsError(errno, message)   a request fails with this errno; the message names the inode or block
 *   corrupt(message)          the image is inconsistent (EIO): a bad pointer, a loop, a bad entry
 * Handlers throw these from any depth; the call table's guard turns them
 * into an FS_REPLY with the status and the message, and the server goes on.
 */
import { EIO } from '../../kernel/index.js';

export class FsError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
    this.name = 'FsError';
  }
}

export function corrupt(message: string): FsError {
  return new FsError(EIO, `corrupt file system: ${message}`);
}
