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

/** type_transition, type_change (relabel on behalf of a subject), type_member (polyinstantiation). */
export type TypeRuleKind = 'type_transition' | 'type_change' | 'type_member';

/** A boolean expression of `if`, as libsepol's cond_expr (a tree here; evaluated as cond_evaluate_expr). */
export type CondExprAst =
  | { op: 'bool'; name: Name }
  | { op: 'not'; arg: CondExprAst }
  | { op: 'and' | 'or' | 'xor' | 'eq' | 'neq'; left: CondExprAst; right: CondExprAst };

/** One operand comparison of a constraint: `u1 == u2`, `r1 dom r2`, `t1 == { a b }`, `u3 != u1`... */
export type ConstraintOp = '==' | '!=' | 'dom' | 'domby' | 'incomp';
export type ConstraintExprAst =
  | { op: 'not'; arg: ConstraintExprAst; pos: Pos }
  | { op: 'and' | 'or'; left: ConstraintExprAst; right: ConstraintExprAst; pos: Pos }
  | { op: 'leaf'; attr: 'u' | 'r' | 't'; left: 1 | 2 | 3; cmp: ConstraintOp; right: 1 | 2 | 3 | null; names: NameSet | null; pos: Pos };

/** Statements allowed inside an `if` branch (checkpolicy's cond_rule_def). */
export type CondRuleStatement = Extract<Statement, { kind: 'avrule' | 'typeTransition' }>;

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
  | { kind: 'typeTransition'; pos: Pos; source: NameSet; target: NameSet; classes: NameSet; result: Name; filename: string | null; rule?: TypeRuleKind }
  | { kind: 'bool'; pos: Pos; name: Name; value: boolean; tunable: boolean }
  | { kind: 'cond'; pos: Pos; expr: CondExprAst; whenTrue: CondRuleStatement[]; whenFalse: CondRuleStatement[] }
  | { kind: 'constrain'; pos: Pos; classes: NameSet; perms: NameSet | null; expr: ConstraintExprAst }
  | { kind: 'policycap'; pos: Pos; name: Name }
  | { kind: 'typebounds'; pos: Pos; bound: Name; bounded: Name[] }
  /** `roleattribute R A, B;`, or `role R, A, B;` (declares: the role is declared here too). */
  | { kind: 'roleattribute'; pos: Pos; name: Name; attributes: Name[]; declares?: boolean }
  | { kind: 'attributeRole'; pos: Pos; name: Name }
  | { kind: 'roleDominance'; pos: Pos; role: Name; dominated: Name[] }
  | { kind: 'defaultObject'; pos: Pos; field: 'user' | 'role' | 'type'; classes: NameSet; which: 'source' | 'target' }
  | { kind: 'optional'; pos: Pos; body: Statement[]; elseBody: Statement[] | null }
  | { kind: 'require'; pos: Pos; items: { what: string; names: Name[] }[] }
  | { kind: 'fscon'; pos: Pos; fs: Name; fsContext: SecurityContextAst; fileContext: SecurityContextAst }
  | { kind: 'role'; pos: Pos; name: Name }
  | { kind: 'roleTypes'; pos: Pos; name: Name; types: NameSet }
  | { kind: 'roleAllow'; pos: Pos; from: NameSet; to: NameSet }
  | { kind: 'roleTransition'; pos: Pos; roles: NameSet; types: NameSet; classes: NameSet | null; result: Name }
  | { kind: 'user'; pos: Pos; name: Name; roles: NameSet }
  | { kind: 'sidContext'; pos: Pos; name: Name; context: SecurityContextAst }
  | { kind: 'fsUse'; pos: Pos; behavior: 'xattr' | 'task' | 'trans'; fs: Name; context: SecurityContextAst }
  | { kind: 'genfscon'; pos: Pos; fs: Name; path: string; fileType: string | null; context: SecurityContextAst }
  | { kind: 'portcon'; pos: Pos; protocol: Name; low: number; high: number; context: SecurityContextAst }
  | { kind: 'netifcon'; pos: Pos; name: Name; ifContext: SecurityContextAst; msgContext: SecurityContextAst }
  | { kind: 'nodecon'; pos: Pos; addr: number; mask: number; addrText: string; context: SecurityContextAst };

export interface PolicyAst {
  readonly file: string;
  readonly statements: readonly Statement[];
}
