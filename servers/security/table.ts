/*
 * The security server's call table and handlers (SELinux's selinuxfs and
 * services entry points as messages).
 *   securityCallTable(state)   message type -> handler
 *   SecurityState              the loaded policy, its seqno, the mode, the AVCs to notify
 * Every reply carries the policy seqno and the mode, so an AVC can tell a
 * stale cache from a fresh one. Loading a policy or changing the mode
 * notifies every AVC that asked before. A user process's own calls are
 * checked as selinuxfs checks them: root (the files are root's) and the
 * `security` class on the initial SID `security` (load_policy, setenforce,
 * compute_av, compute_create, check_context); system processes (the object
 * managers, the kernel's own code in Linux) are not checked.
 * Setting booleans (SEC_SET_BOOL) is security:setbool; the commit bumps the
 * seqno and notifies the AVCs as a reload does (sel_commit_bools_write ->
 * security_set_bools -> avc_ss_reset).
 * A computed context the policy does not authorise is logged (SELINUX_ERR)
 * and refused in enforcing mode only, as compute_sid_handle_invalid_context.
 */
import { EACCES, EINVAL, ENOENT, EPERM, notify, type ActorContext, type Endpoint, type Envelope, type KernelCall } from '../../kernel/index.js';
import { getProc, isSystemProcess } from '../../lib/getinfo.js';
import { formatAvcLine, type AvcRecordFields } from '../../lib/avc/audit.js';
import type { CallTable } from '../../lib/server.js';
import { loadPolicy } from './compile.js';
import { initialSidContext } from './initial-sids.js';
import { auditSelinuxErr, auditSink } from '../../lib/avc/log.js';
import { knownContext, validContext } from './context.js';
import { currentMode, type ModeActor } from './mode.js';
import { formatContext, parseContext, permBit, permNames, withBooleans, type CompiledPolicy, type SecurityContext } from './policy.js';
import {
  SEC_NOTIFY_ENFORCE, SEC_NOTIFY_RELOAD, type SecCheckContext, type SecComputeAv, type SecComputeCreate, type SecExec, type SecFsUse, type SecInitialContext, type SecPmProc,
  type SecLoadPolicy, type SecNetContext, type SecNewrole, type SecReply, type SecSetEnforce, type SecSetBool, type SecGetBool, type SecValidateTrans,
} from './protocol.js';
import { computeAv, computeCreate, execDecision, netContext, newroleContext, validateTransition } from './services.js';

export interface SecurityState {
  readonly ctx: ActorContext;
  policy: CompiledPolicy;
  seqno: number;
  readonly mode: ModeActor;
  /** Endpoints that asked for a decision: their AVCs must hear of reloads. */
  readonly clients: Set<Endpoint>;
  /** User processes' credentials, as PM tells them (SEC_PM_PROC). */
  readonly procs: Map<Endpoint, { readonly pid: number; readonly context: string | null; readonly euid: number }>;
}

type Gen = Generator<KernelCall, SecReply, any>;

