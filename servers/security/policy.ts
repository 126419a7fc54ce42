/*
 * The compiled policy: symbols numbered, access vectors as bit masks keyed on
 * (source, target, class) where source and target are types or attributes, as
 * written (libsepol's avtab keeps attributes; a decision ORs the keys of both types' attributes).
 *   CompiledPolicy, PolicyClass, AvEntry, SecurityContext
 *   avKey(policy, s, t, c)       the numeric key of an avtab entry (s, t: type values or attribute keys)
 *   lookupAv(policy, s, t, c)    the effective entry of two types: the OR over their type_attr_map keys
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
  readonly genfs: readonly { fs: string; path: string; context: SecurityContext }[];
  /** Network contexts in policy order (the first match wins, as Linux's security_port_sid and security_node_sid search). */
  readonly portcon: readonly { protocol: 'tcp' | 'udp'; low: number; high: number; context: SecurityContext }[];
  readonly netifcon: readonly { name: string; ifContext: SecurityContext; msgContext: SecurityContext }[];
  readonly nodecon: readonly { addr: number; mask: number; context: SecurityContext }[];
}

export const OBJECT_R = 'object_r';

export function avKey(policy: Pick<CompiledPolicy, 'keyCount' | 'classes'>, source: number, target: number, cls: number): number {
  return (source * policy.keyCount + target) * policy.classes.length + cls;
}

/**
 * The avtab's answer for two types, as context_struct_compute_av (libsepol and
 * Linux services.c) walks it: every key of the source's type_attr_map against
 * every key of the target's, ORing what each entry allows, audits and dontaudits.
 */
export function lookupAv(policy: Pick<CompiledPolicy, 'keyCount' | 'classes' | 'typeAttrMap' | 'avtab'>, source: number, target: number, cls: number): AvEntry {
  let allowed = 0;
  let auditallow = 0;
  let dontaudit = 0;
  const nClasses = policy.classes.length;
  for (const sk of policy.typeAttrMap[source] ?? []) {
    const row = sk * policy.keyCount;
    for (const tk of policy.typeAttrMap[target] ?? []) {
      const e = policy.avtab.get((row + tk) * nClasses + cls);
      if (e === undefined) continue;
      allowed |= e.allowed;
      auditallow |= e.auditallow;
      dontaudit |= e.dontaudit;
    }
  }
  return { allowed: allowed >>> 0, auditallow: auditallow >>> 0, dontaudit: dontaudit >>> 0 };
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
