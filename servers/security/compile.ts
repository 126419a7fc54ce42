/*
 * From the parsed policy.conf to a CompiledPolicy, with checkpolicy's
 * checks: optional blocks whose requirements are missing dropped (libsepol's
 * link/expand), declarations first (so rules may name what is declared later),
 * then attribute membership, rules keyed on the types and attributes they name
 * (libsepol's avtab; conditional ones into their branch's tables; tunables'
 * blocks decided here), neverallow assertions and typebounds against the
 * final rules (every violation reported), constraints resolved, and contexts validated.
 *   compilePolicy(ast, text)   -> CompiledPolicy, or throws ParseError (file:line:column)
 *   loadPolicy(text, file)     parse + compile
 */
import type { ParseError } from '../../lib/parse-error.js';
import type { CondExprAst, ConstraintExprAst, Name, NameSet, Pos, PolicyAst, SecurityContextAst, Statement } from './ast.js';
import { parsePolicy, policyError } from './parse.js';
import { validContext } from './context.js';
import {
  activeRules, avKey, emptyRuleTables, evaluateCond, lookupAvIn, OBJECT_R, permNames, type AvEntry, type CompiledPolicy, type CondOp, type Conditional,
  type Constraint, type ConstraintExpr, type PolicyClass, type RuleTables, type SecurityContext,
} from './policy.js';

/** The policy capabilities libsepol 3.4 knows (polcaps.c); checkpolicy refuses any other name. */
export const POLICY_CAPABILITIES: readonly string[] = ['network_peer_controls', 'open_perms', 'extended_socket_class', 'always_check_network',
  'cgroup_seclabel', 'nnp_nosuid_transition', 'genfs_seclabel_symlinks', 'ioctl_skip_cloexec'];

/** genfscon file types -> the class checkpolicy looks up for them. */
const GENFS_FILE_CLASSES: Readonly<Record<string, string>> = { '-b': 'blk_file', '-c': 'chr_file', '-d': 'dir', '-p': 'fifo_file', '-l': 'lnk_file', '-s': 'sock_file', '--': 'file' };

/** Bounds on the fixpoint over optional blocks: each pass disables at least one block. */
const MAX_OPTIONAL_BLOCKS = 100_000;

/** Neverallow violations listed in the error; the count says how many there were in all. */
const MAX_REPORTED_VIOLATIONS = 50;

/** The kernel's access vectors are 32 bits wide. */
const MAX_PERMS_PER_CLASS = 32;

type TypeSym = { kind: 'type'; value: number } | { kind: 'alias'; value: number } | { kind: 'attribute'; members: Set<number> };
type Stmt<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

class Compiler {
  readonly classes: PolicyClass[] = [];
  readonly classIndex = new Map<string, number>();
  private readonly declaredClasses = new Map<string, Pos>();
  private readonly commons = new Map<string, string[]>();
  readonly types: string[] = [];
  private readonly typeSyms = new Map<string, TypeSym>();
  readonly roleTypes = new Map<string, Set<number>>([[OBJECT_R, new Set()]]);
  readonly roleAllow = new Set<string>();
  readonly roleTransitions = new Map<string, string>();
  readonly users = new Map<string, Set<string>>();
  readonly avtab = new Map<number, AvEntry>();
  /** Attribute -> avtab key (after the types); set once membership is known. */
  readonly attributeKeys = new Map<string, number>();
  /** Avtab key -> the types it stands for (a type: itself). */
  private readonly keyMembers: (readonly number[])[] = [];
  readonly typeAttrMap: number[][] = [];
  keyCount = 0;
  readonly typeTransitions = new Map<number, number>();
  readonly typeChanges = new Map<number, number>();
  readonly typeMembers = new Map<number, number>();
  /** The unconditional rules (the tables above). */
  private readonly base: RuleTables = { avtab: this.avtab, typeTransitions: this.typeTransitions, typeChanges: this.typeChanges, typeMembers: this.typeMembers };
  readonly namedTransitions = new Map<string, number>();
  private readonly booleans: string[] = [];
  private readonly boolDefaults: boolean[] = [];
  private readonly tunables = new Map<string, boolean>();
  private readonly conditionals: Conditional[] = [];
  private readonly roleAttrs = new Map<string, Set<string>>();
  private readonly roleDominates = new Map<string, Set<string>>();
  private readonly constraints = new Map<number, Constraint[]>();
  private readonly validatetrans = new Map<number, Constraint[]>();
  private readonly defaults = new Map<string, { user?: 'source' | 'target'; role?: 'source' | 'target'; type?: 'source' | 'target' }>();
  private readonly policycaps: string[] = [];
  private readonly typeBounds = new Map<number, number>();
  /** The statements of the policy with optional blocks resolved (kept bodies spliced in). */
  private statements: readonly Statement[] = [];
  /**
   * The avrule_decl of each statement inside an optional block, numbered in file order from 1 (absent: the
   * global block, 0). libsepol expands the decls in that order, and an attribute in `role R types A` by the
   * members added so far: the global block's, and those of decls up to the role statement's own (a global
   * statement sees only the global block's). Checked against checkpolicy + seinfo, and on the reference policy.
   */
  private readonly declOf = new Map<Statement, number>();
  /** Each attribute's members, with the first decl that adds each. */
  private readonly memberDecl = new Map<string, Map<number, number>>();
  readonly permissiveTypes = new Set<number>();
  readonly initialSids = new Map<string, SecurityContext | null>();
  readonly fsUse: CompiledPolicy['fsUse'][number][] = [];
  readonly genfs: CompiledPolicy['genfs'][number][] = [];
  readonly portcon: CompiledPolicy['portcon'][number][] = [];
  readonly netifcon: CompiledPolicy['netifcon'][number][] = [];
  readonly nodecon: CompiledPolicy['nodecon'][number][] = [];

  constructor(private readonly ast: PolicyAst, private readonly text: string) {}

  err(detail: string, at: Pos): ParseError { return policyError(this.text, this.ast.file, detail, at); }

  private of<K extends Statement['kind']>(...kinds: K[]): Stmt<K>[] {
    return this.statements.filter((s): s is Stmt<K> => (kinds as string[]).includes(s.kind));
  }

