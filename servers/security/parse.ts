/*
 * The policy.conf parser: checkpolicy's grammar for a non-MLS base policy,
 * with its section order (classes, initial SIDs, commons, access vectors,
 * TE and RBAC statements, users, SID contexts, fs_use_*, genfscon, portcon, netifcon, nodecon).
 *   parsePolicy(text, file)   -> PolicyAst, or throws ParseError at file:line:column
 * Booleans, tunables and `if`, constraints, optional/require blocks,
 * policycap, role attributes and dominance, typebounds and default_* rules
 * parse as checkpolicy's grammar has them; constructs mksim does not model
 * (MLS, modules, Xen contexts) are refused by name rather than misread.
 */
import { ParseError } from '../../lib/parse-error.js';
import type { AvRuleKind, CondExprAst, CondRuleStatement, ConstraintExprAst, ConstraintOp, Name, NameSet, PolicyAst, Pos, SecurityContextAst, SetItem, Statement, TypeRuleKind } from './ast.js';
import { PolicyLexer, sourceLineAt, type PolicyToken } from './lexer.js';

/** Sections in the order checkpolicy requires them. */
const enum Section { Classes, Sids, Commons, AccessVectors, Defaults, TeRbac, Users, Constraints, SidContexts, Fscon, FsUse, Genfs, Portcon, Netifcon, Nodecon }
const SECTION_NAMES = ['class declarations', 'initial sid declarations', 'common definitions', 'class permission definitions',
  'default_user/role/type rules', 'type enforcement and role rules', 'user declarations', 'constraints', 'initial sid contexts',
  'fscon statements', 'fs_use statements', 'genfscon statements', 'portcon statements', 'netifcon statements', 'nodecon statements'];
/** Sections checkpolicy requires at least one statement of. */
const REQUIRED_SECTIONS: readonly Section[] = [Section.Classes, Section.Sids, Section.AccessVectors, Section.TeRbac, Section.Users, Section.SidContexts];

/** MLS, modules and Xen: refused by name (mksim policies are non-MLS base policies). */
const UNSUPPORTED: ReadonlySet<string> = new Set(['clone', 'range_transition', 'sensitivity', 'category', 'level',
  'mlsconstrain', 'mlsvalidatetrans', 'module', 'pirqcon', 'iomemcon', 'ioportcon', 'pcidevicecon', 'default_range']);

const TE_RBAC_KEYWORDS: ReadonlySet<string> = new Set(['attribute', 'type', 'typealias', 'typeattribute', 'permissive', 'allow', 'auditallow',
  'dontaudit', 'auditdeny', 'neverallow', 'type_transition', 'type_change', 'type_member', 'role', 'role_transition', 'bool', 'tunable',
  'if', 'policycap', 'typebounds', 'attribute_role', 'roleattribute', 'dominance', 'optional', 'require']);

/** The rules checkpolicy accepts inside an `if` branch (cond_rule_def): no neverallow, no declarations. */
const COND_RULE_KEYWORDS: ReadonlySet<string> = new Set(['allow', 'auditallow', 'dontaudit', 'auditdeny', 'type_transition', 'type_change', 'type_member']);

/** What `require { ... }` may name (checkpolicy's require_decl_def). */
const REQUIRE_KINDS: ReadonlySet<string> = new Set(['type', 'attribute', 'role', 'attribute_role', 'user', 'bool', 'tunable', 'class']);

/**
 * A name and where it stands, in one object of one fixed shape; `pos` is made
 * on demand (only errors read it). The reference policy holds a million names:
 * a Pos object each, or an object spread (a new V8 hidden class each), cost
 * hundreds of megabytes.
 */
class NameAt implements Name {
  constructor(readonly name: string, private readonly line: number, private readonly column: number) {}
  get pos(): Pos { return { line: this.line, column: this.column }; }
}

class SetItemAt implements SetItem {
  constructor(readonly name: string, private readonly line: number, private readonly column: number, readonly negated: boolean) {}
  get pos(): Pos { return { line: this.line, column: this.column }; }
}

