/*
 * The built-in programs an executable can name (`#!mksim PROGRAM`), as
 * Programs for the kernel's program table.
 *   builtinPrograms()   name -> Program
 */
import type { Program } from '../../kernel/index.js';
import { userProgram, type UserMain } from '../user/process.js';
import { init } from './init.js';
import { passwd } from './passwd.js';
import { su } from './su.js';
import { id } from './id.js';
import { sh } from './sh.js';
import { smbd } from './smbd.js';
import { latency, spinner } from './signals.js';
import { cat, cp, ls } from './utils.js';
import { httpd } from './httpd.js';

const MAINS: Readonly<Record<string, UserMain>> = { init, sh, ls, cat, cp, passwd, su, id, latency, spinner, smbd, httpd };

export function builtinPrograms(): Map<string, Program> {
  return new Map(Object.entries(MAINS).map(([name, main]) => [name, userProgram(main)]));
}
