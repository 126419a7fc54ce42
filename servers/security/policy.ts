/*
 * The compiled policy: symbols numbered, attributes expanded into their
 * member types, access vectors as bit masks keyed on (source, target, class).
 *   CompiledPolicy, PolicyClass, AvEntry, SecurityContext
 *   avKey(policy, s, t, c)       the numeric key of an avtab entry
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
  readonly permissiveTypes: ReadonlySet<number>;
  /** Role name -> the types it is authorised for (object_r is predefined). */
  readonly roleTypes: ReadonlyMap<string, ReadonlySet<number>>;
  /** `from:to` pairs of role allow rules. */
  readonly roleAllow: ReadonlySet<string>;
  /** `role:type:class` -> new role. */
  readonly roleTransitions: ReadonlyMap<string, string>;
  /** User -> authorised roles. */
  readonly users: ReadonlyMap<string, ReadonlySet<string>>;
  readonly avtab: ReadonlyMap<number, AvEntry>;
  /** avKey -> new type. */
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

export function avKey(policy: Pick<CompiledPolicy, 'types' | 'classes'>, source: number, target: number, cls: number): number {
  return (source * policy.types.length + target) * policy.classes.length + cls;
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
