/*
 * `policy query`'s rule search, as sesearch answers it: the rules of the
 * kernel policy as checkpolicy writes them, matched by source, target, class,
 * permissions and booleans. (query.ts answers the effective permissions of two types.)
 *   policyRules(ast, policy)         the rule table (libsepol's expansion of each rule's type sets, its conditional nodes)
 *   searchRules(policy, rules, q)    sesearch's lines for a query, sorted as sesearch prints them, or an error
 *   condText(expr)                   a conditional expression as setools prints it
 */
import type { CondExprAst, NameSet, PolicyAst, Statement } from './ast.js';
import { permNames, type CompiledPolicy, type PolicyClass } from './policy.js';

export type AvKind = 'allow' | 'auditallow' | 'dontaudit';
export type TypeRuleKind = 'type_transition' | 'type_change' | 'type_member';
export type RuleKind = AvKind | TypeRuleKind | 'role_allow' | 'role_transition';
export const RULE_KINDS: readonly RuleKind[] = ['allow', 'auditallow', 'dontaudit', 'type_transition', 'type_change', 'type_member', 'role_allow', 'role_transition'];

/** A rule's conditional: sesearch's suffix (`[ b1 && b0 ]:True`) and the booleans it names. */
export interface RuleCond { readonly text: string; readonly bools: readonly string[] }
/** One avtab entry: a source and a target (type or attribute name), a class, a mask; cond null: unconditional. */
export interface AvRuleRow { readonly kind: AvKind; readonly source: string; readonly target: string; readonly cls: number; mask: number; readonly cond: RuleCond | null }
export interface TypeRuleRow { readonly kind: TypeRuleKind; readonly source: string; readonly target: string; readonly cls: number; readonly result: string; readonly filename: string | null; readonly cond: RuleCond | null }
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
  /** Rules whose conditional names any of these booleans (sesearch -b). */
  readonly bools?: readonly string[];
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

  private addAv(kind: AvKind, source: string, target: string, cls: number, mask: number, cond: RuleCond | null): void {
    if (mask === 0) return;
    // Rules on one key merge within the unconditional table, or within one branch of one conditional node.
    const key = `${kind} ${source} ${target} ${cls} ${cond?.text ?? ''}`;
    const row = this.avIndex.get(key);
    if (row !== undefined) { row.mask = (row.mask | mask) >>> 0; return; }
    const fresh: AvRuleRow = { kind, source, target, cls, mask, cond };
    this.avIndex.set(key, fresh);
    this.av.push(fresh);
  }

  avRule(s: Extract<Statement, { kind: 'avrule' }>, cond: RuleCond | null): void {
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
        for (const tgt of targets ?? selfTargets) this.addAv(kind, src, tgt, c, mask, cond);
        if (self) this.addAv(kind, src, src, c, mask, cond);
      }
    }
  }

  typeRule(kind: TypeRuleKind, source: NameSet, target: NameSet, classes: NameSet, result: string, filename: string | null, cond: RuleCond | null): void {
    const srcTypes = [...this.expand(source).types];
    const tgt = this.expand(target);
    const resultName = this.policy.types[this.policy.typeLookup.get(result) ?? -1] ?? result;
    for (const s of srcTypes) {
      const targets = new Set(tgt.types);
      if (tgt.self) targets.add(s);
      for (const t of targets) {
        for (const c of this.classes(classes)) {
          const key = `${kind} ${s} ${t} ${c} ${filename ?? ''} ${cond?.text ?? ''}`;
          if (this.typeSeen.has(key)) continue;
          this.typeSeen.add(key);
          this.types.push({ kind, source: this.policy.types[s]!, target: this.policy.types[t]!, cls: c, result: resultName, filename, cond });
        }
      }
    }
  }

  /** Role names of a set, role attributes expanded (libsepol's role_set_expand). */
  private roleNames(set: NameSet): string[] {
    const out = new Set<string>();
    for (const item of set.items) for (const r of this.policy.roleAttributes?.get(item.name) ?? [item.name]) out.add(r);
    return [...out];
  }

  roleAllowRule(from: NameSet, to: NameSet): void {
    for (const f of this.roleNames(from)) for (const t of this.roleNames(to)) {
      const key = `${f} ${t}`;
      if (this.roleAllowSeen.has(key)) continue;
      this.roleAllowSeen.add(key);
      this.roleAllow.push({ from: f, to: t });
    }
  }

  roleTransition(roles: NameSet, types: NameSet, classes: NameSet | null, result: string): void {
    const cls = classes === null ? [this.policy.classIndex.get('process') ?? -1].filter((c) => c >= 0) : this.classes(classes);
    for (const r of this.roleNames(roles)) for (const t of this.expand(types).types) for (const c of cls) {
      const key = `${r} ${t} ${c}`;
      if (this.roleTransSeen.has(key)) continue;
      this.roleTransSeen.add(key);
      this.roleTransitions.push({ role: r, type: this.policy.types[t]!, cls: c, result });
    }
  }
}