class NameSetAt implements NameSet {
  constructor(private readonly line: number, private readonly column: number, readonly star: boolean, readonly complement: boolean, readonly items: readonly SetItem[]) {}
  get pos(): Pos { return { line: this.line, column: this.column }; }
}

function setItem(n: Name, negated: boolean): SetItem {
  const at = n.pos;
  return new SetItemAt(n.name, at.line, at.column, negated);
}

class Parser {
  private section = Section.Classes;
  private readonly counts = new Array<number>(15).fill(0);
  readonly statements: Statement[] = [];
  private readonly lexer: PolicyLexer;
  /** The tokens looked at but not yet consumed: a statement looks at most a few ahead, never the whole text. */
  private readonly ahead: PolicyToken[] = [];
  /** The statement being parsed (its keyword and line), named by syntax errors inside it. */
  private construct: { readonly kw: string; readonly line: number } | null = null;
  /** `require` blocks met inside an if/else branch, moved before the `if` into the enclosing block. */
  private readonly hoisted: Statement[] = [];

  constructor(private readonly file: string, private readonly text: string) {
    this.lexer = new PolicyLexer(text, file);
  }

  private peek(ahead = 0): PolicyToken {
    while (this.ahead.length <= ahead) {
      const last = this.ahead[this.ahead.length - 1];
      // Past the end the eof token repeats, as the token array's last element did.
      if (last !== undefined && last.kind === 'eof') return last;
      this.ahead.push(this.lexer.next());
    }
    return this.ahead[ahead]!;
  }

  private next(): PolicyToken { const t = this.peek(); if (t.kind !== 'eof') this.ahead.shift(); return t; }
  private pos(t: PolicyToken): Pos { return { line: t.line, column: t.column }; }

  error(detail: string, at: Pos): ParseError {
    return new ParseError(detail, { file: this.file, line: at.line, column: at.column, sourceLine: sourceLineAt(this.text, at.line) });
  }

  private describe(t: PolicyToken): string {
    return t.kind === 'eof' ? 'end of file' : `'${t.kind === 'filename' ? `"${t.text}"` : t.text}'`;
  }

  private syntax(t: PolicyToken, expected: string): ParseError {
    const c = this.construct;
    const within = c === null ? '' : ` in the '${c.kw}' statement${c.line === t.line ? '' : ` of line ${c.line}`}`;
    return this.error(`syntax error at ${this.describe(t)}${within}: expected ${expected}`, this.pos(t));
  }

  /** Parse one statement with its keyword known, so that a syntax error inside it names it. */
  private within<T>(kw: string, at: Pos, parse: () => T): T {
    const outer = this.construct;
    this.construct = { kw, line: at.line };
    const result = parse();
    this.construct = outer;
    return result;
  }

  private isPunct(ch: string, ahead = 0): boolean { const t = this.peek(ahead); return t.kind === 'punct' && t.text === ch; }
  private isKw(kw: string, ahead = 0): boolean { const t = this.peek(ahead); return t.kind === 'kw' && t.text === kw; }

  private expectPunct(ch: string): PolicyToken {
    if (!this.isPunct(ch)) throw this.syntax(this.peek(), `'${ch}'`);
    return this.next();
  }

  private expectKw(kw: string): PolicyToken {
    if (!this.isKw(kw)) throw this.syntax(this.peek(), `'${kw}'`);
    return this.next();
  }

  private ident(what = 'an identifier'): Name {
    const t = this.peek();
    // checkpolicy reserves its keywords in either case: `type t1;` is a syntax error there too.
    if (t.kind === 'kw') throw this.error(`syntax error at '${t.text}': expected ${what} ('${t.text}' is a reserved word)`, this.pos(t));
    if (t.kind !== 'id') throw this.syntax(t, what);
    this.next();
    return new NameAt(t.text, t.line, t.column);
  }

  /** identifier (',' identifier)* */
  private commaList(): Name[] {
    const out = [this.ident()];
    while (this.isPunct(',')) { this.next(); out.push(this.ident()); }
    return out;
  }