  compile(): CompiledPolicy {
    this.statements = this.resolveOptionals();
    this.declareClasses();
    this.declareTypes();
    for (const s of this.of('attributeRole')) {
      if (this.roleAttrs.has(s.name.name) || this.roleTypes.has(s.name.name)) throw this.err(`duplicate declaration of role attribute ${s.name.name}`, s.name.pos);
      this.roleAttrs.set(s.name.name, new Set());
    }
    for (const s of this.of('role', 'roleattribute')) {
      if (s.kind === 'roleattribute' && s.declares !== true) continue;
      if (this.roleAttrs.has(s.name.name)) throw this.err(`${s.name.name} is a role attribute, not a role`, s.name.pos);
      if (!this.roleTypes.has(s.name.name)) this.roleTypes.set(s.name.name, new Set());
    }
    for (const s of this.of('user')) if (!this.users.has(s.name.name)) this.users.set(s.name.name, new Set());
    this.declareBooleans();
    this.attributeMembership();
    this.numberKeys();
    // A role attribute may be put in another (`roleattribute dpkg_roles kmod_roles;` in the reference
    // policy): its roles join the outer one's, transitively, as libsepol's expand of role attributes does.
    const nested: [string, string][] = [];
    for (const s of this.of('roleattribute')) {
      for (const a of s.attributes) {
        const members = this.roleAttrs.get(a.name);
        if (members === undefined) throw this.err(`role attribute ${a.name} is not declared`, a.pos);
        if (this.roleAttrs.has(s.name.name)) nested.push([s.name.name, a.name]);
        else members.add(this.role(s.name));
      }
    }
    for (let changed = true, pass = 0; changed && pass <= this.roleAttrs.size; pass++) {
      changed = false;
      for (const [inner, outer] of nested) {
        const into = this.roleAttrs.get(outer)!;
        for (const r of this.roleAttrs.get(inner)!) if (!into.has(r)) { into.add(r); changed = true; }
      }
    }
    const neverallows: Stmt<'avrule'>[] = [];
    for (const s of this.statements) {
      switch (s.kind) {
        case 'permissive': this.permissive(s); break;
        case 'roleTypes': this.roleTypesRule(s); break;
        case 'avrule': if (s.rule === 'neverallow') { this.avrule(s); neverallows.push(s); } else this.avrule(s); break;
        case 'typeTransition': this.typeTransition(s); break;
        case 'cond': this.conditional(s); break;
        case 'roleAllow': this.roleAllowRule(s); break;
        case 'roleTransition': this.roleTransition(s); break;
        case 'roleDominance': this.dominance(s); break;
        case 'user': for (const r of this.roles(s.roles, 'user declarations')) this.users.get(s.name.name)!.add(r); break;
        case 'policycap': this.policycap(s); break;
        case 'typebounds': this.typebounds(s); break;
        case 'defaultObject': this.defaultObject(s); break;
        case 'constrain': this.constraint(s); break;
        default: break;
      }
    }
    this.checkNeverallows(neverallows);
    this.checkBounds();
    const policy = this.result();
    this.contexts(policy);
    return policy;
  }

  // --- optional blocks ----------------------------------------------------

  /**
   * libsepol's link step for a base policy: an optional block is kept when
   * every symbol its `require` names is declared by a kept part of the
   * policy, else its `else` body is used. A dropped block's declarations
   * vanish, which may drop others: repeat until nothing changes.
   */
  private resolveOptionals(): Statement[] {
    type Block = Stmt<'optional'>;
    const dropped = new Set<Block>();
    let decls = 0;
    const flatten = (list: readonly Statement[], out: Statement[], decl: number): void => {
      for (const s of list) {
        if (decl > 0) this.declOf.set(s, decl);
        if (s.kind !== 'optional') { out.push(s); continue; }
        out.push(s);
        flatten(dropped.has(s) ? s.elseBody ?? [] : s.body, out, ++decls);
      }
    };
    for (let pass = 0; pass < MAX_OPTIONAL_BLOCKS; pass++) {
      const kept: Statement[] = [];
      this.declOf.clear();
      decls = 0;
      flatten(this.ast.statements, kept, 0);
      const declared = this.declaredNames(kept);
      let changed = false;
      for (const s of kept) {
        if (s.kind !== 'optional' || dropped.has(s)) continue;
        if (!s.body.every((r) => r.kind !== 'require' || this.requirementsMet(r, declared))) { dropped.add(s); changed = true; }
      }
      if (!changed) {
        // A require in a top-level if branch is the global block's: libsepol refuses the policy when it is not met.
        for (const r of this.ast.statements) {
          if (r.kind !== 'require' || this.requirementsMet(r, declared)) continue;
          const missing = r.items.flatMap((i) => i.names.filter((n) => !declared.get(i.what === 'tunable' ? 'bool' : i.what)?.has(n.name)).map((n) => `${i.what} ${n.name}`));
          throw this.err(`the global block's requirements are not met: ${missing.join(', ')} (libsepol: BASE's global requirements were not met)`, r.pos);
        }
        return kept.filter((r) => r.kind !== 'optional' && r.kind !== 'require');
      }
    }
    throw this.err('too many optional blocks', { line: 1, column: 1 });
  }

