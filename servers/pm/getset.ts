/*
 * Identity calls (MINIX's getset.c): getpid/getppid, getuid/geteuid,
 * setuid, setgid. The file system learns of new credentials.
 */
import { EINVAL, EPERM, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { PmGetpid, PmGetuid, PmSetgid, PmSetuid } from './protocol.js';
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

export function* doSetuid(pm: PmState, m: Envelope<PmSetuid>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || !Number.isSafeInteger(m.uid) || m.uid < 0) return pmReply(-EINVAL);
  if (p.euid !== 0 && m.uid !== p.uid) return pmReply(-EPERM);
  p.uid = p.euid = m.uid;
  yield* tellFs(pm, { type: 'FS_PM_SETUID', endpoint: p.endpoint, uid: p.euid, gid: p.egid });
  return pmReply(0);
}

export function* doSetgid(pm: PmState, m: Envelope<PmSetgid>): Gen<Message | null> {
  const p = pm.procs.byEndpoint(m.source);
  if (p === undefined || !Number.isSafeInteger(m.gid) || m.gid < 0) return pmReply(-EINVAL);
  if (p.euid !== 0 && m.gid !== p.gid) return pmReply(-EPERM);
  p.gid = p.egid = m.gid;
  yield* tellFs(pm, { type: 'FS_PM_SETUID', endpoint: p.endpoint, uid: p.euid, gid: p.egid });
  return pmReply(0);
}
