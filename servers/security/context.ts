/*
 * Security contexts against a policy, as the kernel's policydb_context_isvalid:
 * the user is authorised for the role and the role for the type; object_r,
 * the role of objects, is exempt from both.
 *   validContext(policy, ctx)   the context names a known user, role and type, consistently
 *   knownContext(policy, ctx)   the user, role and type exist (a computed context may be known yet invalid)
 *   typeOf(policy, name)        type value of a type or alias name, or undefined
 */
import { OBJECT_R, type CompiledPolicy, type SecurityContext } from './policy.js';

export function typeOf(policy: Pick<CompiledPolicy, 'typeLookup'>, name: string): number | undefined {
  return policy.typeLookup.get(name);
}

export function validContext(policy: Pick<CompiledPolicy, 'typeLookup' | 'users' | 'roleTypes'>, ctx: SecurityContext): boolean {
  const type = typeOf(policy, ctx.type);
  const roles = policy.users.get(ctx.user);
  const roleTypes = policy.roleTypes.get(ctx.role);
  if (type === undefined || roles === undefined || roleTypes === undefined) return false;
  if (ctx.role === OBJECT_R) return true;
  return roles.has(ctx.role) && roleTypes.has(type);
}

/**
 * A context whose parts the policy defines, valid or not: in permissive mode
 * a process may run in an invalid computed context (security_compute_sid
 * gives it a SID), and decisions about it go by its type as usual.
 */
export function knownContext(policy: Pick<CompiledPolicy, 'typeLookup' | 'users' | 'roleTypes'>, ctx: SecurityContext): boolean {
  return typeOf(policy, ctx.type) !== undefined && policy.users.has(ctx.user) && policy.roleTypes.has(ctx.role);
}
