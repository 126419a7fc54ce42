/*
 * `policy query`'s rule search, as sesearch answers it: the rules of the
 * kernel policy as checkpolicy writes them, matched by source, target, class
 * and permissions. (query.ts answers the effective permissions of two types.)
 *   policyRules(ast, policy)         the rule table (libsepol's expansion of each rule's type sets)
 *   searchRules(policy, rules, q)    sesearch's lines for a query, sorted as sesearch prints them, or an error
 */
import type { NameSet, PolicyAst, Statement } from './ast.js';
import { permNames, type CompiledPolicy, type PolicyClass } from './policy.js';

export type AvKind = 'allow' | 'auditallow' | 'dontaudit';
export type TypeRuleKind = 'type_transition' | 'type_change' | 'type_member';
export type RuleKind = AvKind | TypeRuleKind | 'role_allow' | 'role_transition';
export const RULE_KINDS: readonly RuleKind[] = ['allow', 'auditallow', 'dontaudit', 'type_transition', 'type_change', 'type_member', 'role_allow', 'role_transition'];

/** One avtab entry: a source and a target (type or attribute name), a class, a mask. */
export interface AvRuleRow { readonly kind: AvKind; readonly source: string; readonly target: string; readonly cls: number; mask: number }
export interface TypeRuleRow { readonly kind: TypeRuleKind; readonly source: string; readonly target: string; readonly cls: number; readonly result: string; readonly filename: string | null }
export interface RoleAllowRow { readonly from: string; readonly to: string }
export interface RoleTransitionRow { readonly role: string; readonly type: string; readonly cls: number; readonly result: string }

/** The rules of a compiled policy as the kernel binary holds them (what sesearch reads). */
export interface PolicyRules {
  readonly av: readonly AvRuleRow[];
  readonly types: readonly TypeRuleRow[];
  readonly roleAllow: readonly RoleAllowRow[];
  readonly roleTransitions: readonly RoleTransitionRow[];
}

export interface RuleQuery {
  readonly kinds: ReadonlySet<RuleKind>;
  readonly source?: string;
  readonly target?: string;
  readonly classes?: readonly string[];
  readonly perms?: readonly string[];
}

export type SearchResult = { ok: true; lines: string[] } | { ok: false; error: string };

// --- the rule table -----------------------------------------------------------

/**
 * libsepol's expand step (expand_rule) as observed on checkpolicy's output:
 * a type set of plain names keeps each name, so an attribute stays one
 * avtab key; a set with `-x`, `*` or `~`, and both sets of a rule whose
 * target holds `self`, are expanded to types. Type rules and role rules are
 * always expanded.
 */
class RuleBuilder {
  private readonly avIndex = new Map<string, AvRuleRow>();
  readonly av: AvRuleRow[] = [];
  readonly types: TypeRuleRow[] = [];
  private readonly typeSeen = new Set<string>();
  readonly roleAllow: RoleAllowRow[] = [];
  private readonly roleAllowSeen = new Set<string>();
  readonly roleTransitions: RoleTransitionRow[] = [];
  private readonly roleTransSeen = new Set<string>();

  constructor(private readonly policy: CompiledPolicy) {}

  /** Type values of a set (attributes expanded), with `self` reported apart. */
  private expand(set: NameSet): { types: Set<number>; self: boolean } {
    const plus = new Set<number>();
    const minus = new Set<number>();
    let self = false;
    for (const item of set.items) {
      const into = item.negated ? minus : plus;
      const t = this.policy.typeLookup.get(item.name);
      if (t !== undefined) { into.add(t); continue; }
      const members = this.policy.attributes.get(item.name);
      if (members !== undefined) { for (const m of members) into.add(m); continue; }
      if (item.name === 'self') self = true;
    }
    let types = new Set<number>();
    if (set.star) for (let t = 0; t < this.policy.types.length; t++) types.add(t);
    else for (const t of plus) if (!minus.has(t)) types.add(t);
    if (set.complement) {
      const inner = types;
      types = new Set();
      for (let t = 0; t < this.policy.types.length; t++) if (!inner.has(t)) types.add(t);
    }
    return { types, self };
  }

  /** The avtab key names of a set: as written when plain, else its types. */
  private keyNames(set: NameSet, expandAll: boolean): string[] {
    const plain = !set.star && !set.complement && set.items.every((i) => !i.negated && i.name !== 'self');
    if (plain && !expandAll) {
      const out = new Set<string>();
      for (const item of set.items) {
        const t = this.policy.typeLookup.get(item.name);
        out.add(t === undefined ? item.name : this.policy.types[t]!);
      }
      return [...out];
    }
    return [...this.expand(set).types].map((t) => this.policy.types[t]!);
  }

