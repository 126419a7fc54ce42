/*
 * The security server's decisions (SELinux's services.c) over a compiled policy.
 *   computeAv(policy, scon, tcon, cls)             allowed, auditallow, auditdeny, permissive (constraints, RBAC mask on process transitions)
 *   computeCreate(policy, scon, tcon, cls, name?)  the context of a new object or of an exec'd process, and whether it is valid
 *   computeRelabel / computeMember                 security_change_sid (type_change) and security_member_sid (type_member)
 *   validateTransition(policy, old, new, task, cls) security_validate_transition: the validatetrans that fails, or null
 *   constraintHolds(policy, expr, s, t, task?)     constraint_expr_eval
 *   execDecision(policy, scon, fcon, execcon?)     domain transition: the new context and the checks it needs
 *   newroleContext(policy, scon, role)             the context newrole asks for: EINVAL unless valid
 * Contexts that name unknown users, roles or types are refused with EINVAL.
 */
import { EINVAL } from '../../kernel/errno.js';
import { knownContext, typeOf, validContext } from './context.js';
import { initialSidContext } from './initial-sids.js';
import { avKey, lookupAv, OBJECT_R, permBit, type CompiledPolicy, type ConstraintExpr, type RuleTables, type SecurityContext } from './policy.js';

export interface AvDecision {
  readonly allowed: number;
  readonly auditallow: number;
  /** Permissions whose denial is logged (all but the dontaudit ones). */
  readonly auditdeny: number;
  /** The source type is permissive: denials are logged but not enforced. */
  readonly permissive: boolean;
  /** Permissions the TE rules allow but a constraint removed (audit2why's "constraint violation"). */
  readonly constrained?: number;
  /** Where the first violated constraint was written (`file:line`). */
  readonly constraintAt?: string;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; errno: number };

const fail = <T>(errno: number): Decision<T> => ({ ok: false, errno });

function classOf(policy: CompiledPolicy, cls: string): number | undefined {
  return policy.classIndex.get(cls);
}

/** The process permissions a role change needs a role allow rule for (Linux's policydb->process_trans_perms). */
const PROCESS_TRANS_PERMS = ['transition', 'dyntransition'];

/**
 * context_struct_compute_av (Linux security/selinux/ss/services.c, libsepol
 * services.c): the avtab entries of both types' attributes ORed (lookupAv), then RBAC: "if checking process transition
 * permission and the role is changing", transition and dyntransition are
 * removed unless an `allow ROLE1 ROLE2;` rule pairs the two roles.
 */
export function computeAv(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string): Decision<AvDecision> {
  const s = typeOf(policy, scon.type);
  const t = typeOf(policy, tcon.type);
  const c = classOf(policy, cls);
  if (s === undefined || t === undefined || c === undefined) return fail(EINVAL);
  const e = lookupAv(policy, s, t, c);
  let allowed = e.allowed;
  // Constraints (context_struct_compute_av): a constraint whose permissions are allowed and whose expression is false removes them all.
  let constrained = 0;
  let constraintAt: string | undefined;
  for (const k of policy.constraints.get(c) ?? []) {
    if ((k.perms & allowed) !== 0 && !constraintHolds(policy, k.expr, scon, tcon)) {
      constrained = (constrained | (k.perms & allowed)) >>> 0;
      constraintAt ??= k.where;
      allowed = (allowed & ~k.perms) >>> 0;
    }
  }
  if (cls === 'process' && scon.role !== tcon.role && allowed !== 0 && !policy.roleAllow.has(`${scon.role}:${tcon.role}`)) {
    const pc = policy.classes[c]!;
    for (const p of PROCESS_TRANS_PERMS) allowed = (allowed & ~permBit(pc, p)) >>> 0;
  }
  return {
    ok: true,
    value: {
      allowed,
      auditallow: e.auditallow,
      auditdeny: (~e.dontaudit) >>> 0,
      permissive: policy.permissiveTypes.has(s),
      ...(constrained !== 0 ? { constrained, constraintAt } : {}),
    },
  };
}

/**
 * constraint_expr_eval (libsepol services.c, Linux ss/services.c): operand 1
 * is the source (validatetrans: the old context), 2 the target (the new
 * one), 3 the task of a validatetrans. Roles compare by dominance for dom,
 * domby and incomp; types by value, so an alias equals its type.
 */