// --- conditionals -----------------------------------------------------------------

/** An expression in postfix, as checkpolicy's define_cond_expr lists it: left operand, right operand, operator. */
type Postfix = (string | 'not' | 'and' | 'or' | 'xor' | 'eq' | 'neq')[];
const OPS: ReadonlySet<string> = new Set(['not', 'and', 'or', 'xor', 'eq', 'neq']);

function postfix(e: CondExprAst, out: Postfix): void {
  if (e.op === 'bool') { out.push(`=${e.name.name}`); return; }
  if (e.op === 'not') { postfix(e.arg, out); out.push('not'); return; }
  postfix(e.left, out); postfix(e.right, out); out.push(e.op);
}

function evaluate(expr: Postfix, value: (name: string) => boolean): boolean {
  const stack: boolean[] = [];
  for (const op of expr) {
    if (!OPS.has(op)) { stack.push(value(op.slice(1))); continue; }
    if (op === 'not') { stack.push(!stack.pop()!); continue; }
    const b = stack.pop()!;
    const a = stack.pop()!;
    stack.push(op === 'and' ? a && b : op === 'or' ? a || b : op === 'xor' ? a !== b : op === 'eq' ? a === b : a !== b);
  }
  return stack.pop() ?? false;
}

/** setools' precedence for printing (higher binds tighter). */
const PRECEDENCE: Record<string, number> = { not: 5, eq: 4, neq: 4, and: 3, xor: 2, or: 1 };
const SYMBOL: Record<string, string> = { not: '!', and: '&&', or: '||', xor: '^', eq: '==', neq: '!=' };
type Infix = string | Infix[];

/**
 * A postfix expression as setools 4.4 prints it: operands popped right one
 * first, so `b1 && b2` reads `b2 && b1`; parentheses around the whole
 * subexpression when the previous operator does not bind tighter.
 */