export function securityCallTable(state: SecurityState): CallTable {
  const reply = (status: number, extra: Partial<SecReply> = {}): SecReply => ({
    type: 'SEC_REPLY', status, seqno: state.seqno, enforcing: enforcing(), ...extra,
  });
  const enforcing = (): boolean => currentMode(state.mode) === 'enforcing';
  /** Contexts that must be valid (they enter the system here: security_context_to_sid). */
  const contexts = (...texts: unknown[]): SecurityContext[] | null => parsed(true, texts);
  /** Contexts already held by a subject or object: known parts suffice (a permissive run may hold an invalid one). */
  const heldContexts = (...texts: unknown[]): SecurityContext[] | null => parsed(false, texts);
  function parsed(strict: boolean, texts: unknown[]): SecurityContext[] | null {
    const out: SecurityContext[] = [];
    for (const t of texts) {
      const c = typeof t === 'string' ? parseContext(t) : null;
      if (c === null || !(strict ? validContext(state.policy, c) : knownContext(state.policy, c))) return null;
      out.push(c);
    }
    return out;
  }
  /**
   * compute_sid_handle_invalid_context (Linux security/selinux/ss/services.c):
   * the SELINUX_ERR audit record, then EACCES in enforcing mode only.
   */
  const invalidComputed = (n: SecurityContext, s: SecurityContext, t: SecurityContext, tclass: string): boolean => {
    auditSelinuxErr(state.ctx, `op=security_compute_sid invalid_context=${formatContext(n)} scontext=${formatContext(s)} tcontext=${formatContext(t)} tclass=${tclass}`);
    return enforcing();
  };
  /**
   * The caller's right to a security-server operation, as selinuxfs's
   * handlers: 0 for a system process; else root and security:PERM from its
   * context on the `security` initial SID (avc_has_perm(current_sid(),
   * SECINITSID_SECURITY, SECCLASS_SECURITY, perm)), logged on denial and
   * enforced unless the mode or the domain is permissive.
   */
  function* securityPerm(source: Endpoint, perm: string): Generator<KernelCall, number, any> {
    if (yield* isSystemProcess(source)) return 0;
    const proc = state.procs.get(source);
    if (proc === undefined || proc.euid !== 0) return -EPERM;
    const scon = parseContext(proc.context ?? '') ?? initialSidContext(state.policy, 'kernel');
    const tcon = initialSidContext(state.policy, 'security');
    const cls = state.policy.classes[state.policy.classIndex.get('security') ?? -1];
    if (scon === null || tcon === null || cls === undefined) return -EACCES;
    const d = computeAv(state.policy, scon, tcon, 'security');
    const bit = permBit(cls, perm);
    if (d.ok && bit !== 0 && (d.value.allowed & bit) === bit) return 0;
    const permissive = !enforcing() || (d.ok && d.value.permissive);
    if (!d.ok || bit === 0 || (d.value.auditdeny & bit) !== 0) {
      const info = yield* getProc(source);
      const record: AvcRecordFields = {
        decision: 'denied', perms: [perm], pid: proc.pid, ...(typeof info !== 'number' ? { comm: info.name } : {}),
        scontext: formatContext(scon), tcontext: formatContext(tcon), tclass: 'security', permissive: permissive ? 1 : 0,
      };
      if (state.ctx.traceOn) state.ctx.trace('avc', { ...record });
      auditSink(state.ctx)(formatAvcLine(record), record);
    }
    return permissive ? 0 : -EACCES;
  }
  function* notifyClients(bits: number): Generator<KernelCall, void, any> {
    for (const ep of state.clients) yield notify(ep, bits);
  }

  return {
    *SEC_COMPUTE_AV(m: Envelope<SecComputeAv>): Gen {
      const denied = yield* securityPerm(m.source, 'compute_av');
      if (denied < 0) return reply(denied);
      state.clients.add(m.source);
      const cons = heldContexts(m.scontext, m.tcontext);
      if (cons === null) return reply(-EINVAL);
      const d = computeAv(state.policy, cons[0]!, cons[1]!, m.tclass);
      if (!d.ok) return reply(-d.errno);
      const cls = state.policy.classes[state.policy.classIndex.get(m.tclass)!]!;
      return reply(0, {
        allowed: permNames(cls, d.value.allowed), auditallow: permNames(cls, d.value.auditallow),
        auditdeny: permNames(cls, d.value.auditdeny), permissive: d.value.permissive,
        ...(d.value.constrained !== undefined ? { constrained: permNames(cls, d.value.constrained), constraintAt: d.value.constraintAt } : {}),
      });
    },
    *SEC_COMPUTE_CREATE(m: Envelope<SecComputeCreate>): Gen {
      const denied = yield* securityPerm(m.source, 'compute_create');
      if (denied < 0) return reply(denied);
      const cons = heldContexts(m.scontext, m.tcontext);
      if (cons === null || (m.name !== undefined && typeof m.name !== 'string')) return reply(-EINVAL);
      const d = computeCreate(state.policy, cons[0]!, cons[1]!, m.tclass, m.name);
      if (!d.ok) return reply(-d.errno);
      if (!d.value.valid && invalidComputed(d.value.context, cons[0]!, cons[1]!, m.tclass)) return reply(-EACCES);
      return reply(0, { context: formatContext(d.value.context) });
    },
    *SEC_EXEC(m: Envelope<SecExec>): Gen {
      const cons = heldContexts(m.scontext, m.fcontext);
      const execcon = m.execcontext === undefined ? [] : contexts(m.execcontext);
      if (cons === null || execcon === null) return reply(-EINVAL);
      const d = execDecision(state.policy, cons[0]!, cons[1]!, execcon[0]);
      if (!d.ok) return reply(-d.errno);
      if (!d.value.valid && invalidComputed(d.value.newContext, cons[0]!, cons[1]!, 'process')) return reply(-EACCES);
      return reply(0, {
        context: formatContext(d.value.newContext), transition: d.value.transition,
        checks: d.value.checks.map((c) => ({ scontext: formatContext(c.source), tcontext: formatContext(c.target), tclass: c.cls, perm: c.perm })),
      });
    },
    *SEC_CHECK_CONTEXT(m: Envelope<SecCheckContext>): Gen {
      const denied = yield* securityPerm(m.source, 'check_context');
      if (denied < 0) return reply(denied);
      return reply(contexts(m.context) === null ? -EINVAL : 0);
    },
    *SEC_NEWROLE(m: Envelope<SecNewrole>): Gen {
      const cons = heldContexts(m.scontext);
      if (cons === null || typeof m.role !== 'string') return reply(-EINVAL);
      const d = newroleContext(state.policy, cons[0]!, m.role);
      return d.ok ? reply(0, { context: formatContext(d.value) }) : reply(-d.errno);
    },
    *SEC_INITIAL_CONTEXT(m: Envelope<SecInitialContext>): Gen {
      const c = typeof m.sid === 'string' ? initialSidContext(state.policy, m.sid) : null;
      return c === undefined || c === null ? reply(-EINVAL) : reply(0, { context: formatContext(c) });
    },
    *SEC_NET_CONTEXT(m: Envelope<SecNetContext>): Gen {
      const c = netContext(state.policy, m);
      return c === null ? reply(-EINVAL) : reply(0, { context: formatContext(c) });
    },
    *SEC_FS_USE(m: Envelope<SecFsUse>): Gen {
      if (typeof m.fstype !== 'string') return reply(-EINVAL);
      const p = state.policy;
      const c = p.fsUse.find((f) => f.fs === m.fstype)?.context ?? p.genfs.find((g) => g.fs === m.fstype && g.path === '/')?.context ?? initialSidContext(p, 'unlabeled');
      return c === undefined || c === null ? reply(-EINVAL) : reply(0, { context: formatContext(c) });
    },
    *SEC_PM_PROC(m: Envelope<SecPmProc>): Gen {
      if (m.source !== state.ctx.endpointOf('pm')) return reply(-EPERM);
      if (typeof m.endpoint !== 'number' || typeof m.pid !== 'number' || (m.context !== null && typeof m.context !== 'string') || typeof m.euid !== 'number') return reply(-EINVAL);
      if (m.context === null) state.procs.delete(m.endpoint);
      else state.procs.set(m.endpoint, { pid: m.pid, context: m.context, euid: m.euid });
      return reply(0);
    },
    *SEC_LOAD_POLICY(m: Envelope<SecLoadPolicy>): Gen {
      const denied = yield* securityPerm(m.source, 'load_policy');
      if (denied < 0) return reply(denied);
      if (typeof m.text !== 'string' || typeof m.path !== 'string') return reply(-EINVAL);
      try {
        state.policy = loadPolicy(m.text, m.path);
      } catch (err) {
        // The old policy stays in force, as with a failed load_policy.
        return reply(-EINVAL, { error: (err as Error).message });
      }
      state.seqno++;
      state.ctx.trace('log', { msg: 'policy reloaded', policy: m.path, seqno: state.seqno });
      yield* notifyClients(SEC_NOTIFY_RELOAD);
      return reply(0);
    },
    *SEC_SET_ENFORCE(m: Envelope<SecSetEnforce>): Gen {
      const denied = yield* securityPerm(m.source, 'setenforce');
      if (denied < 0) return reply(denied);
      if (typeof m.enforcing !== 'boolean') return reply(-EINVAL);
      const from = currentMode(state.mode);
      state.mode.send({ type: m.enforcing ? 'SET_ENFORCING' : 'SET_PERMISSIVE' });
      const to = currentMode(state.mode);
      if (from !== to) {
        if (state.ctx.traceOn) state.ctx.trace('state', { machine: 'selinux-mode', from, to, event: m.enforcing ? 'SET_ENFORCING' : 'SET_PERMISSIVE' });
        yield* notifyClients(SEC_NOTIFY_ENFORCE);
      }
      return reply(0);
    },
    *SEC_GET_ENFORCE(): Gen {
      return reply(0);
    },
    *SEC_SET_BOOL(m: Envelope<SecSetBool>): Gen {
      if (!Array.isArray(m.values) || m.values.length === 0 || m.values.length > state.policy.booleans.length) return reply(-EINVAL);
      const values = new Map<string, boolean>();
      for (const v of m.values) {
        if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'boolean') return reply(-EINVAL);
        values.set(v[0], v[1]);
      }
      const next = withBooleans(state.policy, values);
      // An unknown name: ENOENT, as opening /sys/fs/selinux/booleans/NAME fails before any write is checked.
      if (next === null) return reply(-ENOENT);
      const denied = yield* securityPerm(m.source, 'setbool');
      if (denied < 0) return reply(denied);
      state.policy = next;
      state.seqno++;
      const text = [...values].map(([n, v]) => `${n}=${v ? 1 : 0}`).join(' ');
      if (state.ctx.traceOn) state.ctx.trace('log', { msg: 'booleans committed', booleans: text, seqno: state.seqno });
      yield* notifyClients(SEC_NOTIFY_RELOAD);
      return reply(0);
    },
    /**
     * security_validate_transition: a failed validatetrans is logged
     * (security_validtrans_handle_fail's SELINUX_ERR) and is EPERM in
     * enforcing mode only. Object managers (system processes) ask; no user may.
     */
    *SEC_VALIDATE_TRANS(m: Envelope<SecValidateTrans>): Gen {
      if (!(yield* isSystemProcess(m.source))) return reply(-EPERM);
      const cons = heldContexts(m.oldcontext, m.newcontext, m.taskcontext);
      if (cons === null || typeof m.tclass !== 'string') return reply(-EINVAL);
      const failed = validateTransition(state.policy, cons[0]!, cons[1]!, cons[2]!, m.tclass);
      if (failed === null) return reply(0);
      auditSelinuxErr(state.ctx, `op=security_validate_transition seresult=denied oldcontext=${m.oldcontext} newcontext=${m.newcontext} taskcontext=${m.taskcontext} tclass=${m.tclass} (validatetrans at ${failed})`);
      return reply(enforcing() ? -EPERM : 0);
    },
    *SEC_GET_BOOL(m: Envelope<SecGetBool>): Gen {
      const p = state.policy;
      if (m.name !== undefined && typeof m.name !== 'string') return reply(-EINVAL);
      const all = p.booleans.map((n, i): [string, boolean] => [n, p.boolValues[i]!]);
      const picked = m.name === undefined ? all : all.filter(([n]) => n === m.name);
      return m.name !== undefined && picked.length === 0 ? reply(-ENOENT) : reply(0, { booleans: picked });
    },
  };
}