export function constraintHolds(policy: CompiledPolicy, e: ConstraintExpr, c1: SecurityContext, c2: SecurityContext, c3?: SecurityContext): boolean {
  switch (e.op) {
    case 'not': return !constraintHolds(policy, e.arg, c1, c2, c3);
    case 'and': return constraintHolds(policy, e.left, c1, c2, c3) && constraintHolds(policy, e.right, c1, c2, c3);
    case 'or': return constraintHolds(policy, e.left, c1, c2, c3) || constraintHolds(policy, e.right, c1, c2, c3);
    case 'leaf': {
      const ctx = e.left === 1 ? c1 : e.left === 2 ? c2 : c3;
      if (ctx === undefined) return false;
      const valueOf = (c: SecurityContext): string | number => (e.attr === 'u' ? c.user : e.attr === 'r' ? c.role : typeOf(policy, c.type) ?? -1);
      const a = valueOf(ctx);
      if (e.right === 2) {
        const b = valueOf(c2);
        if (e.attr === 'r' && (e.cmp === 'dom' || e.cmp === 'domby' || e.cmp === 'incomp')) {
          const aDomB = policy.roleDominates.get(a as string)?.has(b as string) ?? a === b;
          const bDomA = policy.roleDominates.get(b as string)?.has(a as string) ?? a === b;
          return e.cmp === 'dom' ? aDomB : e.cmp === 'domby' ? bDomA : !aDomB && !bDomA;
        }
        return e.cmp === '==' ? a === b : a !== b;
      }
      const inSet = e.names!.has(a);
      return e.cmp === '==' ? inSet : !inSet;
    }
  }
}

/**
 * security_validate_transition: every validatetrans of the class must hold
 * for (old, new, task); the first that does not is returned (null: allowed).
 * The caller denies with EPERM in enforcing mode (Linux logs "op=security_validate_transition").
 */
export function validateTransition(policy: CompiledPolicy, oldcon: SecurityContext, newcon: SecurityContext, task: SecurityContext, cls: string): string | null {
  const c = classOf(policy, cls);
  if (c === undefined) return null;
  for (const v of policy.validatetrans.get(c) ?? []) if (!constraintHolds(policy, v.expr, oldcon, newcon, task)) return v.where;
  return null;
}

export interface Created {
  readonly context: SecurityContext;
  /** policydb_context_isvalid: false when the user is not authorised for the role or the role for the type. */
  readonly valid: boolean;
}

/**
 * security_compute_sid for creation: the user of the creator; the role
 * of a role_transition rule for (creator's role, target type, class), else
 * object_r for objects and the creator's role for a process; the type from a named type_transition, else a
 * plain one, else the parent's (target's) type for objects and the
 * creator's for processes.
 */
export function computeCreate(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string, name?: string): Decision<Created> {
  return computeSid(policy, scon, tcon, cls, 'typeTransitions', name);
}

/** security_change_sid: a relabel on behalf of scon (type_change rules), e.g. a login's tty. */
export function computeRelabel(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string): Decision<Created> {
  return computeSid(policy, scon, tcon, cls, 'typeChanges');
}

/** security_member_sid: a member of a polyinstantiated object (type_member rules). */
export function computeMember(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string): Decision<Created> {
  return computeSid(policy, scon, tcon, cls, 'typeMembers');
}

/**
 * security_compute_sid: user, role and type from the class's default_*
 * rules (source or target), else the source's user, the source's role for
 * a process and object_r otherwise, the source's type for a process and
 * the target's otherwise; then the type rule (unconditional, else an
 * enabled conditional one), a named type_transition first; then role_transition.
 */
function computeSid(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string, table: 'typeTransitions' | 'typeChanges' | 'typeMembers', name?: string): Decision<Created> {
  const s = typeOf(policy, scon.type);
  const t = typeOf(policy, tcon.type);
  const c = classOf(policy, cls);
  if (s === undefined || t === undefined || c === undefined) return fail(EINVAL);
  const key = avKey(policy, s, t, c);
  const isProcess = cls === 'process';
  const d = policy.defaults.get(cls);
  const user = d?.user === 'target' ? tcon.user : scon.user;
  const named = name === undefined || table !== 'typeTransitions' ? undefined : policy.namedTransitions.get(`${key}:${name}`);
  const rules: RuleTables['typeTransitions'] | ReadonlyMap<number, number> = policy[table];
  const defaultType = d?.type === 'source' ? s : d?.type === 'target' ? t : isProcess ? s : t;
  const type = named ?? rules.get(key) ?? policy.condActive[table].get(key) ?? defaultType;
  const defaultRole = d?.role === 'source' ? scon.role : d?.role === 'target' ? tcon.role : isProcess ? scon.role : OBJECT_R;
  // A role_transition rule applies to any class (security_compute_sid, AVTAB_TRANSITION), not only to processes.
  const role = (table === 'typeTransitions' ? policy.roleTransitions.get(`${scon.role}:${policy.types[t]}:${cls}`) : undefined) ?? defaultRole;
  const ctx: SecurityContext = { user, role, type: policy.types[type]! };
  // An invalid result is the caller's to handle, by the mode (compute_sid_handle_invalid_context).
  return { ok: true, value: { context: ctx, valid: validContext(policy, ctx) } };
}

