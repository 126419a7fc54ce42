/*
 * Labeled networking in INET: the SELinux checks Linux makes in its socket
 * hooks (security/selinux/hooks.c), asked through an AVC.
 *   inetMac(ctx)   InetHooks when a security server runs, else null (every call allowed)
 * Call checks (subject: the socket's context, the creating process's; class tcp_socket or udp_socket):
 *   socket     create                         selinux_socket_create
 *   bind       bind; name_bind on the port's label for a port outside the
 *              ephemeral range                 selinux_socket_bind (sel_netport_sid)
 *   listen     listen                          selinux_socket_listen
 *   accept     accept                          selinux_socket_accept
 *   connect    connect; tcp: name_connect on the port's label
 *                                              selinux_socket_connect_helper
 *              association polmatch on the destination node's label (the IPsec policy
 *              rule for it) and association sendto on the SA (the socket's own context)
 *                                              selinux_xfrm_policy_lookup, selinux_xfrm_postroute_last
 *   send, sendto   send_msg on the destination port's label (and sendto's association checks)
 *                                              selinux_ip_postroute_compat (2.6 kernels' send_msg)
 *   connect, send, sendto   netif egress on the interface's label, node sendto on the
 *              destination's label (subject: the socket)   selinux_ip_postroute
 * Frame checks (a frame arriving for a socket; a denial drops the frame):
 *   netif ingress on the interface's label, node recvfrom on the source's label
 *   (subject: the peer's label)                selinux_sock_rcv_skb -> selinux_inet_sys_rcv_skb
 *   recv_msg on the source port's label        selinux_sock_rcv_skb_compat
 *   association recvfrom on the peer's SA context (the frame's label; unlabeled if none)
 *                                              selinux_xfrm_sock_rcv_skb
 * The frame's label is the sending socket's context: the security association
 * carries it, and getpeercon returns it (selinux_socket_getpeersec_stream).
 */