  private classes(set: NameSet): number[] {
    return set.items.map((i) => this.policy.classIndex.get(i.name)).filter((c): c is number => c !== undefined);
  }

  private mask(set: NameSet, cls: PolicyClass): number {
    const all = cls.perms.length === 32 ? 0xffffffff : (1 << cls.perms.length) - 1;
    if (set.star) return all >>> 0;
    let m = 0;
    for (const item of set.items) { const bit = cls.perms.indexOf(item.name); if (bit >= 0) m |= 1 << bit; }
    return (set.complement ? all & ~m : m) >>> 0;
  }

  private addAv(kind: AvKind, source: string, target: string, cls: number, mask: number): void {
    if (mask === 0) return;
    const key = `${kind} ${source} ${target} ${cls}`;
    const row = this.avIndex.get(key);
    if (row !== undefined) { row.mask = (row.mask | mask) >>> 0; return; }
    const fresh: AvRuleRow = { kind, source, target, cls, mask };
    this.avIndex.set(key, fresh);
    this.av.push(fresh);
  }

  avRule(s: Extract<Statement, { kind: 'avrule' }>): void {
    if (s.rule === 'neverallow') return; // assertions are checked at compile time and not written to the binary
    const self = s.target.items.some((i) => i.name === 'self' && !i.negated && !this.policy.typeLookup.has('self'));
    const sources = this.keyNames(s.source, self);
    const targets = self ? null : this.keyNames(s.target, false);
    const selfTargets = self ? this.keyNames({ ...s.target, items: s.target.items.filter((i) => i.name !== 'self') }, true) : [];
    const kind: AvKind = s.rule === 'auditdeny' ? 'dontaudit' : s.rule;
    for (const c of this.classes(s.classes)) {
      const cls = this.policy.classes[c]!;
      let mask = this.mask(s.perms, cls);
      // auditdeny P keeps the denials of P audited: the dontaudit of the rest.
      if (s.rule === 'auditdeny') mask = ((cls.perms.length === 32 ? 0xffffffff : (1 << cls.perms.length) - 1) & ~mask) >>> 0;
      for (const src of sources) {
        for (const tgt of targets ?? selfTargets) this.addAv(kind, src, tgt, c, mask);
        if (self) this.addAv(kind, src, src, c, mask);
      }
    }
  }

  typeRule(kind: TypeRuleKind, source: NameSet, target: NameSet, classes: NameSet, result: string, filename: string | null): void {
    const srcTypes = [...this.expand(source).types];
    const tgt = this.expand(target);
    const resultName = this.policy.types[this.policy.typeLookup.get(result) ?? -1] ?? result;
    for (const s of srcTypes) {
      const targets = new Set(tgt.types);
      if (tgt.self) targets.add(s);
      for (const t of targets) {
        for (const c of this.classes(classes)) {
          const key = `${kind} ${s} ${t} ${c} ${filename ?? ''}`;
          if (this.typeSeen.has(key)) continue;
          this.typeSeen.add(key);
          this.types.push({ kind, source: this.policy.types[s]!, target: this.policy.types[t]!, cls: c, result: resultName, filename });
        }
      }
    }
  }

  roleAllowRule(from: NameSet, to: NameSet): void {
    for (const f of from.items) for (const t of to.items) {
      const key = `${f.name} ${t.name}`;
      if (this.roleAllowSeen.has(key)) continue;
      this.roleAllowSeen.add(key);
      this.roleAllow.push({ from: f.name, to: t.name });
    }
  }

  roleTransition(roles: NameSet, types: NameSet, classes: NameSet | null, result: string): void {
    const cls = classes === null ? [this.policy.classIndex.get('process') ?? -1].filter((c) => c >= 0) : this.classes(classes);
    for (const r of roles.items) for (const t of this.expand(types).types) for (const c of cls) {
      const key = `${r.name} ${t} ${c}`;
      if (this.roleTransSeen.has(key)) continue;
      this.roleTransSeen.add(key);
      this.roleTransitions.push({ role: r.name, type: this.policy.types[t]!, cls: c, result });
    }
  }
}

/** The rule table of a policy that compiled (so every name in the AST resolves). */
export function policyRules(ast: PolicyAst, policy: CompiledPolicy): PolicyRules {
  const b = new RuleBuilder(policy);
  for (const s of ast.statements) {
    switch (s.kind) {
      case 'avrule': b.avRule(s); break;
      case 'typeTransition': b.typeRule('type_transition', s.source, s.target, s.classes, s.result.name, s.filename); break;
      case 'roleAllow': b.roleAllowRule(s.from, s.to); break;
      case 'roleTransition': b.roleTransition(s.roles, s.types, s.classes, s.result.name); break;
      default: break;
    }
  }
  return { av: b.av, types: b.types, roleAllow: b.roleAllow, roleTransitions: b.roleTransitions };
}