export interface PermCheck {
  readonly source: SecurityContext;
  readonly target: SecurityContext;
  readonly cls: string;
  readonly perm: string;
}

export interface ExecDecision {
  readonly newContext: SecurityContext;
  /** False: the computed context is invalid (the caller denies in enforcing mode, logs and allows in permissive). */
  readonly valid: boolean;
  readonly transition: boolean;
  /** Every check that must pass for the exec: execute; then transition + entrypoint, or execute_no_trans. */
  readonly checks: readonly PermCheck[];
}

/**
 * selinux_bprm_creds_for_exec (Linux security/selinux/hooks.c): the context
 * setexeccon asked for, else security_transition_sid's; no change needs
 * file:execute_no_trans, a change process:transition and file:entrypoint.
 * (file:execute, read and open are checked by the file system as the
 * exec opens the file: may_open's inode_permission, then selinux_file_open.)
 */
export function execDecision(policy: CompiledPolicy, scon: SecurityContext, fcon: SecurityContext, execcon?: SecurityContext): Decision<ExecDecision> {
  let newContext: SecurityContext;
  let valid = true;
  if (execcon !== undefined) {
    newContext = execcon;
  } else {
    const created = computeCreate(policy, scon, fcon, 'process');
    if (!created.ok) return created;
    newContext = created.value.context;
    valid = created.value.valid;
  }
  const transition = newContext.type !== scon.type || newContext.role !== scon.role;
  const checks: PermCheck[] = [{ source: scon, target: fcon, cls: 'file', perm: 'execute' }];
  if (transition) {
    checks.push({ source: scon, target: newContext, cls: 'process', perm: 'transition' });
    checks.push({ source: newContext, target: fcon, cls: 'file', perm: 'entrypoint' });
  } else {
    checks.push({ source: scon, target: fcon, cls: 'file', perm: 'execute_no_trans' });
  }
  return { ok: true, value: { newContext, valid, transition, checks } };
}

/** Whether a check is allowed by the policy alone (no enforcing mode, no permissive types). */
export function policyAllows(policy: CompiledPolicy, check: PermCheck): boolean {
  const av = computeAv(policy, check.source, check.target, check.cls);
  const c = policy.classes[policy.classIndex.get(check.cls) ?? -1];
  if (!av.ok || c === undefined) return false;
  const bit = permBit(c, check.perm);
  return bit !== 0 && (av.value.allowed & bit) === bit;
}

/**
 * newrole's new context: the same user and type in `role`, which must be a
 * valid context (newrole's security_check_context: EINVAL otherwise, in
 * either mode). The role change itself is the object manager's
 * process:transition check, which computeAv masks without a role allow rule.
 */
export function newroleContext(policy: CompiledPolicy, scon: SecurityContext, role: string): Decision<SecurityContext> {
  const next: SecurityContext = { ...scon, role };
  if (!knownContext(policy, next) || !validContext(policy, next)) return fail(EINVAL);
  return { ok: true, value: next };
}

/**
 * The context of a network object, as Linux's security_port_sid (first
 * portcon whose protocol and range hold the port), security_node_sid (the
 * nodecon whose masked address matches, most specific mask first, as
 * checkpolicy orders them) and security_netif_sid; else the initial SID
 * port, node or netif; else unlabeled; null if the request is malformed.
 */
export function netContext(policy: CompiledPolicy, m: { object: string; protocol?: string; port?: number; addr?: number; name?: string }): SecurityContext | null {
  const fallback = (): SecurityContext | null => initialSidContext(policy, m.object) ?? initialSidContext(policy, 'unlabeled');
  switch (m.object) {
    case 'port': {
      if (typeof m.port !== 'number' || (m.protocol !== 'tcp' && m.protocol !== 'udp')) return null;
      const hit = policy.portcon.find((p) => p.protocol === m.protocol && p.low <= m.port! && m.port! <= p.high);
      return hit?.context ?? fallback();
    }
    case 'node': {
      if (typeof m.addr !== 'number') return null;
      let best: CompiledPolicy['nodecon'][number] | null = null;
      for (const n of policy.nodecon) {
        if (((m.addr & n.mask) >>> 0) !== ((n.addr & n.mask) >>> 0)) continue;
        if (best === null || (n.mask >>> 0) > (best.mask >>> 0)) best = n;
      }
      return best?.context ?? fallback();
    }
    case 'netif': {
      if (typeof m.name !== 'string') return null;
      return policy.netifcon.find((n) => n.name === m.name)?.ifContext ?? fallback();
    }
    default:
      return null;
  }
}
