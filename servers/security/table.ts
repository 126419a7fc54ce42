/*
 * The security server's call table and handlers (SELinux's selinuxfs and
 * services entry points as messages).
 *   securityCallTable(state)   message type -> handler
 *   SecurityState              the loaded policy, its seqno, the mode, the AVCs to notify
 * Every reply carries the policy seqno and the mode, so an AVC can tell a
 * stale cache from a fresh one. Loading a policy or changing the mode is
 * reserved to system processes and notifies every AVC that asked before.
 */
import { EINVAL, EPERM, notify, type ActorContext, type Endpoint, type Envelope, type KernelCall } from '../../kernel/index.js';
import { isSystemProcess } from '../../lib/getinfo.js';
import type { CallTable } from '../../lib/server.js';
import { loadPolicy } from './compile.js';
import { validContext } from './context.js';
import { currentMode, type ModeActor } from './mode.js';
import { formatContext, parseContext, permNames, type CompiledPolicy, type SecurityContext } from './policy.js';
import {
  SEC_NOTIFY_ENFORCE, SEC_NOTIFY_RELOAD, type SecCheckContext, type SecComputeAv, type SecComputeCreate, type SecExec, type SecInitialContext,
  type SecLoadPolicy, type SecNewrole, type SecReply, type SecSetEnforce,
} from './protocol.js';
import { computeAv, computeCreate, execDecision, newroleAllowed } from './services.js';

export interface SecurityState {
  readonly ctx: ActorContext;
  policy: CompiledPolicy;
  seqno: number;
  readonly mode: ModeActor;
  /** Endpoints that asked for a decision: their AVCs must hear of reloads. */
  readonly clients: Set<Endpoint>;
}

type Gen = Generator<KernelCall, SecReply, any>;

export function securityCallTable(state: SecurityState): CallTable {
  const reply = (status: number, extra: Partial<SecReply> = {}): SecReply => ({
    type: 'SEC_REPLY', status, seqno: state.seqno, enforcing: currentMode(state.mode) === 'enforcing', ...extra,
  });
  const contexts = (...texts: unknown[]): SecurityContext[] | null => {
    const out: SecurityContext[] = [];
    for (const t of texts) {
      const c = typeof t === 'string' ? parseContext(t) : null;
      if (c === null || !validContext(state.policy, c)) return null;
      out.push(c);
    }
    return out;
  };
  function* notifyClients(bits: number): Generator<KernelCall, void, any> {
    for (const ep of state.clients) yield notify(ep, bits);
  }

  return {
    *SEC_COMPUTE_AV(m: Envelope<SecComputeAv>): Gen {
      state.clients.add(m.source);
      const cons = contexts(m.scontext, m.tcontext);
      if (cons === null) return reply(-EINVAL);
      const d = computeAv(state.policy, cons[0]!, cons[1]!, m.tclass);
      if (!d.ok) return reply(-d.errno);
      const cls = state.policy.classes[state.policy.classIndex.get(m.tclass)!]!;
      return reply(0, {
        allowed: permNames(cls, d.value.allowed), auditallow: permNames(cls, d.value.auditallow),
        auditdeny: permNames(cls, d.value.auditdeny), permissive: d.value.permissive,
      });
    },
    *SEC_COMPUTE_CREATE(m: Envelope<SecComputeCreate>): Gen {
      const cons = contexts(m.scontext, m.tcontext);
      if (cons === null || (m.name !== undefined && typeof m.name !== 'string')) return reply(-EINVAL);
      const d = computeCreate(state.policy, cons[0]!, cons[1]!, m.tclass, m.name);
      return d.ok ? reply(0, { context: formatContext(d.value) }) : reply(-d.errno);
    },
    *SEC_EXEC(m: Envelope<SecExec>): Gen {
      const cons = contexts(m.scontext, m.fcontext);
      if (cons === null) return reply(-EINVAL);
      const d = execDecision(state.policy, cons[0]!, cons[1]!);
      if (!d.ok) return reply(-d.errno);
      return reply(0, {
        context: formatContext(d.value.newContext), transition: d.value.transition,
        checks: d.value.checks.map((c) => ({ scontext: formatContext(c.source), tcontext: formatContext(c.target), tclass: c.cls, perm: c.perm })),
      });
    },
    *SEC_CHECK_CONTEXT(m: Envelope<SecCheckContext>): Gen {
      return reply(contexts(m.context) === null ? -EINVAL : 0);
    },
    *SEC_NEWROLE(m: Envelope<SecNewrole>): Gen {
      const cons = contexts(m.scontext);
      if (cons === null || typeof m.role !== 'string') return reply(-EINVAL);
      const d = newroleAllowed(state.policy, cons[0]!, m.role);
      return d.ok ? reply(0, { context: formatContext(d.value) }) : reply(-d.errno);
    },
    *SEC_INITIAL_CONTEXT(m: Envelope<SecInitialContext>): Gen {
      const c = typeof m.sid === 'string' ? state.policy.initialSids.get(m.sid) : undefined;
      return c === undefined || c === null ? reply(-EINVAL) : reply(0, { context: formatContext(c) });
    },
    *SEC_LOAD_POLICY(m: Envelope<SecLoadPolicy>): Gen {
      if (!(yield* isSystemProcess(m.source))) return reply(-EPERM);
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
      if (!(yield* isSystemProcess(m.source))) return reply(-EPERM);
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
  };
}