  private declaredNames(list: readonly Statement[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>(['type', 'attribute', 'role', 'attribute_role', 'user', 'bool', 'class'].map((k) => [k, new Set<string>()]));
    const add = (kind: string, n: string): void => { out.get(kind)!.add(n); };
    for (const s of list) {
      switch (s.kind) {
        case 'type': add('type', s.name.name); for (const a of s.aliases?.items ?? []) add('type', a.name); break;
        case 'typealias': for (const a of s.aliases.items) add('type', a.name); break;
        case 'attribute': add('attribute', s.name.name); break;
        case 'role': add('role', s.name.name); break;
        case 'roleattribute': if (s.declares === true) add('role', s.name.name); break;
        case 'attributeRole': add('attribute_role', s.name.name); break;
        case 'user': add('user', s.name.name); break;
        case 'bool': add('bool', s.name.name); break;
        case 'class': add('class', s.name.name); break;
        default: break;
      }
    }
    return out;
  }

  private requirementsMet(r: Stmt<'require'>, declared: Map<string, Set<string>>): boolean {
    for (const item of r.items) {
      if (item.what === 'class') {
        // A base policy declares every class first: checkpolicy refuses a required class or permission it lacks.
        const [cls, ...perms] = item.names;
        const classPerms = this.ast.statements.find((s): s is Stmt<'classPerms'> => s.kind === 'classPerms' && s.name.name === cls!.name);
        if (classPerms === undefined) throw this.err(`Base policy - require of class ${cls!.name} without prior declaration`, cls!.pos);
        const inherited = classPerms.inherits === null ? [] : this.ast.statements.find((s): s is Stmt<'common'> => s.kind === 'common' && s.name.name === classPerms.inherits!.name)?.perms ?? [];
        for (const p of perms) {
          if (!classPerms.perms.some((q) => q.name === p.name) && !inherited.some((q) => q.name === p.name)) throw this.err(`Base policy - require of permission ${p.name} without prior declaration`, p.pos);
        }
        continue;
      }
      const kind = item.what === 'tunable' ? 'bool' : item.what;
      for (const n of item.names) if (!declared.get(kind)!.has(n.name)) return false;
    }
    return true;
  }

  // --- booleans and conditionals ----------------------------------------

  private declareBooleans(): void {
    for (const s of this.of('bool')) {
      if (this.tunables.has(s.name.name) || this.booleans.includes(s.name.name)) throw this.err(`duplicate declaration of boolean ${s.name.name}`, s.name.pos);
      if (s.tunable) { this.tunables.set(s.name.name, s.value); continue; }
      this.booleans.push(s.name.name);
      this.boolDefaults.push(s.value);
    }
  }

  /** The expression in postfix over boolean indices; tunables as their fixed values (-1 false, -2 true). */
  private condPostfix(e: CondExprAst, out: CondOp[], kinds: Set<'bool' | 'tunable'>): void {
    switch (e.op) {
      case 'bool': {
        const tunable = this.tunables.get(e.name.name);
        if (tunable !== undefined) { kinds.add('tunable'); out.push(tunable ? -2 : -1); return; }
        const i = this.booleans.indexOf(e.name.name);
        if (i < 0) throw this.err(`unknown boolean ${e.name.name} in conditional expression`, e.name.pos);
        kinds.add('bool');
        out.push(i);
        return;
      }
      case 'not': this.condPostfix(e.arg, out, kinds); out.push('not'); return;
      default: this.condPostfix(e.left, out, kinds); this.condPostfix(e.right, out, kinds); out.push(e.op); return;
    }
  }

  /**
   * An `if` block. A tunable-only expression is decided now and its chosen
   * branch becomes unconditional (libsepol's expand discards tunables so);
   * checkpolicy 3.4 aborts on an expression mixing tunables and booleans,
   * refused here with a message.
   */
  private conditional(s: Stmt<'cond'>): void {
    const expr: CondOp[] = [];
    const kinds = new Set<'bool' | 'tunable'>();
    this.condPostfix(s.expr, expr, kinds);
    if (kinds.size === 2) throw this.err('a conditional expression may not mix tunables and booleans (checkpolicy aborts on it)', s.pos);
    if (kinds.has('tunable')) {
      const fixed = expr.map((op) => (op === -2 ? 0 : op === -1 ? 1 : op));
      const value = evaluateCond(fixed, [true, false]);
      for (const r of value === true ? s.whenTrue : s.whenFalse) this.condRule(r, this.base);
      return;
    }
    const node: Conditional = { expr, whenTrue: emptyRuleTables(), whenFalse: emptyRuleTables() };
    for (const r of s.whenTrue) this.condRule(r, node.whenTrue);
    for (const r of s.whenFalse) this.condRule(r, node.whenFalse);
    this.conditionals.push(node);
  }

  private condRule(r: Stmt<'avrule' | 'typeTransition'>, into: RuleTables): void {
    if (r.kind === 'avrule') this.avrule(r, into);
    else this.typeTransition(r, into);
  }
  private result(): CompiledPolicy & { initialSids: Map<string, SecurityContext | null> } {
    const attributes = new Map<string, number[]>();
    const typeLookup = new Map<string, number>();
    for (const [name, sym] of this.typeSyms) {
      if (sym.kind === 'attribute') attributes.set(name, [...sym.members].sort((a, b) => a - b));
      else typeLookup.set(name, sym.value);
    }
    return {
      file: this.ast.file, classes: this.classes, classIndex: this.classIndex, types: this.types, typeLookup, attributes,
      keyCount: this.keyCount, attributeKeys: this.attributeKeys, typeAttrMap: this.typeAttrMap,
      permissiveTypes: this.permissiveTypes, roleTypes: this.roleTypes, roleAllow: this.roleAllow,
      roleTransitions: this.roleTransitions, users: this.users, avtab: this.avtab, typeTransitions: this.typeTransitions,
      namedTransitions: this.namedTransitions, initialSids: this.initialSids, fsUse: this.fsUse, genfs: this.genfs,
      portcon: this.portcon, netifcon: this.netifcon, nodecon: this.nodecon,
      typeChanges: this.typeChanges, typeMembers: this.typeMembers,
      booleans: this.booleans, boolDefaults: this.boolDefaults, boolValues: [...this.boolDefaults], conditionals: this.conditionals,
      condActive: activeRules(this.conditionals, this.boolDefaults), constraints: this.constraints, validatetrans: this.validatetrans,
      roleDominates: this.dominanceClosure(), roleAttributes: new Map([...this.roleAttrs].map(([a, m]) => [a, [...m].sort()])),
      defaults: this.defaults, policycaps: this.policycaps, typeBounds: this.typeBounds,
    };
  }

  // --- declarations -------------------------------------------------------

  private declareClasses(): void {
    for (const s of this.of('class')) {
      if (this.declaredClasses.has(s.name.name)) throw this.err(`duplicate declaration of class ${s.name.name}`, s.name.pos);
      this.declaredClasses.set(s.name.name, s.name.pos);
    }
    for (const s of this.of('sid')) {
      if (this.initialSids.has(s.name.name)) throw this.err(`duplicate declaration of initial sid ${s.name.name}`, s.name.pos);
      this.initialSids.set(s.name.name, null);
    }
    for (const s of this.of('common')) {
      if (this.commons.has(s.name.name)) throw this.err(`duplicate declaration of common ${s.name.name}`, s.name.pos);
      this.commons.set(s.name.name, this.permList(s.perms, []));
    }
    const defined = new Map<string, string[]>();
    for (const s of this.of('classPerms')) {
      const name = s.name.name;
      if (!this.declaredClasses.has(name)) throw this.err(`class ${name} is not defined`, s.name.pos);
      if (defined.has(name)) throw this.err(`duplicate definition of permissions for class ${name}`, s.name.pos);
      let inherited: string[] = [];
      if (s.inherits !== null) {
        const common = this.commons.get(s.inherits.name);
        if (common === undefined) throw this.err(`common ${s.inherits.name} is not defined`, s.inherits.pos);
        inherited = common;
      }
      defined.set(name, this.permList(s.perms, inherited));
    }
    // Class values follow declaration order, as in the binary policy.
    for (const name of this.declaredClasses.keys()) {
      this.classIndex.set(name, this.classes.length);
      this.classes.push({ name, perms: defined.get(name) ?? [] });
    }
  }

  private permList(perms: readonly Name[], inherited: readonly string[]): string[] {
    const out = [...inherited];
    for (const p of perms) {
      if (out.includes(p.name)) throw this.err(`duplicate permission ${p.name}`, p.pos);
      out.push(p.name);
    }
    if (out.length > MAX_PERMS_PER_CLASS) throw this.err(`too many permissions (${out.length} > ${MAX_PERMS_PER_CLASS})`, perms[0]?.pos ?? { line: 1, column: 1 });
    return out;
  }

  private declareTypes(): void {
    const addAlias = (alias: Name, value: number): void => {
      if (this.typeSyms.has(alias.name)) throw this.err(`duplicate declaration of alias ${alias.name}`, alias.pos);
      this.typeSyms.set(alias.name, { kind: 'alias', value });
    };
    for (const s of this.of('type', 'attribute')) {
      if (this.typeSyms.has(s.name.name)) throw this.err(`duplicate declaration of type ${s.name.name}`, s.name.pos);
      if (s.kind === 'attribute') { this.typeSyms.set(s.name.name, { kind: 'attribute', members: new Set() }); continue; }
      // checkpolicy reads a dotted type name as a hierarchy child and wants its parent declared first.
      if (s.name.name.includes('.')) throw this.err(`unknown parent type of hierarchical type ${s.name.name} (dotted type names are not supported)`, s.name.pos);
      const value = this.types.length;
      this.types.push(s.name.name);
      this.typeSyms.set(s.name.name, { kind: 'type', value });
      for (const alias of this.aliasNames(s.aliases)) addAlias(alias, value);
    }
    for (const s of this.of('typealias')) {
      const sym = this.typeSyms.get(s.name.name);
      if (sym === undefined || sym.kind === 'attribute') throw this.err(`unknown type ${s.name.name}, or it was already declared as an attribute`, s.name.pos);
      for (const alias of this.aliasNames(s.aliases)) addAlias(alias, sym.value);
    }
  }

  private aliasNames(set: NameSet | null): readonly Name[] {
    if (set === null) return [];
    if (set.star || set.complement || set.items.some((i) => i.negated)) throw this.err('aliases must be plain names', set.pos);
    return set.items;
  }

  private typeValue(n: Name): number {
    const sym = this.typeSyms.get(n.name);
    if (sym === undefined || sym.kind === 'attribute') throw this.err(`unknown type ${n.name}`, n.pos);
    return sym.value;
  }

  /**
   * Attribute membership. checkpolicy's first pass reads declarations in
   * order, so `type t, a;` and `typeattribute t a;` need `attribute a;` (and
   * typeattribute its type) earlier in the file.
   */
  private attributeMembership(): void {
    const declaredAt = new Map<string, number>();
    this.statements.forEach((s, i) => {
      if (s.kind === 'attribute' || s.kind === 'type') if (!declaredAt.has(s.name.name)) declaredAt.set(s.name.name, i);
    });
    const add = (type: number, attr: Name, at: number, decl: number): void => {
      const sym = this.typeSyms.get(attr.name);
      if (sym === undefined || sym.kind !== 'attribute' || (declaredAt.get(attr.name) ?? Infinity) > at) throw this.err(`attribute ${attr.name} is not declared`, attr.pos);
      sym.members.add(type);
      let members = this.memberDecl.get(attr.name);
      if (members === undefined) this.memberDecl.set(attr.name, members = new Map());
      if (!((members.get(type) ?? Infinity) <= decl)) members.set(type, decl);
    };
    this.statements.forEach((s, i) => {
      const decl = this.declOf.get(s) ?? 0;
      if (s.kind === 'type') for (const a of s.attributes) add(this.typeValue(s.name), a, i, decl);
      if (s.kind === 'typeattribute') {
        const type = this.typeValue(s.name);
        if ((declaredAt.get(s.name.name) ?? -1) > i) throw this.err(`unknown type ${s.name.name}`, s.name.pos);
        for (const a of s.attributes) add(type, a, i, decl);
      }
    });
  }

  /**
   * Avtab keys: each type its own value, then each attribute one more (policydb's
   * shared type/attribute value space), and each type's type_attr_map.
   */
  private numberKeys(): void {
    for (let t = 0; t < this.types.length; t++) { this.keyMembers.push([t]); this.typeAttrMap.push([t]); }
    for (const [name, sym] of this.typeSyms) {
      if (sym.kind !== 'attribute') continue;
      const key = this.keyMembers.length;
      const members = [...sym.members].sort((a, b) => a - b);
      this.attributeKeys.set(name, key);
      this.keyMembers.push(members);
      for (const t of members) this.typeAttrMap[t]!.push(key);
    }
    this.keyCount = this.keyMembers.length;
  }

  // --- sets ---------------------------------------------------------------

  /**
   * The avtab keys of a rule's type set, as libsepol keeps them: each named type
   * or attribute when the set is a plain list; expanded to types when it
   * has `*`, `~` or `-` (a difference is no single attribute).
   */
  private ruleKeys(set: NameSet, opts: { starAndComplement: boolean; self: boolean }): { keys: number[]; self: boolean } {
    const plain = !set.star && !set.complement && set.items.every((i) => !i.negated);
    if (!plain) {
      const { types, self } = this.typeSet(set, opts);
      return { keys: [...types], self };
    }
    const keys = new Set<number>();
    let self = false;
    for (const item of set.items) {
      const sym = this.typeSyms.get(item.name);
      if (sym === undefined) {
        if (item.name === 'self' && opts.self) { self = true; continue; }
        throw this.err(`unknown type ${item.name}`, item.pos);
      }
      keys.add(sym.kind === 'attribute' ? this.attributeKeys.get(item.name)! : sym.value);
    }
    return { keys: [...keys], self };
  }

  /** A type set expanded to type values; `self` (targets only) is reported apart. */
  private typeSet(set: NameSet, opts: { starAndComplement: boolean; self: boolean }, membersOf: ((attr: string) => Iterable<number>) | null = null): { types: Set<number>; self: boolean } {
    if ((set.star || set.complement) && !opts.starAndComplement) throw this.err(`${set.star ? '*' : '~'} not allowed in this type of rule`, set.pos);
    const plus = new Set<number>();
    const minus = new Set<number>();
    let self = false;
    for (const item of set.items) {
      const sym = this.typeSyms.get(item.name);
      if (sym === undefined) {
        if (item.name === 'self' && opts.self && !item.negated) { self = true; continue; }
        throw this.err(`unknown type ${item.name}`, item.pos);
      }
      const into = item.negated ? minus : plus;
      if (sym.kind === 'attribute') for (const t of membersOf === null ? sym.members : membersOf(item.name)) into.add(t);
      else into.add(sym.value);
    }
    let types = new Set<number>();
    if (set.star) for (let t = 0; t < this.types.length; t++) types.add(t);
    else for (const t of plus) if (!minus.has(t)) types.add(t);
    if (set.complement) {
      const inner = types;
      types = new Set();
      for (let t = 0; t < this.types.length; t++) if (!inner.has(t)) types.add(t);
    }
    return { types, self };
  }

  private classSet(set: NameSet): number[] {
    if (set.star) throw this.err('unknown class *', set.pos);
    if (set.complement) throw this.err('~ is not allowed for class sets', set.pos);
    const out: number[] = [];
    for (const item of set.items) {
      const c = this.classIndex.get(item.name);
      if (c === undefined || item.negated) throw this.err(`unknown class ${item.negated ? '-' : item.name}`, item.pos);
      if (!out.includes(c)) out.push(c);
    }
    return out;
  }

  /** The mask of a permission set for one class. */
  private permMask(set: NameSet, cls: PolicyClass): number {
    const all = cls.perms.length === 32 ? 0xffffffff : (1 << cls.perms.length) - 1;
    if (set.star) return all >>> 0;
    let mask = 0;
    for (const item of set.items) {
      const bit = cls.perms.indexOf(item.name);
      if (bit < 0 || item.negated) throw this.err(`permission ${item.negated ? '-' : item.name} is not defined for class ${cls.name}`, item.pos);
      mask |= 1 << bit;
    }
    return (set.complement ? all & ~mask : mask) >>> 0;
  }

  private roles(set: NameSet, what: string): string[] {
    if (set.star) throw this.err(`* is not allowed in ${what}`, set.pos);
    if (set.complement) throw this.err(`~ is not allowed in ${what}`, set.pos);
    const out: string[] = [];
    for (const item of set.items) {
      if (item.negated) throw this.err('unknown role -', item.pos);
      const members = this.roleAttrs.get(item.name);
      if (members !== undefined) { for (const m of members) if (!out.includes(m)) out.push(m); continue; }
      if (!this.roleTypes.has(item.name)) throw this.err(`unknown role ${item.name}`, item.pos);
      if (!out.includes(item.name)) out.push(item.name);
    }
    return out;
  }

  private role(n: Name): string {
    if (!this.roleTypes.has(n.name)) throw this.err(`unknown role ${n.name}`, n.pos);
    return n.name;
  }

  // --- rules --------------------------------------------------------------

  private permissive(s: Stmt<'permissive'>): void {
    const sym = this.typeSyms.get(s.name.name);
    if (sym === undefined) throw this.err(`type is not defined: ${s.name.name}`, s.name.pos);
    if (sym.kind === 'attribute') throw this.err(`attributes may not be permissive: ${s.name.name}`, s.name.pos);
    this.permissiveTypes.add(sym.value);
  }

  private roleTypesRule(s: Stmt<'roleTypes'>): void {
    // A role attribute's types go to its member roles (libsepol's expand of role attributes).
    const roles = this.roleAttrs.has(s.name.name) ? [...this.roleAttrs.get(s.name.name)!] : [this.role(s.name)];
    const decl = this.declOf.get(s) ?? 0;
    const seen = (attr: string): number[] => [...this.memberDecl.get(attr) ?? []].filter(([, d]) => d <= decl).map(([t]) => t);
    const { types } = this.typeSet(s.types, { starAndComplement: false, self: false }, seen);
    for (const role of roles) for (const t of types) this.roleTypes.get(role)!.add(t);
  }

  /**
   * (source, target) pairs of a rule, with self expanded per source type.
   * checkpolicy expands self apart from the listed targets, so a pair can come
   * twice (`keepDuplicates`): harmless for access vectors, a duplicate for named transitions.
   */
  private pairs(source: Set<number>, target: { types: Set<number>; self: boolean }, keepDuplicates = false): [number, number][] {
    const out: [number, number][] = [];
    for (const s of source) {
      for (const t of target.types) out.push([s, t]);
      if (target.self && (keepDuplicates || !target.types.has(s))) out.push([s, s]);
    }
    return out;
  }

  private avrule(s: Stmt<'avrule'>, into: RuleTables = this.base): void {
    const never = s.rule === 'neverallow';
    const source = this.ruleKeys(s.source, { starAndComplement: never, self: false });
    const target = this.ruleKeys(s.target, { starAndComplement: never, self: true });
    const classes = this.classSet(s.classes);
    const masks = classes.map((c) => this.permMask(s.perms, this.classes[c]!));
    if (never) return;
    const add = (src: number, tgt: number): void => {
      classes.forEach((c, i) => {
        const key = avKey(this, src, tgt, c);
        let e = into.avtab.get(key);
        if (e === undefined) { e = { allowed: 0, auditallow: 0, dontaudit: 0 }; into.avtab.set(key, e); }
        const mask = masks[i]!;
        if (s.rule === 'allow') e.allowed = (e.allowed | mask) >>> 0;
        else if (s.rule === 'auditallow') e.auditallow = (e.auditallow | mask) >>> 0;
        else if (s.rule === 'dontaudit') e.dontaudit = (e.dontaudit | mask) >>> 0;
        // auditdeny P: audit denials of P only, i.e. dontaudit the rest.
        else e.dontaudit = (e.dontaudit | (~mask >>> 0)) >>> 0;
      });
    };
    for (const src of source.keys) for (const tgt of target.keys) add(src, tgt);
    // `self` is one type at a time (libsepol's expand_rule_helper: RULE_SELF), even for an attribute source.
    if (target.self) {
      const selfTypes = new Set<number>();
      for (const src of source.keys) for (const t of this.keyMembers[src]!) selfTypes.add(t);
      for (const t of selfTypes) add(t, t);
    }
  }

  /**
   * libsepol's check_assertions over the attribute-keyed rules, unconditional
   * and both branches of every conditional: an entry (S', T', C) whose allowed
   * permissions meet the neverallow's and whose keys' types meet its source and
   * target sets violates it for those type pairs. Every violation is reported
   * (one error, one line each, at most MAX_REPORTED_VIOLATIONS), not only the first.
   */
  private checkNeverallows(neverallows: readonly Stmt<'avrule'>[]): void {
    const tables = [this.avtab, ...this.conditionals.flatMap((c) => [c.whenTrue.avtab, c.whenFalse.avtab])];
    const violations: { pos: Pos; text: string }[] = [];
    let total = 0;
    const nClasses = this.classes.length;
    for (const s of neverallows) {
      const source = this.typeSet(s.source, { starAndComplement: true, self: false }).types;
      const target = this.typeSet(s.target, { starAndComplement: true, self: true });
      const masks = new Map<number, number>();
      for (const c of this.classSet(s.classes)) masks.set(c, this.permMask(s.perms, this.classes[c]!));
      // Whether a key stands for at least one type of a set (cached per key: each attribute is tested once).
      const meets = (set: Set<number>, cache: Int8Array, key: number): boolean => {
        if (cache[key] === 0) cache[key] = this.keyMembers[key]!.some((t) => set.has(t)) ? 1 : -1;
        return cache[key] === 1;
      };
      const srcCache = new Int8Array(this.keyCount);
      const tgtCache = new Int8Array(this.keyCount);
      // Type-pair key -> the forbidden permissions it is allowed, ORed over every entry that covers it.
      const hits = new Map<number, number>();
      const hit = (st: number, tt: number, c: number, perms: number): void => {
        const k = avKey(this, st, tt, c);
        hits.set(k, ((hits.get(k) ?? 0) | perms) >>> 0);
      };
      for (const table of tables) {
        for (const [key, e] of table) {
          const c = key % nClasses;
          const mask = masks.get(c);
          const perms = mask === undefined ? 0 : e.allowed & mask;
          if (perms === 0) continue;
          const pair = (key - c) / nClasses;
          const tk = pair % this.keyCount;
          const sk = (pair - tk) / this.keyCount;
          if (!meets(source, srcCache, sk)) continue;
          // libsepol's assertion check reads a target set holding `self` as self alone:
          // `neverallow a { b self }` forbids a->a but not a->b. Reproduced, so the
          // same policies load here and under checkpolicy.
          if (target.self) {
            const inTarget = new Set(this.keyMembers[tk]!);
            for (const t of this.keyMembers[sk]!) if (source.has(t) && inTarget.has(t)) hit(t, t, c, perms);
            continue;
          }
          if (!meets(target.types, tgtCache, tk)) continue;
          for (const st of this.keyMembers[sk]!) {
            if (!source.has(st)) continue;
            for (const tt of this.keyMembers[tk]!) if (target.types.has(tt)) hit(st, tt, c, perms);
          }
        }
      }
      for (const [k, perms] of [...hits].sort((a, b) => a[0] - b[0])) {
        total++;
        if (violations.length >= MAX_REPORTED_VIOLATIONS) continue;
        const c = k % nClasses;
        const pair = (k - c) / nClasses;
        const tgt = pair % this.keyCount;
        const src = (pair - tgt) / this.keyCount;
        const cls = this.classes[c]!;
        violations.push({ pos: s.pos, text: `neverallow violated by allow ${this.types[src]} ${this.types[tgt]}:${cls.name} { ${permNames(cls, perms).join(' ')} };` });
      }
    }
    if (violations.length === 0) return;
    const lines = violations.map((v, i) => (i === 0 ? v.text : `${this.ast.file}:${v.pos.line}:${v.pos.column}: ${v.text}`));
    if (total > 1) lines.push(`${total} neverallow failures occurred${total > violations.length ? ` (the first ${violations.length} shown)` : ''}`);
    throw this.err(lines.join('\n'), violations[0]!.pos);
  }

  private typeTransition(s: Stmt<'typeTransition'>, into: RuleTables = this.base): void {
    const source = this.typeSet(s.source, { starAndComplement: false, self: false }).types;
    const target = this.typeSet(s.target, { starAndComplement: false, self: true });
    const classes = this.classSet(s.classes);
    const result = this.typeValue(s.result);
    const rule = s.rule ?? 'type_transition';
    const table = rule === 'type_change' ? into.typeChanges : rule === 'type_member' ? into.typeMembers : into.typeTransitions;
    for (const [src, tgt] of this.pairs(source, target, s.filename !== null)) {
      for (const c of classes) {
        const key = avKey(this, src, tgt, c);
        const where = `${this.types[src]} ${this.types[tgt]}:${this.classes[c]!.name}`;
        if (s.filename !== null) {
          const named = `${key}:${s.filename}`;
          if (this.namedTransitions.has(named)) throw this.err(`duplicate filename transition for ${where} "${s.filename}"`, s.pos);
          this.namedTransitions.set(named, result);
          continue;
        }
        const old = table.get(key);
        if (old !== undefined && old !== result) {
          throw this.err(`conflicting ${rule} for (${where}): old was ${this.types[old]}, new is ${this.types[result]}`, s.pos);
        }
        table.set(key, result);
      }
    }
  }

  private roleAllowRule(s: Stmt<'roleAllow'>): void {
    for (const from of this.roles(s.from, 'role sets')) for (const to of this.roles(s.to, 'role sets')) this.roleAllow.add(`${from}:${to}`);
  }

  private roleTransition(s: Stmt<'roleTransition'>): void {
    const roles = this.roles(s.roles, 'role sets');
    const { types } = this.typeSet(s.types, { starAndComplement: false, self: false });
    const classes = s.classes === null ? [this.classIndex.get('process') ?? -1] : this.classSet(s.classes);
    if (classes[0] === -1) throw this.err('role_transition without a class needs a process class', s.pos);
    const result = this.role(s.result);
    for (const r of roles) {
      for (const t of types) {
        for (const c of classes) {
          const key = `${r}:${this.types[t]}:${this.classes[c]!.name}`;
          if (this.roleTransitions.has(key)) throw this.err(`duplicate role transition for (${r},${this.types[t]},${this.classes[c]!.name})`, s.pos);
          this.roleTransitions.set(key, result);
        }
      }
    }
  }

  // --- roles, capabilities, bounds, defaults -------------------------------

  /** `dominance { role R { role S; } }`: R dominates S (and what S dominates). */
  private dominance(s: Stmt<'roleDominance'>): void {
    const r = this.role(s.role);
    let set = this.roleDominates.get(r);
    if (set === undefined) { set = new Set(); this.roleDominates.set(r, set); }
    for (const d of s.dominated) set.add(this.role(d));
  }

  /** Each role dominates itself and, transitively, what it was declared to dominate. */
  private dominanceClosure(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const role of this.roleTypes.keys()) {
      const seen = new Set<string>([role]);
      const work = [role];
      while (work.length > 0) {
        for (const d of this.roleDominates.get(work.pop()!) ?? []) if (!seen.has(d)) { seen.add(d); work.push(d); }
      }
      out.set(role, seen);
    }
    return out;
  }

