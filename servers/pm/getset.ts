/*
 * Identity calls (MINIX's getset.c): getpid/getppid, getuid/geteuid,
 * setuid, setgid, getnprocs (docs/extending.md's example). The file system learns of new credentials.
 */
import { EINVAL, EPERM, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { PmGetnprocs, PmGetpid, PmGetuid, PmSetgid, PmSetuid } from './protocol.js';
import { capable, tellSecurity } from './security.js';
import { pmReply, tellFs, type PmState } from './state.js';

type Gen<T> = Generator<KernelCall, T, any>;

export function* doGetpid(pm: PmState, m: Envelope<PmGetpid>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  return p === undefined ? pmReply(-EINVAL) : pmReply(p.pid, p.parentPid);
}

export function* doGetuid(pm: PmState, m: Envelope<PmGetuid>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  return p === undefined ? pmReply(-EINVAL) : pmReply(p.uid, p.euid, p.gid);
}

export function* doGetnprocs(pm: PmState, _m: Envelope<PmGetnprocs>): Gen<Message | null> {
  return pmReply(pm.procs.size);
}

export function* doSetuid(pm: PmState, m: Envelope<PmSetuid>): Gen<Message | null> {
  return yield* setId(pm, m.source, m.uid, 'uid');
}

export function* doSetgid(pm: PmState, m: Envelope<PmSetgid>): Gen<Message | null> {
  return yield* setId(pm, m.source, m.gid, 'gid');
}

/** setuid / setgid: root (capability:setuid / setgid) may take any id, others only their real one; the file system learns the new pair. */
function* setId(pm: PmState, source: number, id: unknown, which: 'uid' | 'gid'): Gen<Message | null> {
  const p = pm.procs.byEndpoint(source);
  if (p === undefined || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return pmReply(-EINVAL);
  if (id !== p[which] && !(yield* capable(pm, p, which === 'uid' ? 'setuid' : 'setgid'))) return pmReply(-EPERM);
  if (which === 'uid') p.uid = p.euid = id;
  else p.gid = p.egid = id;
  yield* tellFs(pm, { type: 'FS_PM_SETUID', endpoint: p.endpoint, uid: p.euid, gid: p.egid });
  if (which === 'uid') yield* tellSecurity(pm, p);
  return pmReply(0);
}
