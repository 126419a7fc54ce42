/*
 * `policy query`: the effective allowed permissions between two types, in
 * sesearch's rule syntax, with attributes expanded.
 *   queryAllowed(policy, source, target, cls)  -> the rule line (TE: attributes and enabled conditionals), or null when nothing is allowed
 *   resolveQueryType(policy, name)             a type or alias name -> its value (attributes refused)
 */
import { lookupAv, permNames, type CompiledPolicy } from './policy.js';

export type QueryResult = { ok: true; line: string | null } | { ok: false; error: string };

export function resolveQueryType(policy: CompiledPolicy, name: string): number | string {
  const t = policy.typeLookup.get(name);
  if (t !== undefined) return t;
  if (policy.attributes.has(name)) return `${name} is an attribute: query one of its types (${(policy.attributes.get(name) ?? []).map((v) => policy.types[v]).join(', ') || 'none'})`;
  return `unknown type ${name}`;
}

export function queryAllowed(policy: CompiledPolicy, source: string, target: string, cls: string): QueryResult {
  const s = resolveQueryType(policy, source);
  if (typeof s === 'string') return { ok: false, error: s };
  const t = resolveQueryType(policy, target);
  if (typeof t === 'string') return { ok: false, error: t };
  const c = policy.classIndex.get(cls);
  if (c === undefined) return { ok: false, error: `unknown class ${cls}` };
  const allowed = lookupAv(policy, s, t, c).allowed;
  if (allowed === 0) return { ok: true, line: null };
  return { ok: true, line: `allow ${source} ${target}:${cls} { ${permNames(policy.classes[c]!, allowed).join(' ')} };` };
}
