/*
 * The compiled policy: symbols numbered, access vectors as bit masks keyed on
 * (source, target, class) where source and target are types or attributes, as
 * written (libsepol's avtab keeps attributes; a decision ORs the keys of both types' attributes).
 *   CompiledPolicy, PolicyClass, AvEntry, SecurityContext, RuleTables, Conditional, ConstraintExpr
 *   withBooleans(policy, values)  the same policy with booleans set (conditional rules re-selected)
 *   avKey(policy, s, t, c)       the numeric key of an avtab entry (s, t: type values or attribute keys)
 *   lookupAv(policy, s, t, c)    two types' access vectors: unconditional + enabled conditional, over their type_attr_map keys
 *   lookupAvIn(policy, table, s, t, c)  the same over one table
 *   permNames(cls, mask)         a mask's permission names, sorted
 *   formatContext / parseContext `user:role:type`
 */

export interface PolicyClass {
  readonly name: string;
  /** Bit i of an access vector is perms[i]: the common's permissions first, then the class's own. */
  readonly perms: readonly string[];
}

export interface AvEntry {
  allowed: number;
  auditallow: number;
  /** Permissions named by dontaudit rules: denials of these are not logged. */
  dontaudit: number;
}

export interface SecurityContext {
  readonly user: string;
  readonly role: string;
  readonly type: string;
}

/** The rules that may be conditional: access vectors and type rules (libsepol's avtab and cond avtab). */
export interface RuleTables {
  readonly avtab: Map<number, AvEntry>;
  /** avKey -> new type, for type_transition, type_change and type_member. */
  readonly typeTransitions: Map<number, number>;
  readonly typeChanges: Map<number, number>;
  readonly typeMembers: Map<number, number>;
}

/** A boolean expression in postfix (libsepol's cond_expr list): bool index, or an operator. */
export type CondOp = number | 'not' | 'and' | 'or' | 'xor' | 'eq' | 'neq';

/** An `if` block: its expression over booleans and the rules of each branch. */
export interface Conditional {
  readonly expr: readonly CondOp[];
  readonly whenTrue: RuleTables;
  readonly whenFalse: RuleTables;
}

/** A compiled constraint expression (libsepol's constraint_expr), names resolved. */
export type ConstraintExpr =
  | { readonly op: 'not'; readonly arg: ConstraintExpr }
  | { readonly op: 'and' | 'or'; readonly left: ConstraintExpr; readonly right: ConstraintExpr }
  | {
    readonly op: 'leaf'; readonly attr: 'u' | 'r' | 't'; readonly left: 1 | 2 | 3; readonly cmp: '==' | '!=' | 'dom' | 'domby' | 'incomp';
    /** 2: compare with the second context; else with the names (users, roles, or type values). */
    readonly right: 2 | null; readonly names: ReadonlySet<string | number> | null;
  };

export interface Constraint {
  readonly perms: number;
  readonly expr: ConstraintExpr;
  /** Where it was written (`file:line`), for the denial's reason. */
  readonly where: string;
}