  private policycap(s: Stmt<'policycap'>): void {
    if (!POLICY_CAPABILITIES.includes(s.name.name)) throw this.err(`invalid policy capability name ${s.name.name}`, s.name.pos);
    if (!this.policycaps.includes(s.name.name)) this.policycaps.push(s.name.name);
  }

  private typebounds(s: Stmt<'typebounds'>): void {
    const parent = this.typeValue(s.bound);
    for (const b of s.bounded) {
      const child = this.typeValue(b);
      const old = this.typeBounds.get(child);
      if (old !== undefined && old !== parent) throw this.err(`type ${b.name} has inconsistent bounds ${this.types[old]}/${s.bound.name}`, b.pos);
      if (child === parent) throw this.err(`type ${b.name} cannot bound itself`, b.pos);
      this.typeBounds.set(child, parent);
    }
  }

  /**
   * libsepol's bounds_check_types: a bounded (child) type may hold no
   * permission its parent lacks, the target mapped to its parent when it is
   * the child itself; every violation is reported.
   */
  private checkBounds(): void {
    if (this.typeBounds.size === 0) return;
    const nClasses = this.classes.length;
    const lines: string[] = [];
    let firstPos: Pos | null = null;
    for (const s of this.of('typebounds')) if (firstPos === null) firstPos = s.pos;
    const tables = [this.avtab, ...this.conditionals.flatMap((c) => [c.whenTrue.avtab, c.whenFalse.avtab])];
    const nKeys = this.keyCount;
    for (const src of [...this.typeBounds.keys()].sort((x, y) => x - y)) {
      const parent = this.typeBounds.get(src)!;
      // The child's rules, attributes expanded: (target type, class) -> allowed, over every key that stands for the child.
      const srcKeys = new Set(this.typeAttrMap[src]);
      const allowedTo = new Map<number, number>();
      for (const table of tables) {
        for (const [key, e] of table) {
          if (e.allowed === 0) continue;
          const c = key % nClasses;
          const pair = (key - c) / nClasses;
          const tk = pair % nKeys;
          if (!srcKeys.has((pair - tk) / nKeys)) continue;
          for (const t of this.keyMembers[tk]!) allowedTo.set(t * nClasses + c, ((allowedTo.get(t * nClasses + c) ?? 0) | e.allowed) >>> 0);
        }
      }
      for (const [tc, allowed] of [...allowedTo].sort((x, y) => x[0] - y[0])) {
        const c = tc % nClasses;
        const t = (tc - c) / nClasses;
        const ptgt = t === src ? parent : this.typeBounds.get(t) ?? t;
        let parentAllowed = 0;
        for (const table of tables) parentAllowed |= lookupAvIn(this, table, parent, ptgt, c).allowed;
        const excess = (allowed & ~parentAllowed) >>> 0;
        if (excess !== 0) {
          const cls = this.classes[c]!;
          lines.push(`child type ${this.types[src]} exceeds bounds of parent ${this.types[parent]}: ${this.types[src]} ${this.types[t]}:${cls.name} { ${permNames(cls, excess).join(' ')} }`);
        }
      }
    }
    if (lines.length > 0) throw this.err(`typebounds violated (${lines.length}):\n${lines.join('\n')}`, firstPos!);
  }

