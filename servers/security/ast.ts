/*
 * The parsed policy.conf, before any name is resolved: one statement per
 * rule, each with the position of its keyword for error messages.
 *   PolicyAst, Statement (a discriminated union on `kind`), NameSet, Pos
 */

export interface Pos {
  readonly line: number;
  readonly column: number;
}

export interface Name {
  readonly name: string;
  readonly pos: Pos;
}

/** One element of a set: `name` or `-name` (nested braces are flattened, as checkpolicy does). */
export interface SetItem extends Name {
  readonly negated: boolean;
}

/** `name`, `{ a b -c }`, `*`, `~name`, `~{ ... }`, `a - b`. */
export interface NameSet {
  readonly pos: Pos;
  readonly star: boolean;
  readonly complement: boolean;
  readonly items: readonly SetItem[];
}

export interface SecurityContextAst {
  readonly pos: Pos;
  readonly user: Name;
  readonly role: Name;
  readonly type: Name;
}

export type AvRuleKind = 'allow' | 'auditallow' | 'dontaudit' | 'auditdeny' | 'neverallow';

export type Statement =
  | { kind: 'class'; pos: Pos; name: Name }
  | { kind: 'sid'; pos: Pos; name: Name }
  | { kind: 'common'; pos: Pos; name: Name; perms: Name[] }
  | { kind: 'classPerms'; pos: Pos; name: Name; inherits: Name | null; perms: Name[] }
  | { kind: 'attribute'; pos: Pos; name: Name }
  | { kind: 'type'; pos: Pos; name: Name; aliases: NameSet | null; attributes: Name[] }
  | { kind: 'typealias'; pos: Pos; name: Name; aliases: NameSet }
  | { kind: 'typeattribute'; pos: Pos; name: Name; attributes: Name[] }
  | { kind: 'permissive'; pos: Pos; name: Name }
  | { kind: 'avrule'; pos: Pos; rule: AvRuleKind; source: NameSet; target: NameSet; classes: NameSet; perms: NameSet }
  | { kind: 'typeTransition'; pos: Pos; source: NameSet; target: NameSet; classes: NameSet; result: Name; filename: string | null }
  | { kind: 'role'; pos: Pos; name: Name }
  | { kind: 'roleTypes'; pos: Pos; name: Name; types: NameSet }
  | { kind: 'roleAllow'; pos: Pos; from: NameSet; to: NameSet }
  | { kind: 'roleTransition'; pos: Pos; roles: NameSet; types: NameSet; classes: NameSet | null; result: Name }
  | { kind: 'user'; pos: Pos; name: Name; roles: NameSet }
  | { kind: 'sidContext'; pos: Pos; name: Name; context: SecurityContextAst }
  | { kind: 'fsUse'; pos: Pos; behavior: 'xattr' | 'task' | 'trans'; fs: Name; context: SecurityContextAst }
  | { kind: 'genfscon'; pos: Pos; fs: Name; path: string; context: SecurityContextAst }
  | { kind: 'portcon'; pos: Pos; protocol: Name; low: number; high: number; context: SecurityContextAst }
  | { kind: 'netifcon'; pos: Pos; name: Name; ifContext: SecurityContextAst; msgContext: SecurityContextAst }
  | { kind: 'nodecon'; pos: Pos; addr: number; mask: number; addrText: string; context: SecurityContextAst };

export interface PolicyAst {
  readonly file: string;
  readonly statements: readonly Statement[];
}
