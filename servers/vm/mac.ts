/*
 * VM as an SELinux object manager: the memory execution controls of Linux's
 * security/selinux/hooks.c, asked through VM's own AVC.
 *   macMmap(s, vp, prot, file)        yield*: file_map_prot_check: PROT_EXEC on an anonymous (or private
 *                                     writable file) mapping needs process:execmem; a file needs file:read (+execute)
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
import { PROT_EXEC, PROT_WRITE } from './protocol.js';
import type { FileSource, Region } from './region.js';
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

/**
 * file_map_prot_check(file, prot, shared=0): mksim's mappings are all private. PROT_EXEC on an
 * anonymous mapping, or on a private file mapping that is also writable, needs process:execmem;
 * a file mapping needs file:read, and file:execute when executable, on the file.
 */
function* fileMapProtCheck(s: VmState, vp: VmProc, prot: number, file: FileSource | null): Gen<number> {
  // "We are making executable an anonymous mapping or a private file mapping that will also be writable."
  if ((prot & PROT_EXEC) !== 0 && (file === null || (prot & PROT_WRITE) !== 0)) {
    const r = yield* processPerm(s, vp, 'execmem');
    if (r < 0) return r;
  }
  if (file === null) return 0;
  // "read access is always possible with a mapping"; write matters only for a shared one.
  return yield* filePerm(s, vp, file, (prot & PROT_EXEC) !== 0 ? ['read', 'execute'] : ['read']);
}

function* filePerm(s: VmState, vp: VmProc, file: FileSource, perms: readonly string[]): Gen<number> {
  const m = yield* mac(s);
  if (m === null || file.context === null) return 0;
  const r = yield* m.avc.hasPerm(vp.context ?? m.kernelContext, file.context, 'file', perms, { comm: vp.name, path: file.path });
  return r < 0 ? -EACCES : 0;
}

export function* macMmap(s: VmState, vp: VmProc, prot: number, file: FileSource | null = null): Gen<number> {
  return yield* fileMapProtCheck(s, vp, prot, file);
}

export function* macMprotect(s: VmState, vp: VmProc, region: Region, prot: number): Gen<number> {
  if ((prot & PROT_EXEC) !== 0 && (region.prot & PROT_EXEC) === 0) {
    // selinux_file_mprotect: the heap (vma_is_initial_heap), then the stack (vma_is_initial_stack), then a
    // file mapping that has had copy-on-write done (vma->anon_vma: file:execmod).
    let r = 0;
    if (region.kind === 'heap') r = yield* processPerm(s, vp, 'execheap');
    else if (region.kind === 'stack') r = yield* processPerm(s, vp, 'execstack');
    else if (region.file !== null && region.modified) r = yield* filePerm(s, vp, region.file, ['execmod']);
    if (r < 0) return r;
  }
  return yield* fileMapProtCheck(s, vp, prot, region.file);
}
