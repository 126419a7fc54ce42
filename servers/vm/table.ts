/*
 * The VM server's call table (MINIX's vm/main.c vm_calls[]): message type -> handler.
 * A process VM meets for the first time gets the default space, named as the kernel names it.
 */
import type { Envelope, KernelCall, Message } from '../../kernel/index.js';
import { procName } from '../../lib/getinfo.js';
import type { CallTable, Handler } from '../../lib/server.js';
import { doPagefaults } from './fault.js';
import { doExec, doExit, doFork, doSetcon } from './forkexit.js';
import { doAdvise, doBrk, doInfo, doMmap, doMprotect, doRegion } from './mmap.js';
import type { VmState } from './state.js';

type Gen = Generator<KernelCall, Message | null, any>;

export function vmCallTable(s: VmState): CallTable {
  const caller = (h: (s: VmState, m: Envelope<any>) => Gen): Handler => function* (m) {
    if (!s.procs.has(m.source)) s.procs.get(m.source, yield* procName(m.source));
    return yield* h(s, m);
  };
  return {
    VM_PAGEFAULT: caller(doPagefaults),
    VM_BRK: caller(doBrk),
    VM_MMAP: caller(doMmap),
    VM_MPROTECT: caller(doMprotect),
    VM_REGION: caller(doRegion),
    VM_ADVISE: caller(doAdvise),
    VM_INFO: caller(doInfo),
    VM_FORK: (m) => doFork(s, m),
    VM_EXIT: (m) => doExit(s, m),
    VM_EXEC: (m) => doExec(s, m),
    VM_PM_SETCON: (m) => doSetcon(s, m),
  };
}
