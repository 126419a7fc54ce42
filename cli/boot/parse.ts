/*
 * The boot-script parser: lines, # comments, directives with key=value
 * arguments, and process blocks whose commands are indented.
 *   parseBootScript(text, file) -> BootScript, or throws ParseError (file:line:column)
 * Every value is checked against its directive's spec here, so a script
 * with a typo never boots. The parse is linear in the script's length
 * (names are looked up in maps), and every number has a bound (script.ts).
 */
import { ParseError, shorten, type SourcePosition } from '../../lib/parse-error.js';
import { closest, parseCommand, type Command } from '../../lib/shell/commands.js';
import { tokenizeLine, type Token } from '../../lib/shell/lexer.js';
import { formatDurationNs, parseDurationNs, parseIntStrict, parseMode, parseSizeBytes } from '../../lib/shell/values.js';
import {
  DIRECTIVE_SPECS, MAX_NAME_CHARS, PLUGIN_FILE_PATTERN, MAX_PATH_CHARS, PROCESS_KEYS, RESERVED_NAMES,
  type BootScript, type Directive, type DirectiveValue, type KeySpec, type ProcessBlock,
} from './script.js';
import { ownValue } from '../../lib/own.js';

export const MAX_SCRIPT_LINES = 100_000;
/** Items of a list value (fault block=1,2,...). */
export const MAX_LIST_ITEMS = 4096;

interface PendingProcess {
  header: Omit<ProcessBlock, 'commands'>;
  commands: Command[];
}

export function parseBootScript(text: string, file: string): BootScript {
  const lines = text.split('\n');
  if (lines.length > MAX_SCRIPT_LINES) throw new ParseError(`script longer than ${MAX_SCRIPT_LINES} lines`, { file, line: MAX_SCRIPT_LINES, column: 1 });
  const directives: Directive[] = [];
  const processes: ProcessBlock[] = [];
  const blockNames = new Set<string>();
  const keywords = new Set<string>();
  let current: PendingProcess | null = null;
  const closeProcess = (): void => {
    if (current !== null) processes.push({ ...current.header, commands: current.commands });
    current = null;
  };

  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineNr = index + 1;
    const sourceLine = raw.replace(/\r$/, '');
    const tokens = tokenizeLine(sourceLine, lineNr, file);
    if (tokens.length === 0) continue;
    const base = { file, line: lineNr, sourceLine };
    const indented = /^[ \t]/.test(sourceLine);
    if (indented) {
      if (current === null) {
        throw new ParseError('indented command outside a process block (start one with `process NAME`)', { ...base, column: tokens[0]!.column });
      }
      (current as PendingProcess).commands.push(parseCommand(tokens, base));
      continue;
    }
    closeProcess();
    const head = tokens[0]!;
    if (head.text === 'process' && !head.quoted) {
      current = { header: parseProcessHeader(tokens, base, blockNames), commands: [] };
      blockNames.add(current.header.name);
      continue;
    }
    const d = parseDirective(tokens, base, keywords);
    keywords.add(d.keyword);
    directives.push(d);
  }
  closeProcess();
  // A disk's name is its driver's process name: no process block may take it (in either order).
  for (const d of directives) {
    if (d.keyword === 'disk' && blockNames.has(d.positional[0]!)) {
      const block = processes.find((p) => p.name === d.positional[0])!;
      throw new ParseError(`process ${block.name}: '${block.name}' is the name of a disk's driver (line ${d.pos.line})`, block.namePos);
    }
  }
  return { file, directives, processes };
}

function positionOf(base: Omit<SourcePosition, 'column'>, t: Token | undefined, fallback = 1): SourcePosition {
  return { ...base, column: t?.column ?? fallback };
}