import { EINVAL, NONE, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { Avc, type AuditSource } from '../../lib/avc/avc.js';
import { auditSink } from '../../lib/avc/log.js';
import { getProc } from '../../lib/getinfo.js';
import { ipText, type Frame } from '../../drivers/net/protocol.js';
import type { SecReply } from '../security/protocol.js';
import type { InetCall } from './protocol.js';
import { EPHEMERAL_FIRST, EPHEMERAL_LAST, type Socket } from './socket.js';
import type { InetHooks } from './table.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** Labels of ports and nodes asked of the security server, kept until a policy reload. */
const MAX_CACHED_LABELS = 4096;
/** A host's one network interface (mksim has one per host: docs/network.md), for netifcon. */
export const NETIF_NAME = 'eth0';

export function* inetMac(ctx: ActorContext): Gen<InetHooks | null> {
  const security = ctx.endpointOf('security');
  if (security === NONE) return null;
  const avc = new Avc(ctx, { onAudit: auditSink(ctx) });
  const labels = new Map<string, string>();
  const ask = function* (key: string, msg: Record<string, unknown>): Gen<string> {
    const known = labels.get(key);
    if (known !== undefined) return known;
    const r: Envelope<SecReply> | number = yield sendrec(security, { type: 'SEC_NET_CONTEXT', ...msg });
    const label = typeof r === 'number' || r.status < 0 || r.context === undefined ? '' : r.context;
    if (labels.size >= MAX_CACHED_LABELS) labels.clear();
    labels.set(key, label);
    return label;
  };
  const kernel: Envelope<SecReply> | number = yield sendrec(security, { type: 'SEC_INITIAL_CONTEXT', sid: 'kernel' });
  const kernelContext = typeof kernel === 'number' || kernel.context === undefined ? '' : kernel.context;
  const unlabeledReply: Envelope<SecReply> | number = yield sendrec(security, { type: 'SEC_INITIAL_CONTEXT', sid: 'unlabeled' });
  const unlabeled = typeof unlabeledReply === 'number' || unlabeledReply.context === undefined ? kernelContext : unlabeledReply.context;
  const portLabel = (kind: 'stream' | 'dgram', port: number): Gen<string> => {
    const protocol = kind === 'stream' ? 'tcp' : 'udp';
    return ask(`port:${protocol}:${port}`, { object: 'port', protocol, port });
  };
  const nodeLabel = (addr: number): Gen<string> => ask(`node:${addr}`, { object: 'node', addr });
  const netifLabel = (): Gen<string> => ask(`netif:${NETIF_NAME}`, { object: 'netif', name: NETIF_NAME });
  // A policy without the node or netif class (or the permission) allows these, as
  // handle_unknown=allow (check() below): policies written before them keep working.
  const egress = function* (sub: string, addr: number, a: AuditSource): Gen<number> {
    return (yield* check(sub, yield* netifLabel(), 'netif', 'egress', a))
      || (yield* check(sub, yield* nodeLabel(addr), 'node', 'sendto', a));
  };
  const audit = (proc: number, name: string): AuditSource => function* () {
    const info = yield* getProc(proc);
    return { ...(typeof info !== 'number' && info !== null ? { comm: info.name } : {}), name };
  };
  /** 0 or the errno of the first denied check (-EACCES from the AVC, as a positive errno). */
  const check = function* (scontext: string, tcontext: string, tclass: string, perm: string, a: AuditSource): Gen<number> {
    if (tcontext === '') return 0;
    const r = yield* avc.hasPerm(scontext, tcontext, tclass, perm, a);
    // A class or permission the policy does not define is allowed, as with handle_unknown=allow.
    return r < 0 && r !== -EINVAL ? -r : 0;
  };
  const outbound = function* (sub: string, cls: string, m: InetCall, addr: number, port: number, kind: 'stream' | 'dgram', a: AuditSource): Gen<number> {
    return (yield* check(sub, yield* nodeLabel(addr), 'association', 'polmatch', a))
      || (yield* check(sub, sub, 'association', 'sendto', a))
      || (m.op === 'connect' ? 0 : yield* check(sub, yield* portLabel(kind, port), cls, 'send_msg', a))
      || (yield* egress(sub, addr, a));
  };
  return {
    *check(m, s) {
      const sub = m.context ?? kernelContext;
      const kind = s?.kind ?? m.kind ?? 'stream';
      const cls = kind === 'stream' ? 'tcp_socket' : 'udp_socket';
      const where = m.addr !== undefined ? `${ipText(m.addr)}:${m.port ?? 0}` : m.port !== undefined ? `port ${m.port}` : m.op;
      const a = audit(m.proc, where);
      switch (m.op) {
        case 'socket': return yield* check(sub, sub, cls, 'create', a);
        case 'bind': {
          const r = yield* check(sub, sub, cls, 'bind', a);
          const port = m.port ?? 0;
          if (r !== 0 || port === 0 || (port >= EPHEMERAL_FIRST && port <= EPHEMERAL_LAST)) return r;
          return yield* check(sub, yield* portLabel(kind, port), cls, 'name_bind', a);
        }
        case 'listen': return yield* check(sub, sub, cls, 'listen', a);
        case 'accept': return yield* check(sub, sub, cls, 'accept', a);
        case 'connect': {
          const r = (yield* check(sub, sub, cls, 'connect', a))
            || (kind === 'stream' ? yield* check(sub, yield* portLabel(kind, m.port ?? 0), cls, 'name_connect', a) : 0);
          return r || (yield* outbound(sub, cls, m, m.addr ?? 0, m.port ?? 0, kind, a));
        }
        case 'send': case 'sendto': {
          const addr = m.op === 'sendto' ? m.addr ?? 0 : s?.raddr ?? 0;
          const port = m.op === 'sendto' ? m.port ?? 0 : s?.rport ?? 0;
          if (addr === 0) return 0;
          if (m.op === 'sendto' || kind === 'dgram') return yield* outbound(sub, cls, { ...m, op: 'sendto' }, addr, port, kind, a);
          return (yield* check(sub, yield* portLabel(kind, port), cls, 'send_msg', a)) || (yield* egress(sub, addr, a));
        }
        default: return 0;
      }
    },
    *checkInput(f: Frame, s: Socket | null) {
      if (s === null) return true;
      const sub = s.context ?? kernelContext;
      const cls = s.kind === 'stream' ? 'tcp_socket' : 'udp_socket';
      const a = audit(s.owner, `${ipText(f.src)}:${f.sport}`);
      // The subject of ingress and recvfrom is the packet's peer label, not the socket.
      const peer = f.label ?? unlabeled;
      return (yield* check(peer, yield* netifLabel(), 'netif', 'ingress', a)) === 0
        && (yield* check(peer, yield* nodeLabel(f.src), 'node', 'recvfrom', a)) === 0
        && (yield* check(sub, peer, 'association', 'recvfrom', a)) === 0
        && (yield* check(sub, yield* portLabel(s.kind, f.sport), cls, 'recv_msg', a)) === 0;
    },
    onNotify(m: Envelope) {
      if (avc.handleNotify(m)) labels.clear();
    },
  };
}