  /** '{' ... '}' with nested sets flattened; `-name` excludes. */
  private nestedSet(into: SetItem[]): void {
    const open = this.expectPunct('{');
    let n = 0;
    for (;;) {
      if (this.isPunct('}')) {
        if (n === 0) throw this.syntax(this.peek(), 'an identifier');
        this.next();
        return;
      }
      if (this.isPunct('{')) { this.nestedSet(into); n++; continue; }
      let negated = false;
      if (this.isPunct('-')) { this.next(); negated = true; }
      const name = this.ident(`an identifier or '}' (set opened at ${open.line}:${open.column})`);
      into.push(setItem(name, negated));
      n++;
    }
  }

  /** checkpolicy's `names`. */
  private names(): NameSet {
    const start = this.peek();
    const items: SetItem[] = [];
    if (this.isPunct('*')) { this.next(); return new NameSetAt(start.line, start.column, true, false, items); }
    let complement = false;
    if (this.isPunct('~')) { this.next(); complement = true; }
    if (this.isPunct('{')) {
      this.nestedSet(items);
      // slice(): an exact-size copy (a pushed-to array keeps room for 17 elements; there are 600,000 sets).
      return new NameSetAt(start.line, start.column, false, complement, items.slice());
    }
    const first = this.ident(`a name, '{', '*' or '~'`);
    items.push(setItem(first, false));
    if (!complement && this.isPunct('-')) {
      this.next();
      items.push(setItem(this.ident(), true));
    }
    return new NameSetAt(start.line, start.column, false, complement, items.slice());
  }

  private context(): SecurityContextAst {
    const user = this.ident('a user');
    this.expectPunct(':');
    const role = this.ident('a role');
    this.expectPunct(':');
    const type = this.ident('a type');
    if (this.isPunct(':')) throw this.error('MLS ranges in contexts are not supported: mksim policies are non-MLS (compile them with checkpolicy without -M)', this.pos(this.peek()));
    return { pos: user.pos, user, role, type };
  }

  private end(): void { this.expectPunct(';'); }

  private port(): number {
    const t = this.next();
    const n = t.kind === 'number' && /^\d+$/.test(t.text) ? Number(t.text) : NaN;
    if (!(n >= 0 && n <= 65_535)) throw this.syntax(t, 'a port number 0..65535');
    return n;
  }

