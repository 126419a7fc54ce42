/*
 * The security commands of the language, as the SELinux tools of the same
 * names: system calls to PM (process contexts) and the FS (file labels).
 *   securityCommands   getcon, getfilecon PATH, setfilecon PATH CONTEXT, newrole ROLE, setcon CONTEXT,
 *                      setexeccon CONTEXT|default, getenforce, setenforce 0|1,
 *                      setsebool NAME 0|1 [NAME 0|1...], getsebool [NAME]
 * getcon and getfilecon print the context, as `id -Z` and `ls -Z` would.
 */
import * as sec from '../syscalls/security.js';
import type { CommandImpl } from './run.js';

/** The values setsebool(8) accepts. */
const BOOL_VALUES: Readonly<Record<string, boolean>> = { 1: true, true: true, on: true, 0: false, false: false, off: false };

export const securityCommands: Readonly<Record<string, CommandImpl>> = {
  *getcon(proc) {
    const r = yield* sec.getcon(proc);
    if (typeof r === 'number') return r;
    proc.print(r);
    return 0;
  },
  *getfilecon(proc, c) {
    const r = yield* sec.getfilecon(proc, c.args[0]!);
    if (typeof r === 'number') return r;
    proc.print(`${c.args[0]} ${r}`);
    return 0;
  },
  *setfilecon(proc, c) { return yield* sec.setfilecon(proc, c.args[0]!, c.args[1]!); },
  *setcon(proc, c) { return yield* sec.setcon(proc, c.args[0]!); },
  *setexeccon(proc, c) { return yield* sec.setexeccon(proc, c.args[0] === 'default' ? null : c.args[0]!); },
  *getenforce(proc) {
    const r = yield* sec.securityGetenforce(proc);
    if (r < 0) return r;
    proc.print(r === 1 ? 'Enforcing' : 'Permissive');
    return 0;
  },
  *setenforce(proc, c) {
    const mode = c.args[0]!;
    const enforcing = mode === '1' || mode.toLowerCase() === 'enforcing';
    if (!enforcing && mode !== '0' && mode.toLowerCase() !== 'permissive') return -22; // EINVAL, as setenforce's usage error
    return yield* sec.securitySetenforce(proc, enforcing);
  },
  // Booleans, as setsebool(8) (without -P: the value lasts until the next policy load) and getsebool(8).
  *setsebool(proc, c) {
    const words = c.args;
    const values: [string, boolean][] = [];
    for (let i = 0; i < words.length; i += 2) {
      const v = BOOL_VALUES[(words[i + 1] ?? '').toLowerCase()];
      if (v === undefined) return -22; // EINVAL, as setsebool's "Illegal value"
      values.push([words[i]!, v]);
    }
    return yield* sec.securitySetBooleans(proc, values);
  },
  *getsebool(proc, c) {
    const r = yield* sec.securityGetBooleans(proc, c.args[0]);
    if (typeof r === 'number') return r;
    for (const [name, v] of r) proc.print(`${name} --> ${v ? 'on' : 'off'}`);
    return 0;
  },
  *newrole(proc, c) {
    const r = yield* sec.newrole(proc, c.args[0]!);
    return typeof r === 'number' ? r : 0;
  },
};