  /** default_user/role/type CLASSES source|target; checkpolicy refuses a second, different one for a class. */
  private defaultObject(s: Stmt<'defaultObject'>): void {
    for (const c of this.classSet(s.classes)) {
      const name = this.classes[c]!.name;
      const d = this.defaults.get(name) ?? {};
      const old = d[s.field];
      if (old !== undefined && old !== s.which) throw this.err(`conflicting default_${s.field} ${s.which} for class ${name} (was ${old})`, s.pos);
      this.defaults.set(name, { ...d, [s.field]: s.which });
    }
  }

  // --- constraints ----------------------------------------------------------

  private constraint(s: Stmt<'constrain'>): void {
    const classes = this.classSet(s.classes);
    const expr = this.constraintExpr(s.expr);
    const where = `${this.ast.file}:${s.pos.line}`;
    for (const c of classes) {
      if (s.perms === null) {
        const list = this.validatetrans.get(c) ?? [];
        list.push({ perms: 0, expr, where });
        this.validatetrans.set(c, list);
        continue;
      }
      const list = this.constraints.get(c) ?? [];
      list.push({ perms: this.permMask(s.perms, this.classes[c]!), expr, where });
      this.constraints.set(c, list);
    }
  }

  private constraintExpr(e: ConstraintExprAst): ConstraintExpr {
    switch (e.op) {
      case 'not': return { op: 'not', arg: this.constraintExpr(e.arg) };
      case 'and': case 'or': return { op: e.op, left: this.constraintExpr(e.left), right: this.constraintExpr(e.right) };
      case 'leaf': {
        if (e.names === null) return { op: 'leaf', attr: e.attr, left: e.left, cmp: e.cmp, right: 2, names: null };
        const set = e.names;
        if (set.star) throw this.err('* not allowed in this type of rule', set.pos);
        if (set.complement) throw this.err('~ not allowed in constraint names', set.pos);
        const neg = set.items.find((i) => i.negated);
        if (neg !== undefined) throw this.err(`syntax error at '-': constraint names are a plain set`, neg.pos);
        const names = new Set<string | number>();
        for (const item of set.items) {
          if (e.attr === 'u') {
            if (!this.users.has(item.name)) throw this.err(`unknown user ${item.name}`, item.pos);
            names.add(item.name);
          } else if (e.attr === 'r') {
            for (const r of this.roles({ ...set, items: [item] }, 'constraints')) names.add(r);
          } else {
            for (const t of this.typeSet({ ...set, items: [item] }, { starAndComplement: false, self: false }).types) names.add(t);
          }
        }
        return { op: 'leaf', attr: e.attr, left: e.left, cmp: e.cmp, right: null, names };
      }
    }
  }