export interface CompiledPolicy {
  readonly file: string;
  readonly classes: readonly PolicyClass[];
  readonly classIndex: ReadonlyMap<string, number>;
  /** Primary types; a type's value is its index. */
  readonly types: readonly string[];
  /** Type names and aliases -> type value. */
  readonly typeLookup: ReadonlyMap<string, number>;
  /** Attribute -> member type values, sorted. */
  readonly attributes: ReadonlyMap<string, readonly number[]>;
  /** Avtab key space: types are keys 0..types.length-1, attributes follow in declaration order. */
  readonly keyCount: number;
  /** Attribute -> its avtab key. */
  readonly attributeKeys: ReadonlyMap<string, number>;
  /** Type value -> the keys that stand for it: itself first, then its attributes (libsepol's type_attr_map). */
  readonly typeAttrMap: readonly (readonly number[])[];
  readonly permissiveTypes: ReadonlySet<number>;
  /** Role name -> the types it is authorised for (object_r is predefined). */
  readonly roleTypes: ReadonlyMap<string, ReadonlySet<number>>;
  /** `from:to` pairs of role allow rules. */
  readonly roleAllow: ReadonlySet<string>;
  /** `role:type:class` -> new role. */
  readonly roleTransitions: ReadonlyMap<string, string>;
  /** User -> authorised roles. */
  readonly users: ReadonlyMap<string, ReadonlySet<string>>;
  /** Rules as written, attributes not expanded (`self` is, per type); read decisions through lookupAv. */
  readonly avtab: ReadonlyMap<number, AvEntry>;
  /** avKey (of two types) -> new type. */
  readonly typeTransitions: ReadonlyMap<number, number>;
  /** `avKey:filename` -> new type (the named form wins over the plain one). */
  readonly namedTransitions: ReadonlyMap<string, number>;
  /** Initial SIDs in declaration order, with their contexts (null: none given). */
  readonly initialSids: ReadonlyMap<string, SecurityContext | null>;
  readonly fsUse: readonly { fs: string; behavior: 'xattr' | 'task' | 'trans'; context: SecurityContext }[];
  /** fileType: genfscon's `-d`, `--`... (null: any file type). */
  readonly genfs: readonly { fs: string; path: string; fileType?: string | null; context: SecurityContext }[];
  /** Network contexts in policy order (the first match wins, as Linux's security_port_sid and security_node_sid search). */
  readonly portcon: readonly { protocol: 'tcp' | 'udp' | 'dccp' | 'sctp'; low: number; high: number; context: SecurityContext }[];
  readonly netifcon: readonly { name: string; ifContext: SecurityContext; msgContext: SecurityContext }[];
  readonly nodecon: readonly { addr: number; mask: number; context: SecurityContext }[];
  /** type_change / type_member rules (security_change_sid, security_member_sid): avKey -> new type. */
  readonly typeChanges: ReadonlyMap<number, number>;
  readonly typeMembers: ReadonlyMap<number, number>;
  /** Booleans in declaration order (tunables are fixed at compile time and are not here). */
  readonly booleans: readonly string[];
  readonly boolDefaults: readonly boolean[];
  /** The booleans' current values (the defaults, until withBooleans). */
  readonly boolValues: readonly boolean[];
  readonly conditionals: readonly Conditional[];
  /** The rules of every conditional's enabled branch, merged (as the kernel's cond avtab with enabled nodes). */
  readonly condActive: RuleTables;
  /** Class index -> constraints and validatetrans expressions. */
  readonly constraints: ReadonlyMap<number, readonly Constraint[]>;
  readonly validatetrans: ReadonlyMap<number, readonly Constraint[]>;
  /** Role -> the roles it dominates, itself included (role dominance; libsepol's role dominates bitmap). */
  readonly roleDominates: ReadonlyMap<string, ReadonlySet<string>>;
  /** Role attributes -> member roles. */
  readonly roleAttributes: ReadonlyMap<string, readonly string[]>;
  /** Class name -> default_user/role/type choices (`source` or `target`). */
  readonly defaults: ReadonlyMap<string, { user?: 'source' | 'target'; role?: 'source' | 'target'; type?: 'source' | 'target' }>;
  readonly policycaps: readonly string[];
  /** typebounds: bounded type -> its bounding (parent) type. */
  readonly typeBounds: ReadonlyMap<number, number>;
}

export function emptyRuleTables(): RuleTables {
  return { avtab: new Map(), typeTransitions: new Map(), typeChanges: new Map(), typeMembers: new Map() };
}

/** cond_evaluate_expr: the value of a postfix boolean expression (null: malformed). */
export function evaluateCond(expr: readonly CondOp[], values: readonly boolean[]): boolean | null {
  const stack: boolean[] = [];
  for (const op of expr) {
    if (typeof op === 'number') { stack.push(values[op] ?? false); continue; }
    if (op === 'not') { if (stack.length < 1) return null; stack.push(!stack.pop()!); continue; }
    if (stack.length < 2) return null;
    const b = stack.pop()!;
    const a = stack.pop()!;
    stack.push(op === 'and' ? a && b : op === 'or' ? a || b : op === 'xor' ? a !== b : op === 'eq' ? a === b : a !== b);
  }
  return stack.length === 1 ? stack[0]! : null;
}

