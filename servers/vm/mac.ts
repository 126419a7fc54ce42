/*
 * VM as an SELinux object manager: the memory execution controls of Linux's
 * security/selinux/hooks.c, asked through VM's own AVC.
 *   macMmap(s, vp, prot)              yield*: file_map_prot_check for an anonymous mapping: PROT_EXEC on
 *                                     an anonymous (or private writable) mapping needs process:execmem
 *   macMprotect(s, vp, region, prot)  yield*: selinux_file_mprotect: making a region executable that was not
 *                                     needs process:execheap (the heap), process:execstack (the stack),
 *                                     file:execmod (a file mapping written to); then file_map_prot_check
 * Each returns 0 or -EACCES. Without a security server there is no MAC.
 * Linux checks these only when default_noexec (the CPU has NX); mksim's MMU always has it.
 */
import { EACCES, NONE, sendrec, type Envelope, type KernelCall } from '../../kernel/index.js';
import type { SecReply } from '../security/protocol.js';
import { Avc } from '../../lib/avc/avc.js';
import { auditSink } from '../../lib/avc/log.js';
import { PROT_EXEC } from './protocol.js';
import type { Region } from './region.js';
import type { VmState } from './state.js';
import type { VmProc } from './vmproc.js';

type Gen<T> = Generator<KernelCall, T, any>;

export interface VmMac {
  readonly avc: Avc;
  /** Context of a process PM has not described (the initial SID `kernel`). */
  readonly kernelContext: string;
}

function* mac(s: VmState): Gen<VmMac | null> {
  if (s.mac !== undefined) return s.mac;
  const security = s.ctx.endpointOf('security');
  if (security === NONE) { s.mac = null; return null; }
  const avc = new Avc(s.ctx, { onAudit: auditSink(s.ctx) });
  const r: Envelope<SecReply> | number = yield sendrec(security, { type: 'SEC_INITIAL_CONTEXT', sid: 'kernel' });
  s.mac = typeof r !== 'number' && r.status >= 0 && typeof r.context === 'string' ? { avc, kernelContext: r.context } : null;
  return s.mac;
}

function* processPerm(s: VmState, vp: VmProc, perm: string): Gen<number> {
  const m = yield* mac(s);
  if (m === null) return 0;
  const sid = vp.context ?? m.kernelContext;
  const r = yield* m.avc.hasPerm(sid, sid, 'process', perm, { comm: vp.name });
  return r < 0 ? -EACCES : 0;
}

/** file_map_prot_check(NULL, prot, shared=0) for mksim's anonymous private mappings. */
export function* macMmap(s: VmState, vp: VmProc, prot: number): Gen<number> {
  // "We are making executable an anonymous mapping or a private file mapping that will also be writable."
  if ((prot & PROT_EXEC) !== 0) return yield* processPerm(s, vp, 'execmem');
  return 0;
}

export function* macMprotect(s: VmState, vp: VmProc, region: Region, prot: number): Gen<number> {
  if ((prot & PROT_EXEC) !== 0 && (region.prot & PROT_EXEC) === 0) {
    // selinux_file_mprotect: the heap (vma_is_initial_heap), then the stack (vma_is_initial_stack), then a
    // file mapping that has had copy-on-write done (vma->anon_vma: file:execmod).
    let r = 0;
    if (region.kind === 'heap') r = yield* processPerm(s, vp, 'execheap');
    else if (region.kind === 'stack') r = yield* processPerm(s, vp, 'execstack');
    if (r < 0) return r;
  }
  // file_map_prot_check(vma->vm_file, prot, shared): an anonymous region made executable needs execmem.
  if ((prot & PROT_EXEC) !== 0 && region.file === null) return yield* processPerm(s, vp, 'execmem');
  return 0;
}