  /** A dotted-quad IPv4 address (four numbers and three dots): its value and its text. */
  private ipv4(): [number, string] {
    const parts: number[] = [];
    const first = this.peek();
    for (let i = 0; i < 4; i++) {
      if (i > 0) this.expectPunct('.');
      const t = this.next();
      const n = t.kind === 'number' && /^\d+$/.test(t.text) ? Number(t.text) : NaN;
      if (!(n >= 0 && n <= 255)) throw this.syntax(t, 'an IPv4 address such as 10.0.0.2 (IPv6 is not supported)');
      parts.push(n);
    }
    return [((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0, parts.join('.') || first.text];
  }

  /** Enter a section, refusing statements that come after a later section started. */
  private enter(section: Section, at: PolicyToken): void {
    if (section < this.section) {
      throw this.error(`syntax error at ${this.describe(at)}: ${SECTION_NAMES[section]} must come before ${SECTION_NAMES[this.section]}`, this.pos(at));
    }
    // A required section skipped: checkpolicy needs at least one of each of these.
    for (let s = this.section; s < section; s++) {
      if (this.counts[s] === 0 && REQUIRED_SECTIONS.includes(s)) {
        throw this.error(`syntax error at ${this.describe(at)}: expected ${SECTION_NAMES[s]} first`, this.pos(at));
      }
    }
    this.section = section;
    this.counts[section]!++;
  }

  parse(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      this.statement(t);
    }
    for (const s of REQUIRED_SECTIONS) {
      if (this.counts[s] === 0) throw this.syntax(this.peek(), SECTION_NAMES[s]!);
    }
  }

  private statement(t: PolicyToken): void {
    const pos = this.pos(t);
    if (t.kind === 'punct' && t.text === ';' && this.section === Section.TeRbac) { this.next(); return; }
    if (t.kind !== 'kw') throw this.syntax(t, 'a statement keyword');
    if (UNSUPPORTED.has(t.text)) throw this.error(`'${t.text}' statements are not supported by mksim's policy language`, pos);
    this.within(t.text, pos, () => this.keywordStatement(t, pos));
  }

  private keywordStatement(t: PolicyToken, pos: Pos): void {
    const push = (s: Statement): void => { this.statements.push(s); };
    switch (t.text) {
      case 'class': {
        const isPerms = this.isPunct('{', 2) || this.isKw('inherits', 2);
        this.enter(isPerms ? Section.AccessVectors : Section.Classes, t);
        this.next();
        const name = this.ident('a class name');
        if (!isPerms) { push({ kind: 'class', pos, name }); return; }
        let inherits: Name | null = null;
        if (this.isKw('inherits')) { this.next(); inherits = this.ident('a common name'); }
        const perms: Name[] = [];
        if (inherits === null || this.isPunct('{')) {
          this.expectPunct('{');
          do perms.push(this.ident('a permission')); while (!this.isPunct('}'));
          this.next();
        }
        push({ kind: 'classPerms', pos, name, inherits, perms });
        return;
      }
      case 'sid': {
        const isContext = this.peek(2).kind === 'id' && this.isPunct(':', 3);
        this.enter(isContext ? Section.SidContexts : Section.Sids, t);
        this.next();
        const name = this.ident('a sid name');
        if (isContext) push({ kind: 'sidContext', pos, name, context: this.context() });
        else push({ kind: 'sid', pos, name });
        return;
      }
      case 'common': {
        this.enter(Section.Commons, t);
        this.next();
        const name = this.ident('a common name');
        this.expectPunct('{');
        const perms: Name[] = [];
        do perms.push(this.ident('a permission')); while (!this.isPunct('}'));
        this.next();
        push({ kind: 'common', pos, name, perms });
        return;
      }
      case 'user': {
        this.enter(Section.Users, t);
        this.next();
        const name = this.ident('a user name');
        this.expectKw('roles');
        const roles = this.names();
        if (this.isKw('level') || this.isKw('range')) throw this.error('MLS user levels and ranges are not supported: mksim policies are non-MLS', this.pos(this.peek()));
        this.end();
        push({ kind: 'user', pos, name, roles });
        return;
      }
      case 'fs_use_xattr': case 'fs_use_task': case 'fs_use_trans': {
        this.enter(Section.FsUse, t);
        this.next();
        const fs = this.ident('a file system name');
        const context = this.context();
        this.end();
        push({ kind: 'fsUse', pos, behavior: t.text.slice('fs_use_'.length) as 'xattr' | 'task' | 'trans', fs, context });
        return;
      }
      case 'genfscon': {
        this.enter(Section.Genfs, t);
        this.next();
        const fs = this.ident('a file system name');
        const pathTok = this.next();
        // A quoted path ("/a b") is checkpolicy's QPATH: the same path, spaces allowed.
        if (pathTok.kind !== 'path' && !(pathTok.kind === 'filename' && pathTok.text.startsWith('/'))) throw this.syntax(pathTok, 'a path');
        push({ kind: 'genfscon', pos, fs, path: pathTok.text, fileType: this.fileTypeFlag(), context: this.context() });
        return;
      }
      case 'fscon': {
        // checkpolicy's fs_context_def: `fscon MAJOR MINOR context context` (kept, never consulted: Linux has no use for it).
        this.enter(Section.Fscon, t);
        this.next();
        const major = this.next();
        const minor = this.next();
        if (major.kind !== 'number') throw this.syntax(major, 'a device major number');
        if (minor.kind !== 'number') throw this.syntax(minor, 'a device minor number');
        const fsContext = this.context();
        const fileContext = this.context();
        push({ kind: 'fscon', pos, fs: { name: `${major.text}:${minor.text}`, pos: this.pos(major) }, fsContext, fileContext });
        return;
      }
      case 'constrain': case 'validatetrans': {
        this.enter(Section.Constraints, t);
        this.next();
        const validatetrans = t.text === 'validatetrans';
        const classes = this.names();
        const perms = validatetrans ? null : this.names();
        const expr = this.constraintExpr(validatetrans);
        this.end();
        push({ kind: 'constrain', pos, classes, perms, expr });
        return;
      }
      case 'default_user': case 'default_role': case 'default_type': {
        this.enter(Section.Defaults, t);
        this.next();
        const classes = this.names();
        const which = this.peek();
        if (!(which.kind === 'kw' && (which.text === 'source' || which.text === 'target'))) throw this.syntax(which, "'source' or 'target'");
        this.next();
        this.end();
        push({ kind: 'defaultObject', pos, field: t.text.slice('default_'.length) as 'user' | 'role' | 'type', classes, which: which.text as 'source' | 'target' });
        return;
      }
      // Network contexts (checkpolicy's net_contexts: port, then netif, then node).
      case 'portcon': {
        this.enter(Section.Portcon, t);
        this.next();
        const protocol = this.ident('a protocol (tcp or udp)');
        // checkpolicy 3.4 knows tcp, udp, dccp and sctp (the reference policy labels all four); mksim's network has tcp and udp.
        if (!['tcp', 'udp', 'dccp', 'sctp'].includes(protocol.name)) throw this.error(`unknown protocol ${protocol.name} (tcp, udp, dccp or sctp)`, protocol.pos);
        const low = this.port();
        let high = low;
        if (this.isPunct('-')) { this.next(); high = this.port(); }
        if (high < low) throw this.error(`port range ${low}-${high} is backwards`, pos);
        push({ kind: 'portcon', pos, protocol, low, high, context: this.context() });
        return;
      }
      case 'netifcon': {
        this.enter(Section.Netifcon, t);
        this.next();
        const name = this.ident('an interface name');
        const ifContext = this.context();
        push({ kind: 'netifcon', pos, name, ifContext, msgContext: this.context() });
        return;
      }
      case 'nodecon': {
        this.enter(Section.Nodecon, t);
        this.next();
        const [addr, addrText] = this.ipv4();
        const [mask] = this.ipv4();
        push({ kind: 'nodecon', pos, addr, mask, addrText, context: this.context() });
        return;
      }
    }
    if (!TE_RBAC_KEYWORDS.has(t.text)) throw this.syntax(t, 'a statement keyword');
    // checkpolicy 3.4 refuses `require` at the top level of a base policy (an if branch's is hoisted, not met here).
    if (t.text === 'require') throw this.syntax(t, "a statement keyword ('require' belongs inside an optional block or an if branch)");
    this.enter(Section.TeRbac, t);
    this.next();
    const s = this.teRbac(t.text, pos);
    for (const r of this.hoisted.splice(0)) push(r);
    push(s);
  }

  /** genfscon's file type: -b -c -d -p -l -s or -- (checkpolicy's genfs file types), or none. */
  private fileTypeFlag(): string | null {
    if (!this.isPunct('-')) return null;
    const dash = this.next();
    if (this.isPunct('-')) { this.next(); return '--'; }
    const t = this.peek();
    if (t.kind === 'id' && /^[bcdpls]$/.test(t.text) && t.line === dash.line && t.column === dash.column + 1) { this.next(); return `-${t.text}`; }
    throw this.error(`invalid type ${t.kind === 'eof' ? '' : t.text} in genfscon: expected -b, -c, -d, -p, -l, -s or --`, this.pos(dash));
  }

  /** One statement inside an optional block: any TE/RBAC statement, or require. */
  private blockStatement(): Statement {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === ';') { this.next(); return this.blockStatement(); }
    if (t.kind !== 'kw' || !TE_RBAC_KEYWORDS.has(t.text)) {
      if (t.kind === 'kw' && UNSUPPORTED.has(t.text)) throw this.error(`'${t.text}' statements are not supported by mksim's policy language`, this.pos(t));
      throw this.syntax(t, 'a type enforcement or role statement');
    }
    this.next();
    return this.teRbac(t.text, this.pos(t));
  }