function mergeInto(into: RuleTables, from: RuleTables): void {
  for (const [k, e] of from.avtab) {
    const old = into.avtab.get(k);
    if (old === undefined) into.avtab.set(k, { ...e });
    else { old.allowed = (old.allowed | e.allowed) >>> 0; old.auditallow = (old.auditallow | e.auditallow) >>> 0; old.dontaudit = (old.dontaudit | e.dontaudit) >>> 0; }
  }
  for (const [k, v] of from.typeTransitions) into.typeTransitions.set(k, v);
  for (const [k, v] of from.typeChanges) into.typeChanges.set(k, v);
  for (const [k, v] of from.typeMembers) into.typeMembers.set(k, v);
}

/** The rules of each conditional's branch its expression selects under `values` (evaluate_cond_node for every node). */
export function activeRules(conditionals: readonly Conditional[], values: readonly boolean[]): RuleTables {
  const out = emptyRuleTables();
  for (const c of conditionals) mergeInto(out, evaluateCond(c.expr, values) === false ? c.whenFalse : c.whenTrue);
  return out;
}

/**
 * The policy with booleans set, as security_set_bools: a new policy object
 * sharing every table, with the conditional rules re-selected. Unknown names
 * are the caller's to refuse (this returns null for them).
 */
export function withBooleans(policy: CompiledPolicy, values: ReadonlyMap<string, boolean>): CompiledPolicy | null {
  const next = [...policy.boolValues];
  for (const [name, v] of values) {
    const i = policy.booleans.indexOf(name);
    if (i < 0) return null;
    next[i] = v;
  }
  return { ...policy, boolValues: next, condActive: activeRules(policy.conditionals, next) };
}

export const OBJECT_R = 'object_r';

export function avKey(policy: Pick<CompiledPolicy, 'keyCount' | 'classes'>, source: number, target: number, cls: number): number {
  return (source * policy.keyCount + target) * policy.classes.length + cls;
}

/**
 * One table's answer for two types, as context_struct_compute_av (libsepol and
 * Linux services.c) walks the avtab: every key of the source's type_attr_map
 * against every key of the target's, ORing what each entry allows, audits and dontaudits.
 */
export function lookupAvIn(policy: Pick<CompiledPolicy, 'keyCount' | 'classes' | 'typeAttrMap'>, table: ReadonlyMap<number, AvEntry>, source: number, target: number, cls: number): AvEntry {
  let allowed = 0;
  let auditallow = 0;
  let dontaudit = 0;
  const nClasses = policy.classes.length;
  for (const sk of policy.typeAttrMap[source] ?? []) {
    const row = sk * policy.keyCount;
    for (const tk of policy.typeAttrMap[target] ?? []) {
      const e = table.get((row + tk) * nClasses + cls);
      if (e === undefined) continue;
      allowed |= e.allowed;
      auditallow |= e.auditallow;
      dontaudit |= e.dontaudit;
    }
  }
  return { allowed: allowed >>> 0, auditallow: auditallow >>> 0, dontaudit: dontaudit >>> 0 };
}

/** Two types' access vectors: the unconditional rules OR the enabled conditional ones (cond_compute_av). */
export function lookupAv(policy: Pick<CompiledPolicy, 'keyCount' | 'classes' | 'typeAttrMap' | 'avtab' | 'condActive'>, source: number, target: number, cls: number): AvEntry {
  const base = lookupAvIn(policy, policy.avtab, source, target, cls);
  if (policy.condActive.avtab.size === 0) return base;
  const cond = lookupAvIn(policy, policy.condActive.avtab, source, target, cls);
  return { allowed: (base.allowed | cond.allowed) >>> 0, auditallow: (base.auditallow | cond.auditallow) >>> 0, dontaudit: (base.dontaudit | cond.dontaudit) >>> 0 };
}

export function permNames(cls: PolicyClass, mask: number): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < cls.perms.length; bit++) if ((mask >>> bit) & 1) out.push(cls.perms[bit]!);
  return out.sort();
}

/** The mask of one permission of a class, or 0 if the class has no such permission. */
export function permBit(cls: PolicyClass, perm: string): number {
  const bit = cls.perms.indexOf(perm);
  return bit < 0 ? 0 : (1 << bit) >>> 0;
}

export function formatContext(c: SecurityContext): string {
  return `${c.user}:${c.role}:${c.type}`;
}

/** `user:role:type`, or null when the text is not of that shape. */
export function parseContext(text: string): SecurityContext | null {
  const parts = text.split(':');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(p))) return null;
  return { user: parts[0]!, role: parts[1]!, type: parts[2]! };
}
