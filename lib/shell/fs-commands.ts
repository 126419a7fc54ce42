/*
 * The file commands of the language (mkdir, write, cat, ls, ...), as system
 * calls to the file system server. Until the FS call layer lands they report
 * ENOSYS.
 *   fsCommands   name -> implementation
 */
import type { CommandImpl } from './run.js';

export const fsCommands: Readonly<Record<string, CommandImpl>> = {};