  /** `{ statements }` of an optional block (may be empty, as checkpolicy's avrules_block). */
  private block(): Statement[] {
    this.expectPunct('{');
    const out: Statement[] = [];
    while (!this.isPunct('}')) {
      if (this.peek().kind === 'eof') throw this.syntax(this.peek(), "'}'");
      if (this.isPunct(';')) { this.next(); continue; }
      const s = this.blockStatement();
      out.push(...this.hoisted.splice(0), s);
    }
    this.next();
    return out;
  }

  /** `{ rules }` of an if/else branch: checkpolicy's cond_pol_list (possibly empty). */
  private condBlock(): CondRuleStatement[] {
    this.expectPunct('{');
    const out: CondRuleStatement[] = [];
    while (!this.isPunct('}')) {
      const t = this.peek();
      // checkpolicy's cond_rule_def includes require_block: its requirements are the enclosing block's, so it is hoisted there.
      if (t.kind === 'kw' && t.text === 'require') { this.next(); this.hoisted.push(this.teRbac('require', this.pos(t))); continue; }
      if (t.kind !== 'kw' || !COND_RULE_KEYWORDS.has(t.text)) {
        throw this.syntax(t, 'an allow, auditallow, dontaudit, auditdeny, type_transition, type_change or type_member rule (only these may be conditional)');
      }
      this.next();
      const s = this.teRbac(t.text, this.pos(t));
      if (s.kind !== 'avrule' && s.kind !== 'typeTransition') throw this.syntax(t, 'an access vector or type rule');
      // checkpolicy's define_cond_filename_trans: libsepol keeps file-name transitions in one unconditional table.
      if (s.kind === 'typeTransition' && s.filename !== null) throw this.error('type transitions with a file name are not allowed inside conditionals (checkpolicy refuses them too)', this.pos(t));
      out.push(s);
    }
    this.next();
    return out;
  }

