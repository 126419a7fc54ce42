/*
 * The memory commands of the language: system calls to the VM server and
 * loads and stores through the MMU (lib/syscalls/vm.ts).
 *   vmCommands   brk SIZE, mmap NAME SIZE PROT, mprotect REGION PROT, ref [--write] [REGION] PAGES..., vmstat
 * vmstat prints `vmstat: faults=N evictions=N swapins=N swapouts=N resident=N`.
 */
import * as vm from '../syscalls/vm.js';
import { protFromText } from '../../servers/vm/protocol.js';
import type { CommandImpl } from './run.js';
import { parseIntStrict, parseSizeBytes } from './values.js';

export const vmCommands: Readonly<Record<string, CommandImpl>> = {
  *brk(proc, c) {
    const r = yield* vm.brk(proc, parseSizeBytes(c.args[0]!)!);
    return r < 0 ? r : 0;
  },
  *mmap(proc, c) {
    const r = yield* vm.mmap(proc, c.args[0]!, parseSizeBytes(c.args[1]!)!, protFromText(c.args[2]!));
    return r < 0 ? r : 0;
  },
  *mprotect(proc, c) { return yield* vm.mprotect(proc, c.args[0]!, protFromText(c.args[1]!)); },
  *ref(proc, c) {
    const words = [...c.args];
    const write = words[0] === '--write';
    if (write) words.shift();
    const regionName = /^\d+$/.test(words[0] ?? '') ? 'heap' : words.shift()!;
    return yield* vm.ref(proc, regionName, words.map((w) => parseIntStrict(w)!), write);
  },
  *vmstat(proc) {
    const r = yield* vm.vmstat(proc);
    if (typeof r === 'number') return r;
    proc.print(`vmstat: faults=${r.faults} evictions=${r.evictions} swapins=${r.swapins} swapouts=${r.swapouts} resident=${r.resident}`);
    return 0;
  },
};