// --- the search ----------------------------------------------------------------

/** The types a type or attribute name stands for, or null when it is neither. */
function typesOf(policy: CompiledPolicy, name: string): ReadonlySet<number> | null {
  const t = policy.typeLookup.get(name);
  if (t !== undefined) return new Set([t]);
  const members = policy.attributes.get(name);
  return members === undefined ? null : new Set(members);
}

/**
 * sesearch's indirect match: the rule's name and the query's name overlap
 * once both are expanded to types. An attribute with no types matches every
 * rule, as in sesearch 4.4 (an empty attribute is falsy to its query: no criterion).
 */
function typeCriterion(policy: CompiledPolicy, name: string | undefined): ((ruleName: string) => boolean) | string {
  if (name === undefined) return () => true;
  const wanted = typesOf(policy, name);
  if (wanted === null) return `${name} is not a valid type or attribute`;
  if (wanted.size === 0) return () => true;
  const cache = new Map<string, boolean>();
  return (ruleName) => {
    let hit = cache.get(ruleName);
    if (hit === undefined) {
      hit = [...(typesOf(policy, ruleName) ?? [])].some((t) => wanted.has(t));
      cache.set(ruleName, hit);
    }
    return hit;
  };
}

function roleCriterion(policy: CompiledPolicy, name: string | undefined): ((role: string) => boolean) | string {
  if (name === undefined) return () => true;
  if (!policy.roleTypes.has(name)) return `${name} is not a valid role`;
  return (role) => role === name;
}

const permList = (perms: readonly string[]): string => (perms.length === 1 ? perms[0]! : `{ ${perms.join(' ')} }`);

/** UTF-16 code unit order, the order of Python's sorted() on these ASCII lines. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function searchRules(policy: CompiledPolicy, rules: PolicyRules, q: RuleQuery): SearchResult {
  let classes: Set<number> | null = null;
  if (q.classes !== undefined) {
    classes = new Set();
    for (const name of q.classes) {
      const c = policy.classIndex.get(name);
      if (c === undefined) return { ok: false, error: `${name} is not a valid class` };
      classes.add(c);
    }
  }
  const classOk = (c: number): boolean => classes === null || classes.has(c);
  const lines: string[] = [];
  const teKinds = [...q.kinds].filter((k) => k !== 'role_allow' && k !== 'role_transition');
  if (teKinds.length > 0) {
    const src = typeCriterion(policy, q.source);
    const tgt = typeCriterion(policy, q.target);
    if (typeof src === 'string') return { ok: false, error: src };
    if (typeof tgt === 'string') return { ok: false, error: tgt };
    for (const r of rules.av) {
      if (!q.kinds.has(r.kind) || !classOk(r.cls) || !src(r.source) || !tgt(r.target)) continue;
      const cls = policy.classes[r.cls]!;
      const perms = permNames(cls, r.mask);
      if (q.perms !== undefined && !perms.some((p) => q.perms!.includes(p))) continue;
      lines.push(`${r.kind} ${r.source} ${r.target}:${cls.name} ${permList(perms)};`);
    }
    if (q.perms === undefined) {
      for (const r of rules.types) {
        if (!q.kinds.has(r.kind) || !classOk(r.cls) || !src(r.source) || !tgt(r.target)) continue;
        lines.push(`${r.kind} ${r.source} ${r.target}:${policy.classes[r.cls]!.name} ${r.result}${r.filename === null ? '' : ` ${r.filename}`};`);
      }
    }
  }
  // sesearch prints the TE results, then the RBAC ones, each group sorted.
  const rbac: string[] = [];
  if (q.kinds.has('role_allow')) {
    const from = roleCriterion(policy, q.source);
    const to = roleCriterion(policy, q.target);
    if (typeof from === 'string') return { ok: false, error: from };
    if (typeof to === 'string') return { ok: false, error: to };
    for (const r of rules.roleAllow) if (from(r.from) && to(r.to)) rbac.push(`allow ${r.from} ${r.to};`);
  }
  if (q.kinds.has('role_transition')) {
    const role = roleCriterion(policy, q.source);
    const type = typeCriterion(policy, q.target);
    if (typeof role === 'string') return { ok: false, error: role };
    if (typeof type === 'string') return { ok: false, error: type };
    for (const r of rules.roleTransitions) {
      if (role(r.role) && type(r.type) && classOk(r.cls)) rbac.push(`role_transition ${r.role} ${r.type}:${policy.classes[r.cls]!.name} ${r.result};`);
    }
  }
  return { ok: true, lines: [...lines.sort(byText), ...rbac.sort(byText)] };
}