  /**
   * A conditional expression with checkpolicy's precedences, loosest first:
   * || then ^ then && then ! then == and != (policy_parse.y's %left/%right order).
   */
  private condExpr(level = 0): CondExprAst {
    const LEVELS: readonly (readonly [string, CondExprAst['op']][])[] = [[['||', 'or']], [['^', 'xor']], [['&&', 'and']]];
    if (level < LEVELS.length) {
      let left = this.condExpr(level + 1);
      for (;;) {
        const op = LEVELS[level]!.find(([text]) => this.isPunct(text));
        if (op === undefined) return left;
        this.next();
        left = { op: op[1] as 'or' | 'xor' | 'and', left, right: this.condExpr(level + 1) };
      }
    }
    if (this.isPunct('!')) { this.next(); return { op: 'not', arg: this.condExpr(level) }; }
    let left = this.condPrimary();
    while (this.isPunct('==') || this.isPunct('!=')) {
      const op = this.next().text === '==' ? 'eq' : 'neq';
      left = { op, left, right: this.condPrimary() };
    }
    return left;
  }

  private condPrimary(): CondExprAst {
    if (this.isPunct('(')) {
      this.next();
      const e = this.condExpr();
      this.expectPunct(')');
      return e;
    }
    if (this.isPunct('!')) { this.next(); return { op: 'not', arg: this.condPrimary() }; }
    return { op: 'bool', name: this.ident('a boolean name') };
  }

  /** A constraint expression: `not` binds tightest, then `and`, then `or` (checkpolicy's cexpr). */
  private constraintExpr(validatetrans: boolean): ConstraintExprAst {
    let left = this.constraintAnd(validatetrans);
    while (this.isKw('or')) {
      const pos = this.pos(this.next());
      left = { op: 'or', left, right: this.constraintAnd(validatetrans), pos };
    }
    return left;
  }

  private constraintAnd(validatetrans: boolean): ConstraintExprAst {
    let left = this.constraintNot(validatetrans);
    while (this.isKw('and')) {
      const pos = this.pos(this.next());
      left = { op: 'and', left, right: this.constraintNot(validatetrans), pos };
    }
    return left;
  }

