/*
 * From the parsed policy.conf to a CompiledPolicy, with checkpolicy's
 * checks: declarations first (so rules may name what is declared later),
 * then attribute membership, rules keyed on the types and attributes they name
 * (libsepol's avtab), neverallow assertions against the final avtab (every
 * violation), and contexts validated.
 *   compilePolicy(ast, text)   -> CompiledPolicy, or throws ParseError (file:line:column)
 *   loadPolicy(text, file)     parse + compile
 */
import type { ParseError } from '../../lib/parse-error.js';
import type { Name, NameSet, Pos, PolicyAst, SecurityContextAst, Statement } from './ast.js';
import { parsePolicy, policyError } from './parse.js';
import { validContext } from './context.js';
import { avKey, lookupAv, OBJECT_R, permNames, type AvEntry, type CompiledPolicy, type PolicyClass, type SecurityContext } from './policy.js';

/** Neverallow violations listed in the error; the count says how many there were in all. */
const MAX_REPORTED_VIOLATIONS = 20;

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
  readonly namedTransitions = new Map<string, number>();
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
    return this.ast.statements.filter((s): s is Stmt<K> => (kinds as string[]).includes(s.kind));
  }

  compile(): CompiledPolicy {
    this.declareClasses();
    this.declareTypes();
    for (const s of this.of('role')) if (!this.roleTypes.has(s.name.name)) this.roleTypes.set(s.name.name, new Set());
    for (const s of this.of('user')) if (!this.users.has(s.name.name)) this.users.set(s.name.name, new Set());
    this.attributeMembership();
    this.numberKeys();
    const neverallows: Stmt<'avrule'>[] = [];
    for (const s of this.ast.statements) {
      switch (s.kind) {
        case 'permissive': this.permissive(s); break;
        case 'roleTypes': this.roleTypesRule(s); break;
        case 'avrule': if (s.rule === 'neverallow') { this.avrule(s); neverallows.push(s); } else this.avrule(s); break;
        case 'typeTransition': this.typeTransition(s); break;
        case 'roleAllow': this.roleAllowRule(s); break;
        case 'roleTransition': this.roleTransition(s); break;
        case 'user': for (const r of this.roles(s.roles, 'user declarations')) this.users.get(s.name.name)!.add(r); break;
        default: break;
      }
    }
    this.checkNeverallows(neverallows);
    const policy = this.result();
    this.contexts(policy);
    return policy;
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

  private attributeMembership(): void {
    const add = (type: number, attr: Name): void => {
      const sym = this.typeSyms.get(attr.name);
      if (sym === undefined || sym.kind !== 'attribute') throw this.err(`attribute ${attr.name} is not declared`, attr.pos);
      sym.members.add(type);
    };
    for (const s of this.of('type')) for (const a of s.attributes) add(this.typeValue(s.name), a);
    for (const s of this.of('typeattribute')) {
      const type = this.typeValue(s.name);
      for (const a of s.attributes) add(type, a);
    }
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
  private typeSet(set: NameSet, opts: { starAndComplement: boolean; self: boolean }): { types: Set<number>; self: boolean } {
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
      if (sym.kind === 'attribute') for (const t of sym.members) into.add(t);
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
    return set.items.map((item) => {
      if (item.negated) throw this.err('unknown role -', item.pos);
      if (!this.roleTypes.has(item.name)) throw this.err(`unknown role ${item.name}`, item.pos);
      return item.name;
    });
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
    const role = this.role(s.name);
    const { types } = this.typeSet(s.types, { starAndComplement: false, self: false });
    for (const t of types) this.roleTypes.get(role)!.add(t);
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

  private avrule(s: Stmt<'avrule'>): void {
    const never = s.rule === 'neverallow';
    const source = this.ruleKeys(s.source, { starAndComplement: never, self: false });
    const target = this.ruleKeys(s.target, { starAndComplement: never, self: true });
    const classes = this.classSet(s.classes);
    const masks = classes.map((c) => this.permMask(s.perms, this.classes[c]!));
    if (never) return;
    const add = (src: number, tgt: number): void => {
      classes.forEach((c, i) => {
        const key = avKey(this, src, tgt, c);
        let e = this.avtab.get(key);
        if (e === undefined) { e = { allowed: 0, auditallow: 0, dontaudit: 0 }; this.avtab.set(key, e); }
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
   * libsepol's check_assertions over the attribute-keyed avtab: an entry
   * (S', T', C) whose allowed permissions meet the neverallow's and whose keys'
   * types meet its source and target sets violates it for those type pairs.
   * Every violation is collected; the error names the first neverallow
   * violated and lists the rest (at most MAX_REPORTED_VIOLATIONS lines).
   */
  private checkNeverallows(rules: readonly Stmt<'avrule'>[]): void {
    const violations: { rule: Stmt<'avrule'>; text: string }[] = [];
    let total = 0;
    const nClasses = this.classes.length;
    for (const s of rules) {
      const source = this.typeSet(s.source, { starAndComplement: true, self: false }).types;
      const target = this.typeSet(s.target, { starAndComplement: true, self: true });
      const masks = new Map<number, number>();
      for (const c of this.classSet(s.classes)) masks.set(c, this.permMask(s.perms, this.classes[c]!));
      // Whether a key stands for at least one type of a set (cached per key: attributes are tested once).
      const meets = (set: Set<number>, cache: Int8Array, key: number): boolean => {
        if (cache[key] === 0) cache[key] = this.keyMembers[key]!.some((t) => set.has(t)) ? 1 : -1;
        return cache[key] === 1;
      };
      const srcCache = new Int8Array(this.keyCount);
      const tgtCache = new Int8Array(this.keyCount);
      // libsepol's assertion check reads a target set holding `self` as self alone:
      // `neverallow a { b self }` forbids a->a but not a->b. Reproduced, so the
      // same policies load here and under checkpolicy.
      const hits = new Map<number, number>();
      for (const [key, e] of this.avtab) {
        const c = key % nClasses;
        const mask = masks.get(c);
        if (mask === undefined || (e.allowed & mask) === 0) continue;
        const pair = (key - c) / nClasses;
        const tk = pair % this.keyCount;
        const sk = (pair - tk) / this.keyCount;
        if (!meets(source, srcCache, sk)) continue;
        if (target.self) {
          const inTarget = new Set(this.keyMembers[tk]!);
          for (const t of this.keyMembers[sk]!) if (source.has(t) && inTarget.has(t)) hits.set(avKey(this, t, t, c), 0);
        } else {
          if (!meets(target.types, tgtCache, tk)) continue;
          for (const st of this.keyMembers[sk]!) {
            if (!source.has(st)) continue;
            for (const tt of this.keyMembers[tk]!) if (target.types.has(tt)) hits.set(avKey(this, st, tt, c), 0);
          }
        }
      }
      // Report each type pair once, with every permission it is allowed that the neverallow forbids.
      for (const key of [...hits.keys()].sort((a, b) => a - b)) {
        total++;
        if (violations.length >= MAX_REPORTED_VIOLATIONS) continue;
        const c = key % nClasses;
        const pair = (key - c) / nClasses;
        const tgt = pair % this.keyCount;
        const src = (pair - tgt) / this.keyCount;
        const cls = this.classes[c]!;
        const hit = lookupAv(this, src, tgt, c).allowed & masks.get(c)!;
        violations.push({ rule: s, text: `neverallow violated by allow ${this.types[src]} ${this.types[tgt]}:${cls.name} { ${permNames(cls, hit).join(' ')} };` });
      }
    }
    if (violations.length === 0) return;
    const [first, ...rest] = violations;
    const more = rest.map((v) => `\n  ${this.ast.file}:${v.rule.pos.line}:${v.rule.pos.column}: ${v.text}`).join('');
    const tail = total > 1 ? `\n  ${total} neverallow violations in all${total > violations.length ? ` (the first ${violations.length} shown)` : ''}` : '';
    throw this.err(`${first!.text}${more}${tail}`, first!.rule.pos);
  }

  private typeTransition(s: Stmt<'typeTransition'>): void {
    const source = this.typeSet(s.source, { starAndComplement: false, self: false }).types;
    const target = this.typeSet(s.target, { starAndComplement: false, self: true });
    const classes = this.classSet(s.classes);
    const result = this.typeValue(s.result);
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
        const old = this.typeTransitions.get(key);
        if (old !== undefined && old !== result) {
          throw this.err(`conflicting type_transition for (${where}): old was ${this.types[old]}, new is ${this.types[result]}`, s.pos);
        }
        this.typeTransitions.set(key, result);
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
    for (const s of this.of('sidContext', 'fsUse', 'genfscon')) {
      if (s.kind === 'sidContext') {
        if (!this.initialSids.has(s.name.name)) throw this.err(`unknown sid ${s.name.name}`, s.name.pos);
        if (this.initialSids.get(s.name.name) !== null) throw this.err(`duplicate context for sid ${s.name.name}`, s.name.pos);
        this.initialSids.set(s.name.name, this.context(policy, s.context));
      } else if (s.kind === 'fsUse') {
        if (this.fsUse.some((f) => f.fs === s.fs.name)) throw this.err(`duplicate fs_use entry for file system ${s.fs.name}`, s.fs.pos);
        this.fsUse.push({ fs: s.fs.name, behavior: s.behavior, context: this.context(policy, s.context) });
      } else {
        if (this.genfs.some((g) => g.fs === s.fs.name && g.path === s.path)) throw this.err(`duplicate genfs entry for ${s.fs.name} ${s.path}`, s.fs.pos);
        this.genfs.push({ fs: s.fs.name, path: s.path, context: this.context(policy, s.context) });
      }
    }
    // checkpolicy refuses the same port range, interface or node twice (ocontext duplicates).
    for (const s of this.of('portcon')) {
      if (this.portcon.some((p) => p.protocol === s.protocol.name && p.low === s.low && p.high === s.high)) throw this.err(`duplicate portcon entry for ${s.protocol.name} ${s.low}-${s.high}`, s.pos);
      this.portcon.push({ protocol: s.protocol.name as 'tcp' | 'udp', low: s.low, high: s.high, context: this.context(policy, s.context) });
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