function parseDirective(tokens: readonly Token[], base: Omit<SourcePosition, 'column'>, seen: ReadonlySet<string>): Directive {
  const head = tokens[0]!;
  const fail = (msg: string, t: Token | undefined): never => { throw new ParseError(msg, positionOf(base, t, (base.sourceLine?.length ?? 0) + 1)); };
  const spec = ownValue(DIRECTIVE_SPECS, head.text);
  if (spec === undefined || head.quoted) {
    const near = closest(head.text, [...Object.keys(DIRECTIVE_SPECS), 'process']);
    return fail(`unknown directive '${shorten(head.text)}'${near ? ` (did you mean '${near}'?)` : ''}; a process's commands must be indented`, head);
  }
  if (!spec.repeatable && seen.has(head.text)) fail(`${head.text} may appear only once`, head);
  const positional: string[] = [];
  const words: string[] = [];
  const values = new Map<string, DirectiveValue>();
  const keyPos = new Map<string, SourcePosition>();
  for (const t of tokens.slice(1)) {
    const eq = t.text.indexOf('=');
    if (eq < 0 || t.quoted) {
      if (positional.length < spec.positional.length) {
        const what = spec.positional[positional.length]!;
        if (what === 'file') {
          positional.push(parseValue(t.text, { kind: 'path', summary: what }, what, positionOf(base, t)) as string);
          continue;
        }
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.text) || t.text.length > MAX_NAME_CHARS) {
          fail(`'${shorten(t.text)}' is not a valid ${what} (letters, digits, _ . -; at most ${MAX_NAME_CHARS} characters)`, t);
        }
        if ((head.text === 'disk' || head.text === 'program') && RESERVED_NAMES.has(t.text.toLowerCase())) fail(`'${t.text}' is a system process's name; call the ${head.text} something else`, t);
        positional.push(t.text);
      } else if (spec.words?.includes(t.text)) {
        words.push(t.text);
      } else {
        const expected = spec.words ? `one of ${spec.words.join(', ')} or key=value` : 'key=value';
        fail(`unexpected '${shorten(t.text)}' in ${head.text} (expected ${expected}; usage: ${spec.summary})`, t);
      }
      continue;
    }
    const key = t.text.slice(0, eq);
    const keySpec = ownValue(spec.keys, key);
    if (keySpec === undefined) {
      const near = closest(key, Object.keys(spec.keys));
      fail(`unknown key '${shorten(key)}' for ${head.text}${near ? ` (did you mean '${near}'?)` : ''} (known: ${Object.keys(spec.keys).join(', ')})`, t);
    }
    if (values.has(key)) fail(`${key} given twice`, t);
    const valuePos: SourcePosition = { ...base, column: t.column + eq + 1 };
    values.set(key, parseValue(t.text.slice(eq + 1), keySpec!, key, valuePos));
    keyPos.set(key, valuePos);
  }
  if (positional.length < spec.positional.length) fail(`${head.text} needs a ${spec.positional[positional.length]} (usage: ${spec.summary})`, undefined);
  return { keyword: head.text, positional, words, values, keyPos, pos: positionOf(base, head) };
}