  // --- contexts -----------------------------------------------------------

  private context(policy: CompiledPolicy, c: SecurityContextAst): SecurityContext {
    const sym = this.typeSyms.get(c.type.name);
    if (sym === undefined || sym.kind === 'attribute') throw this.err(`type ${c.type.name} is not defined or is an attribute`, c.type.pos);
    if (!this.users.has(c.user.name)) throw this.err(`user ${c.user.name} is not defined`, c.user.pos);
    if (!this.roleTypes.has(c.role.name)) throw this.err(`role ${c.role.name} is not defined`, c.role.pos);
    const ctx = { user: c.user.name, role: c.role.name, type: this.types[sym.value]! };
    if (!validContext(policy, ctx)) throw this.err('invalid security context', c.pos);
    return ctx;
  }

  private contexts(policy: CompiledPolicy): void {
    // fscon (device numbers): checked as checkpolicy checks them, then unused (Linux never consults it).
    for (const s of this.of('fscon')) { this.context(policy, s.fsContext); this.context(policy, s.fileContext); }
    for (const s of this.of('sidContext', 'fsUse', 'genfscon')) {
      if (s.kind === 'sidContext') {
        if (!this.initialSids.has(s.name.name)) throw this.err(`unknown sid ${s.name.name}`, s.name.pos);
        if (this.initialSids.get(s.name.name) !== null) throw this.err(`duplicate context for sid ${s.name.name}`, s.name.pos);
        this.initialSids.set(s.name.name, this.context(policy, s.context));
      } else if (s.kind === 'fsUse') {
        if (this.fsUse.some((f) => f.fs === s.fs.name)) throw this.err(`duplicate fs_use entry for file system ${s.fs.name}`, s.fs.pos);
        this.fsUse.push({ fs: s.fs.name, behavior: s.behavior, context: this.context(policy, s.context) });
      } else {
        if (s.fileType !== null && !this.classIndex.has(GENFS_FILE_CLASSES[s.fileType]!)) throw this.err(`could not find class ${GENFS_FILE_CLASSES[s.fileType]} for genfscon statement`, s.pos);
        if (this.genfs.some((g) => g.fs === s.fs.name && g.path === s.path && (g.fileType ?? null) === s.fileType)) throw this.err(`duplicate genfs entry for ${s.fs.name} ${s.path}`, s.fs.pos);
        this.genfs.push({ fs: s.fs.name, path: s.path, fileType: s.fileType, context: this.context(policy, s.context) });
      }
    }
    // checkpolicy refuses the same port range, interface or node twice (ocontext duplicates).
    for (const s of this.of('portcon')) {
      if (this.portcon.some((p) => p.protocol === s.protocol.name && p.low === s.low && p.high === s.high)) throw this.err(`duplicate portcon entry for ${s.protocol.name} ${s.low}-${s.high}`, s.pos);
      this.portcon.push({ protocol: s.protocol.name as 'tcp' | 'udp' | 'dccp' | 'sctp', low: s.low, high: s.high, context: this.context(policy, s.context) });
    }
    for (const s of this.of('netifcon')) {
      if (this.netifcon.some((n) => n.name === s.name.name)) throw this.err(`duplicate netifcon entry for ${s.name.name}`, s.name.pos);
      this.netifcon.push({ name: s.name.name, ifContext: this.context(policy, s.ifContext), msgContext: this.context(policy, s.msgContext) });
    }
    for (const s of this.of('nodecon')) {
      if (this.nodecon.some((n) => n.addr === s.addr && n.mask === s.mask)) throw this.err(`duplicate nodecon entry for ${s.addrText}`, s.pos);
      this.nodecon.push({ addr: s.addr, mask: s.mask, context: this.context(policy, s.context) });
    }
  }
}

export function compilePolicy(ast: PolicyAst, text: string): CompiledPolicy {
  return new Compiler(ast, text).compile();
}

export function loadPolicy(text: string, file: string): CompiledPolicy {
  return compilePolicy(parsePolicy(text, file), text);
}
