/*
 * `policy query`: the effective allowed permissions between two types, in
 * sesearch's rule syntax, with attributes expanded.
 *   queryAllowed(policy, source, target, cls)  -> the rule line (TE: attributes and enabled conditionals), or null when nothing is allowed
 *   resolveQueryType(policy, name)             a type or alias name -> its value (attributes refused)
 */
import { permNames, type CompiledPolicy } from './policy.js';
import { computeAv } from './services.js';

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
  // The TE rules' answer (unconditional and enabled conditional ones) through the server's own computation; constraints are not TE.
  const av = computeAv(policy, { user: '', role: '', type: source }, { user: '', role: '', type: target }, cls);
  const allowed = av.ok ? (av.value.allowed | (av.value.constrained ?? 0)) >>> 0 : 0;
  if (allowed === 0) return { ok: true, line: null };
  return { ok: true, line: `allow ${source} ${target}:${cls} { ${permNames(policy.classes[c]!, allowed).join(' ')} };` };
}