export function parseValue(text: string, spec: KeySpec, key: string, pos: SourcePosition): DirectiveValue {
  const fail = (what: string): never => { throw new ParseError(`${key}=${shorten(text)}: ${what}`, pos); };
  if (text.length === 0) fail('empty value');
  const bounded = (v: number, unit: (n: number) => string): number => {
    if (spec.min !== undefined && v < spec.min) fail(`must be at least ${unit(spec.min)}`);
    if (spec.max !== undefined && v > spec.max) fail(`must be at most ${unit(spec.max)}`);
    return v;
  };
  switch (spec.kind) {
    case 'size': return bounded(parseSizeBytes(text) ?? fail('not a size such as 16M, 512K or 1048576'), formatSize);
    case 'duration': return bounded(parseDurationNs(text) ?? fail('not a duration such as 10ms, 200ns, 1.5us or 2s'), formatDurationNs);
    case 'int': {
      const v = parseIntStrict(text);
      return bounded(v !== null && v >= 0 ? v : fail('not a non-negative integer'), String);
    }
    case 'bool':
      if (text === 'on' || text === 'yes' || text === 'true') return true;
      if (text === 'off' || text === 'no' || text === 'false') return false;
      return fail('expected on or off');
    case 'word':
      if (spec.values !== undefined && !spec.values.includes(text)) fail(`expected one of ${spec.values.join(', ')}`);
      return text;
    case 'mode': return parseMode(text) ?? fail('not an octal mode such as 0755');
    case 'context':
      return /^[A-Za-z0-9_]+:[A-Za-z0-9_]+:[A-Za-z0-9_]+(:.+)?$/.test(text) ? text : fail('not a context user:role:type');
    case 'list': {
      const words = text.split(',');
      if (words.length > MAX_LIST_ITEMS) fail(`more than ${MAX_LIST_ITEMS} items`);
      const items = words.map((s) => parseIntStrict(s));
      if (items.some((v) => v === null || v < 0)) fail('expected non-negative integers separated by commas');
      for (const v of items) bounded(v!, String);
      return items as number[];
    }
    case 'plugin':
      // A built-in's name, or a student's module (loaded and checked when the system is built).
      if (PLUGIN_FILE_PATTERN.test(text)) return parseValue(text, { kind: 'path', summary: spec.summary }, key, pos);
      if (spec.values !== undefined && !spec.values.includes(text)) fail(`expected one of ${spec.values.join(', ')}, or a .mjs, .js or .ts file`);
      return text;
    case 'path':
      if (text.length > MAX_PATH_CHARS) fail(`a path of ${text.length} characters (at most ${MAX_PATH_CHARS})`);
      if (text.includes('\0')) fail('a path may not hold a NUL character');
      return text;
  }
}

function parseProcessHeader(tokens: readonly Token[], base: Omit<SourcePosition, 'column'>, seen: ReadonlySet<string>): Omit<ProcessBlock, 'commands'> {
  const fail = (msg: string, t: Token | undefined): never => { throw new ParseError(msg, positionOf(base, t, (base.sourceLine?.length ?? 0) + 1)); };
  const nameTok = tokens[1];
  if (nameTok === undefined) return fail('process needs a name', undefined);
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(nameTok.text) || nameTok.text.length > MAX_NAME_CHARS) {
    fail(`'${shorten(nameTok.text)}' is not a process name (letters, digits, _ and -; at most ${MAX_NAME_CHARS} characters)`, nameTok);
  }
  if (RESERVED_NAMES.has(nameTok.text.toLowerCase())) fail(`'${nameTok.text}' is the name of a system process; call the process block something else`, nameTok);
  if (seen.has(nameTok.text)) fail(`process ${nameTok.text} is defined twice`, nameTok);
  const values = new Map<string, DirectiveValue>();
  for (const t of tokens.slice(2)) {
    const eq = t.text.indexOf('=');
    if (eq < 0) fail(`unexpected '${t.text}' (expected key=value: ${Object.keys(PROCESS_KEYS).join(', ')})`, t);
    const key = t.text.slice(0, eq);
    const spec = ownValue(PROCESS_KEYS, key);
    if (spec === undefined) fail(`unknown process key '${shorten(key)}' (known: ${Object.keys(PROCESS_KEYS).join(', ')})`, t);
    values.set(key, parseValue(t.text.slice(eq + 1), spec!, key, { ...base, column: t.column + eq + 1 }));
  }
  const priority = (values.get('priority') as number | undefined) ?? null;
  return {
    name: nameTok.text,
    uid: (values.get('uid') as number | undefined) ?? null,
    gid: (values.get('gid') as number | undefined) ?? null,
    context: (values.get('context') as string | undefined) ?? null,
    priority,
    quantumNs: (values.get('quantum') as number | undefined) ?? null,
    pos: positionOf(base, tokens[0]),
    namePos: positionOf(base, nameTok),
  };
}

function formatSize(bytes: number): string {
  for (const [unit, n] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}
