/*
 * The security server's decisions (SELinux's services.c) over a compiled policy.
 *   computeAv(policy, scon, tcon, cls)             allowed, auditallow, auditdeny, permissive
 *   computeCreate(policy, scon, tcon, cls, name?)  the context of a new object or of an exec'd process
 *   execDecision(policy, scon, fcon)               domain transition: the new context and the checks it needs
 *   newroleAllowed(policy, scon, role)             role allow + the new context is valid
 * Contexts that name unknown users, roles or types are refused with EINVAL.
 */
import { EACCES, EINVAL } from '../../kernel/errno.js';
import { typeOf, validContext } from './context.js';
import { avKey, OBJECT_R, permBit, type CompiledPolicy, type SecurityContext } from './policy.js';

export interface AvDecision {
  readonly allowed: number;
  readonly auditallow: number;
  /** Permissions whose denial is logged (all but the dontaudit ones). */
  readonly auditdeny: number;
  /** The source type is permissive: denials are logged but not enforced. */
  readonly permissive: boolean;
}

export type Decision<T> = { ok: true; value: T } | { ok: false; errno: number };

const fail = <T>(errno: number): Decision<T> => ({ ok: false, errno });

function classOf(policy: CompiledPolicy, cls: string): number | undefined {
  return policy.classIndex.get(cls);
}

export function computeAv(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string): Decision<AvDecision> {
  const s = typeOf(policy, scon.type);
  const t = typeOf(policy, tcon.type);
  const c = classOf(policy, cls);
  if (s === undefined || t === undefined || c === undefined) return fail(EINVAL);
  const e = policy.avtab.get(avKey(policy, s, t, c));
  return {
    ok: true,
    value: {
      allowed: e?.allowed ?? 0,
      auditallow: e?.auditallow ?? 0,
      auditdeny: (~(e?.dontaudit ?? 0)) >>> 0,
      permissive: policy.permissiveTypes.has(s),
    },
  };
}

/**
 * security_compute_sid for creation: the user of the creator; the role
 * object_r for objects, or for a process the creator's role unless a
 * role_transition applies; the type from a named type_transition, else a
 * plain one, else the parent's (target's) type for objects and the
 * creator's for processes.
 */
export function computeCreate(policy: CompiledPolicy, scon: SecurityContext, tcon: SecurityContext, cls: string, name?: string): Decision<SecurityContext> {
  const s = typeOf(policy, scon.type);
  const t = typeOf(policy, tcon.type);
  const c = classOf(policy, cls);
  if (s === undefined || t === undefined || c === undefined) return fail(EINVAL);
  const key = avKey(policy, s, t, c);
  const isProcess = cls === 'process';
  const named = name === undefined ? undefined : policy.namedTransitions.get(`${key}:${name}`);
  const type = named ?? policy.typeTransitions.get(key) ?? (isProcess ? s : t);
  const role = isProcess ? policy.roleTransitions.get(`${scon.role}:${policy.types[t]}:${cls}`) ?? scon.role : OBJECT_R;
  const ctx: SecurityContext = { user: scon.user, role, type: policy.types[type]! };
  // The kernel refuses to compute a context the policy does not authorise.
  if (!validContext(policy, ctx)) return fail(EACCES);
  return { ok: true, value: ctx };
}

export interface PermCheck {
  readonly source: SecurityContext;
  readonly target: SecurityContext;
  readonly cls: string;
  readonly perm: string;
}

export interface ExecDecision {
  readonly newContext: SecurityContext;
  readonly transition: boolean;
  /** Every check that must pass for the exec: execute; then transition + entrypoint, or execute_no_trans. */
  readonly checks: readonly PermCheck[];
}

export function execDecision(policy: CompiledPolicy, scon: SecurityContext, fcon: SecurityContext): Decision<ExecDecision> {
  const created = computeCreate(policy, scon, fcon, 'process');
  if (!created.ok) return created;
  const newContext = created.value;
  const transition = newContext.type !== scon.type || newContext.role !== scon.role;
  const checks: PermCheck[] = [{ source: scon, target: fcon, cls: 'file', perm: 'execute' }];
  if (transition) {
    checks.push({ source: scon, target: newContext, cls: 'process', perm: 'transition' });
    checks.push({ source: newContext, target: fcon, cls: 'file', perm: 'entrypoint' });
  } else {
    checks.push({ source: scon, target: fcon, cls: 'file', perm: 'execute_no_trans' });
  }
  return { ok: true, value: { newContext, transition, checks } };
}

/** Whether a check is allowed by the policy alone (no enforcing mode, no permissive types). */
export function policyAllows(policy: CompiledPolicy, check: PermCheck): boolean {
  const av = computeAv(policy, check.source, check.target, check.cls);
  const c = policy.classes[policy.classIndex.get(check.cls) ?? -1];
  if (!av.ok || c === undefined) return false;
  const bit = permBit(c, check.perm);
  return bit !== 0 && (av.value.allowed & bit) === bit;
}

/** newrole: a role allow rule from the current role, and the user and type authorised for the new role. */
export function newroleAllowed(policy: CompiledPolicy, scon: SecurityContext, role: string): Decision<SecurityContext> {
  const next: SecurityContext = { ...scon, role };
  if (!policy.roleTypes.has(role)) return fail(EINVAL);
  if (!policy.roleAllow.has(`${scon.role}:${role}`) || !validContext(policy, next)) return fail(EACCES);
  return { ok: true, value: next };
}