  private constraintNot(validatetrans: boolean): ConstraintExprAst {
    const t = this.peek();
    if (this.isKw('not')) { this.next(); return { op: 'not', arg: this.constraintNot(validatetrans), pos: this.pos(t) }; }
    if (this.isPunct('(')) {
      this.next();
      const e = this.constraintExpr(validatetrans);
      this.expectPunct(')');
      return e;
    }
    const operand = /^([urt])([123])$/.exec(t.kind === 'kw' ? t.text : '');
    if (operand === null) {
      if (t.kind === 'kw' && /^[lh][12]$/.test(t.text)) throw this.error('MLS operands (l1, l2, h1, h2) are not supported: mksim policies are non-MLS', this.pos(t));
      throw this.syntax(t, "a constraint operand (u1, u2, r1, r2, t1, t2), 'not' or '('");
    }
    this.next();
    const attr = operand[1] as 'u' | 'r' | 't';
    const left = Number(operand[2]) as 1 | 2 | 3;
    if (left === 3 && !validatetrans) throw this.error(`${t.text} is only allowed in validatetrans (the task's context)`, this.pos(t));
    const opTok = this.peek();
    let cmp: ConstraintOp;
    if (this.isPunct('==') || this.isPunct('!=')) cmp = this.next().text as '==' | '!=';
    else if (attr === 'r' && (this.isKw('dom') || this.isKw('domby') || this.isKw('incomp'))) cmp = this.next().text as ConstraintOp;
    else throw this.syntax(opTok, attr === 'r' ? "'==', '!=', 'dom', 'domby' or 'incomp'" : "'==' or '!='");
    const rt = this.peek();
    const rightOperand = /^([urt])([123])$/.exec(rt.kind === 'kw' ? rt.text : '');
    if (rightOperand !== null) {
      // checkpolicy compares only u1 with u2, r1 with r2, t1 with t2 (and their 3rd forms in names form only).
      if (rightOperand[1] !== attr || left !== 1 || rightOperand[2] !== '2') throw this.error(`invalid constraint comparison ${t.text} ${opTok.text} ${rt.text}: only ${attr}1 against ${attr}2`, this.pos(rt));
      this.next();
      return { op: 'leaf', attr, left, cmp, right: 2, names: null, pos: this.pos(t) };
    }
    if (cmp !== '==' && cmp !== '!=') throw this.error(`${cmp} compares r1 with r2 only`, this.pos(opTok));
    return { op: 'leaf', attr, left, cmp, right: null, names: this.names(), pos: this.pos(t) };
  }

  private teRbac(kw: string, pos: Pos): Statement {
    return this.within(kw, pos, () => this.teRbacStatement(kw, pos));
  }

