/*
 * The policy.conf parser: checkpolicy's grammar for a non-MLS base policy,
 * with its section order (classes, initial SIDs, commons, access vectors,
 * TE and RBAC statements, users, SID contexts, fs_use_*, genfscon, portcon, netifcon, nodecon).
 *   parsePolicy(text, file)   -> PolicyAst, or throws ParseError at file:line:column
 * Constructs mksim does not model (MLS, booleans, constraints, modules...)
 * are refused by name rather than misread.
 */
import { ParseError } from '../../lib/parse-error.js';
import type { AvRuleKind, Name, NameSet, PolicyAst, Pos, SecurityContextAst, SetItem, Statement } from './ast.js';
import { PolicyLexer, sourceLineAt, type PolicyToken } from './lexer.js';

/** Sections in the order checkpolicy requires them. */
const enum Section { Classes, Sids, Commons, AccessVectors, TeRbac, Users, SidContexts, FsUse, Genfs, Portcon, Netifcon, Nodecon }
const SECTION_NAMES = ['class declarations', 'initial sid declarations', 'common definitions', 'class permission definitions',
  'type enforcement and role rules', 'user declarations', 'initial sid contexts', 'fs_use statements', 'genfscon statements',
  'portcon statements', 'netifcon statements', 'nodecon statements'];

const UNSUPPORTED: ReadonlySet<string> = new Set(['clone', 'constrain', 'validatetrans', 'roleattribute', 'attribute_role', 'typebounds', 'bool',
  'tunable', 'if', 'type_member', 'type_change', 'range_transition', 'sensitivity', 'dominance', 'category', 'level',
  'mlsconstrain', 'mlsvalidatetrans', 'module', 'require', 'optional', 'fscon',
  'pirqcon', 'iomemcon', 'ioportcon', 'pcidevicecon', 'policycap', 'default_user', 'default_role', 'default_range']);

const TE_RBAC_KEYWORDS: ReadonlySet<string> = new Set(['attribute', 'type', 'typealias', 'typeattribute', 'permissive', 'allow', 'auditallow',
  'dontaudit', 'auditdeny', 'neverallow', 'type_transition', 'role', 'role_transition']);

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
  private readonly counts = new Array<number>(12).fill(0);
  readonly statements: Statement[] = [];
  private readonly lexer: PolicyLexer;
  /** The tokens looked at but not yet consumed: a statement looks at most a few ahead, never the whole text. */
  private readonly ahead: PolicyToken[] = [];

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
    return this.error(`syntax error at ${this.describe(t)}: expected ${expected}`, this.pos(t));
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
      if (this.counts[s] === 0 && s !== Section.Commons && s <= Section.SidContexts) {
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
    for (let s = Section.Classes; s <= Section.SidContexts; s++) {
      if (s !== Section.Commons && this.counts[s] === 0) throw this.syntax(this.peek(), SECTION_NAMES[s]!);
    }
  }

  private statement(t: PolicyToken): void {
    const pos = this.pos(t);
    if (t.kind === 'punct' && t.text === ';' && this.section === Section.TeRbac) { this.next(); return; }
    if (t.kind !== 'kw') throw this.syntax(t, 'a statement keyword');
    if (UNSUPPORTED.has(t.text)) throw this.error(`'${t.text}' statements are not supported by mksim's policy language`, pos);
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
        if (pathTok.kind !== 'path') throw this.syntax(pathTok, 'a path');
        if (this.isPunct('-')) throw this.error('genfscon file type qualifiers are not supported', this.pos(this.peek()));
        push({ kind: 'genfscon', pos, fs, path: pathTok.text, context: this.context() });
        return;
      }
      // Network contexts (checkpolicy's net_contexts: port, then netif, then node).
      case 'portcon': {
        this.enter(Section.Portcon, t);
        this.next();
        const protocol = this.ident('a protocol (tcp or udp)');
        if (protocol.name !== 'tcp' && protocol.name !== 'udp') throw this.error(`unknown protocol ${protocol.name} (tcp or udp)`, protocol.pos);
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
    this.enter(Section.TeRbac, t);
    this.next();
    push(this.teRbac(t.text, pos));
  }

  private teRbac(kw: string, pos: Pos): Statement {
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
      case 'type_transition': {
        const source = this.names();
        const target = this.names();
        this.expectPunct(':');
        const classes = this.names();
        const result = this.ident('the new type');
        let filename: string | null = null;
        if (this.peek().kind === 'filename') filename = this.next().text;
        this.end();
        return { kind: 'typeTransition', pos, source, target, classes, result, filename };
      }
      case 'role': {
        const name = this.ident('a role name');
        if (this.isPunct(',')) throw this.error('role attributes are not supported by mksim', this.pos(this.peek()));
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