export function condText(expr: readonly string[]): string {
  const stack: Infix[] = [];
  let prev = PRECEDENCE.not!;
  for (const op of expr) {
    if (!OPS.has(op)) { stack.push(op.slice(1)); continue; }
    const prec = PRECEDENCE[op]!;
    if (op === 'not') {
      const operand = stack.pop()!;
      stack.push(Array.isArray(operand) ? ['!', '(', operand, ')'] : ['!', operand]);
    } else {
      const first = stack.pop()!;
      const second = stack.pop()!;
      stack.push(prev > prec ? [first, SYMBOL[op]!, second] : ['(', first, SYMBOL[op]!, second, ')']);
    }
    prev = prec;
  }
  const flat = (x: Infix): string[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
  return flat(stack).join(' ');
}

/** libsepol's COND_MAX_BOOLS: expressions over more booleans are compared node by node, not by truth table. */
const COND_MAX_BOOLS = 5;

interface CondNode { readonly expr: Postfix; readonly bools: readonly string[]; readonly table: number | null }

/**
 * checkpolicy's define_conditional: the expression normalised (a final `!`
 * removed and the branches swapped, cond_normalize_expr), then merged into
 * an earlier node with an equal expression (cond_expr_equal: the same
 * booleans in the same order and the same truth table), whose text stays.
 */
class CondNodes {
  private readonly nodes: CondNode[] = [];

  place(e: CondExprAst): { node: CondNode; swapped: boolean } {
    const expr: Postfix = [];
    postfix(e, expr);
    let swapped = false;
    if (expr.length > 1 && expr[expr.length - 1] === 'not') { expr.pop(); swapped = true; }
    const bools: string[] = [];
    for (const op of expr) if (!OPS.has(op) && !bools.includes(op.slice(1))) bools.push(op.slice(1));
    let table: number | null = null;
    if (bools.length <= COND_MAX_BOOLS) {
      table = 0;
      for (let v = 0; v < 1 << bools.length; v++) if (evaluate(expr, (n) => ((v >> bools.indexOf(n)) & 1) === 1)) table |= 1 << v;
    }
    const same = this.nodes.find((n) => (table !== null && n.table !== null
      ? n.table === table && n.bools.length === bools.length && n.bools.every((b, i) => b === bools[i])
      : n.expr.length === expr.length && n.expr.every((x, i) => x === expr[i])));
    if (same !== undefined) return { node: same, swapped };
    const node: CondNode = { expr, bools, table };
    this.nodes.push(node);
    return { node, swapped };
  }
}

// --- the table ---------------------------------------------------------------------

/**
 * The statements the compiled policy holds: an optional block's body when
 * everything its `require` names is declared in the compiled policy (which
 * holds only what kept blocks declare: libsepol's link), else its else body.
 */
function keptStatements(list: readonly Statement[], policy: CompiledPolicy, tunables: ReadonlyMap<string, boolean>, out: Statement[]): void {
  const declared = (what: string, name: string): boolean => {
    switch (what) {
      case 'type': return policy.typeLookup.has(name);
      case 'attribute': return policy.attributes.has(name);
      case 'role': return policy.roleTypes.has(name);
      case 'attribute_role': return policy.roleAttributes?.has(name) ?? false;
      case 'user': return policy.users.has(name);
      case 'bool': case 'tunable': return (policy.booleans ?? []).includes(name) || tunables.has(name);
      default: return true;
    }
  };
  for (const s of list) {
    if (s.kind !== 'optional') { out.push(s); continue; }
    const met = s.body.every((r) => r.kind !== 'require' || r.items.every((i) => i.names.every((n) => declared(i.what, n.name))));
    keptStatements(met ? s.body : s.elseBody ?? [], policy, tunables, out);
  }
}

/** The rule table of a policy that compiled (so every name in the AST resolves). */
export function policyRules(ast: PolicyAst, policy: CompiledPolicy): PolicyRules {
  const b = new RuleBuilder(policy);
  const tunables = new Map<string, boolean>();
  for (const s of ast.statements) if (s.kind === 'bool' && s.tunable) tunables.set(s.name.name, s.value);
  const statements: Statement[] = [];
  keptStatements(ast.statements, policy, tunables, statements);
  for (const s of statements) if (s.kind === 'bool' && s.tunable) tunables.set(s.name.name, s.value);
  const nodes = new CondNodes();
  const rule = (s: Statement, cond: RuleCond | null): void => {
    switch (s.kind) {
      case 'avrule': b.avRule(s, cond); break;
      case 'typeTransition': b.typeRule(s.rule ?? 'type_transition', s.source, s.target, s.classes, s.result.name, s.filename, cond); break;
      default: break;
    }
  };
  for (const s of statements) {
    switch (s.kind) {
      case 'avrule': case 'typeTransition': rule(s, null); break;
      case 'cond': {
        const expr: Postfix = [];
        postfix(s.expr, expr);
        const names = expr.filter((op) => !OPS.has(op)).map((op) => op.slice(1));
        // A tunable-only expression is decided at compile time: its chosen branch is unconditional.
        if (names.every((n) => tunables.has(n))) {
          for (const r of evaluate(expr, (n) => tunables.get(n)!) ? s.whenTrue : s.whenFalse) rule(r, null);
          break;
        }
        const { node, swapped } = nodes.place(s.expr);
        const text = condText(node.expr);
        const branch = (value: boolean): RuleCond => ({ text: `[ ${text} ]:${value === !swapped ? 'True' : 'False'}`, bools: node.bools });
        for (const r of s.whenTrue) rule(r, branch(true));
        for (const r of s.whenFalse) rule(r, branch(false));
        break;
      }
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
  for (const name of q.bools ?? []) if (!(policy.booleans ?? []).includes(name)) return { ok: false, error: `${name} is not a valid boolean` };
  // sesearch -b: only conditional rules naming one of the booleans.
  const condOk = (cond: RuleCond | null): boolean => q.bools === undefined || (cond !== null && cond.bools.some((b) => q.bools!.includes(b)));
  const suffix = (cond: RuleCond | null): string => (cond === null ? '' : ` ${cond.text}`);
  const lines: string[] = [];
  const teKinds = [...q.kinds].filter((k) => k !== 'role_allow' && k !== 'role_transition');
  if (teKinds.length > 0) {
    const src = typeCriterion(policy, q.source);
    const tgt = typeCriterion(policy, q.target);
    if (typeof src === 'string') return { ok: false, error: src };
    if (typeof tgt === 'string') return { ok: false, error: tgt };
    for (const r of rules.av) {
      if (!q.kinds.has(r.kind) || !classOk(r.cls) || !condOk(r.cond) || !src(r.source) || !tgt(r.target)) continue;
      const cls = policy.classes[r.cls]!;
      const perms = permNames(cls, r.mask);
      if (q.perms !== undefined && !perms.some((p) => q.perms!.includes(p))) continue;
      lines.push(`${r.kind} ${r.source} ${r.target}:${cls.name} ${permList(perms)};${suffix(r.cond)}`);
    }
    if (q.perms === undefined) {
      for (const r of rules.types) {
        if (!q.kinds.has(r.kind) || !classOk(r.cls) || !condOk(r.cond) || !src(r.source) || !tgt(r.target)) continue;
        lines.push(`${r.kind} ${r.source} ${r.target}:${policy.classes[r.cls]!.name} ${r.result}${r.filename === null ? '' : ` ${r.filename}`};${suffix(r.cond)}`);
      }
    }
  }
  // sesearch prints the TE results, then the RBAC ones, each group sorted.
  const rbac: string[] = [];
  if (q.kinds.has('role_allow') && q.bools === undefined) {
    const from = roleCriterion(policy, q.source);
    const to = roleCriterion(policy, q.target);
    if (typeof from === 'string') return { ok: false, error: from };
    if (typeof to === 'string') return { ok: false, error: to };
    for (const r of rules.roleAllow) if (from(r.from) && to(r.to)) rbac.push(`allow ${r.from} ${r.to};`);
  }
  if (q.kinds.has('role_transition') && q.bools === undefined) {
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