  private teRbacStatement(kw: string, pos: Pos): Statement {
    switch (kw) {
      case 'attribute': { const name = this.ident(); this.end(); return { kind: 'attribute', pos, name }; }
      case 'type': {
        const name = this.ident('a type name');
        let aliases: NameSet | null = null;
        if (this.isKw('alias')) { this.next(); aliases = this.names(); }
        let attributes: Name[] = [];
        if (this.isPunct(',')) { this.next(); attributes = this.commaList(); }
        this.end();
        return { kind: 'type', pos, name, aliases, attributes };
      }
      case 'typealias': {
        const name = this.ident('a type name');
        this.expectKw('alias');
        const aliases = this.names();
        this.end();
        return { kind: 'typealias', pos, name, aliases };
      }
      case 'typeattribute': {
        const name = this.ident('a type name');
        const attributes = this.commaList();
        this.end();
        return { kind: 'typeattribute', pos, name, attributes };
      }
      case 'permissive': { const name = this.ident('a type name'); this.end(); return { kind: 'permissive', pos, name }; }
      case 'allow': case 'auditallow': case 'dontaudit': case 'auditdeny': case 'neverallow': {
        const source = this.names();
        const target = this.names();
        if (kw === 'allow' && this.isPunct(';')) { this.next(); return { kind: 'roleAllow', pos, from: source, to: target }; }
        this.expectPunct(':');
        const classes = this.names();
        const perms = this.names();
        this.end();
        return { kind: 'avrule', pos, rule: kw as AvRuleKind, source, target, classes, perms };
      }
      case 'type_transition': case 'type_change': case 'type_member': {
        const source = this.names();
        const target = this.names();
        this.expectPunct(':');
        const classes = this.names();
        const result = this.ident('the new type');
        let filename: string | null = null;
        if (kw === 'type_transition' && this.peek().kind === 'filename') filename = this.next().text;
        this.end();
        return { kind: 'typeTransition', pos, source, target, classes, result, filename, rule: kw as TypeRuleKind };
      }
      case 'bool': case 'tunable': {
        const name = this.ident(`a ${kw} name`);
        const v = this.peek();
        if (!(v.kind === 'kw' && (v.text === 'true' || v.text === 'false'))) throw this.syntax(v, `'true' or 'false' (the ${kw}'s default)`);
        this.next();
        this.end();
        return { kind: 'bool', pos, name, value: v.text === 'true', tunable: kw === 'tunable' };
      }
      case 'if': {
        const expr = this.condExpr();
        const whenTrue = this.condBlock();
        let whenFalse: CondRuleStatement[] = [];
        if (this.isKw('else')) { this.next(); whenFalse = this.condBlock(); }
        return { kind: 'cond', pos, expr, whenTrue, whenFalse };
      }
      case 'policycap': { const name = this.ident('a policy capability name'); this.end(); return { kind: 'policycap', pos, name }; }
      case 'typebounds': {
        const bound = this.ident('the bounding type');
        const bounded = this.commaList();
        this.end();
        return { kind: 'typebounds', pos, bound, bounded };
      }
      case 'attribute_role': { const name = this.ident('a role attribute name'); this.end(); return { kind: 'attributeRole', pos, name }; }
      case 'roleattribute': {
        const name = this.ident('a role name');
        const attributes = this.commaList();
        this.end();
        return { kind: 'roleattribute', pos, name, attributes };
      }
      case 'dominance': {
        // `dominance { role R { role S; ... } }`: deprecated in checkpolicy (a warning) but accepted.
        this.expectPunct('{');
        this.expectKw('role');
        const role = this.ident('a role name');
        const dominated: Name[] = [];
        this.expectPunct('{');
        while (!this.isPunct('}')) {
          this.expectKw('role');
          dominated.push(this.ident('a role name'));
          this.end();
        }
        this.next();
        this.expectPunct('}');
        return { kind: 'roleDominance', pos, role, dominated };
      }
      case 'optional': {
        const body = this.block();
        let elseBody: Statement[] | null = null;
        if (this.isKw('else')) { this.next(); elseBody = this.block(); }
        return { kind: 'optional', pos, body, elseBody };
      }
      case 'require': {
        this.expectPunct('{');
        const items: { what: string; names: Name[] }[] = [];
        while (!this.isPunct('}')) {
          const w = this.peek();
          if (w.kind !== 'kw' || !REQUIRE_KINDS.has(w.text)) throw this.syntax(w, 'type, attribute, role, attribute_role, user, bool, tunable or class');
          this.next();
          if (w.text === 'class') {
            const cls = this.ident('a class name');
            const perms = this.names();
            items.push({ what: 'class', names: [cls, ...perms.items] });
          } else {
            items.push({ what: w.text, names: this.commaList() });
          }
          this.end();
        }
        this.next();
        return { kind: 'require', pos, items };
      }
      case 'role': {
        const name = this.ident('a role name');
        if (this.isPunct(',')) {
          // `role R, ATTR...;` declares R with role attributes (checkpolicy's role_def with opt_attr_list).
          this.next();
          const attributes = this.commaList();
          this.end();
          return { kind: 'roleattribute', pos, name, attributes, declares: true };
        }
        if (this.isKw('types')) {
          this.next();
          const types = this.names();
          this.end();
          return { kind: 'roleTypes', pos, name, types };
        }
        this.end();
        return { kind: 'role', pos, name };
      }
      case 'role_transition': {
        const roles = this.names();
        const types = this.names();
        let classes: NameSet | null = null;
        if (this.isPunct(':')) { this.next(); classes = this.names(); }
        const result = this.ident('the new role');
        this.end();
        return { kind: 'roleTransition', pos, roles, types, classes, result };
      }
    }
    throw this.error(`syntax error at '${kw}'`, pos);
  }
}

export function parsePolicy(text: string, file: string): PolicyAst {
  const parser = new Parser(file, text);
  parser.parse();
  return { file, statements: parser.statements };
}

/** The parser's error constructor for the compiler's semantic errors (same file:line:column and caret). */
export function policyError(text: string, file: string, detail: string, at: Pos): ParseError {
  return new ParseError(detail, { file, line: at.line, column: at.column, sourceLine: sourceLineAt(text, at.line) });
}
