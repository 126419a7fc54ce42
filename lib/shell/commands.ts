/*
 * The commands of the language (DESIGN §7) and their parsing into a
 * Command tree, with every error at file:line:column.
 *   COMMAND_SPECS                     name -> argument kinds and flags
 *   parseCommand(tokens, pos)         tokens of one line -> Command
 *   Command                           simple | expect | repeat
 * Arguments are checked here (durations, modes, counts, their bounds), so a
 * script fails before it boots rather than halfway through a run. Prefixes
 * (expect, repeat, trap) nest at most MAX_COMMAND_NESTING deep.
 */
import { errnoByName } from '../../kernel/errno.js';
import { SIGNAL_NAMES } from '../../kernel/signal.js';
import { ParseError, shorten, type SourcePosition } from '../parse-error.js';
import type { Token } from './lexer.js';
import { parseDurationNs, parseIntStrict, parseMode, parseSizeBytes } from './values.js';
import { ownValue } from '../own.js';

/** Kinds of positional argument. */
export type ArgKind = 'path' | 'text' | 'name' | 'target' | 'mode' | 'int' | 'count' | 'duration' | 'owner' | 'openflags' | 'signal' | 'context' | 'rest'
  | 'size' | 'prot' | 'as' | 'port' | 'hostport';

export interface CommandSpec {
  readonly args: readonly ArgKind[];
  /** How many of args are required (the rest are optional). */
  readonly required: number;
  /** Flags: name -> 'bool' or 'int' (takes a value). */
  readonly flags?: Readonly<Record<string, 'bool' | 'int'>>;
  /** Largest value of each 'int' flag and argument by index (a buffer is allocated that large). */
  readonly maxInt?: Readonly<Record<string, number>>;
  readonly summary: string;
}

/** Bytes one command may move (write --bytes, read N): the data is built in memory. */
export const MAX_IO_BYTES = 64 * 1024 * 1024;
/** expect/repeat/trap prefixes on one line; deeper is a mistake (and would exhaust the stack). */
export const MAX_COMMAND_NESTING = 8;

export const COMMAND_SPECS: Readonly<Record<string, CommandSpec>> = {
  mkdir: { args: ['path', 'mode'], required: 1, summary: 'mkdir PATH [MODE]: make a directory (mode 0755 by default)' },
  rmdir: { args: ['path'], required: 1, summary: 'rmdir PATH: remove an empty directory' },
  write: { args: ['path', 'text'], required: 1, flags: { append: 'bool', bytes: 'int' }, maxInt: { bytes: MAX_IO_BYTES }, summary: 'write [--append] [--bytes N] PATH [TEXT]: create or truncate (or append to) a file and write TEXT or N bytes' },
  cat: { args: ['path'], required: 1, summary: 'cat PATH: print a file' },
  ls: { args: ['path'], required: 0, summary: 'ls [PATH]: list a directory' },
  rm: { args: ['path'], required: 1, summary: 'rm PATH: unlink a file' },
  ln: { args: ['path', 'path'], required: 2, flags: { s: 'bool' }, summary: 'ln [-s] TARGET LINK: hard (or symbolic) link' },
  mv: { args: ['path', 'path'], required: 2, summary: 'mv FROM TO: rename' },
  chmod: { args: ['mode', 'path'], required: 2, summary: 'chmod MODE PATH' },
  chown: { args: ['owner', 'path'], required: 2, summary: 'chown UID[:GID] PATH' },
  stat: { args: ['path'], required: 1, summary: 'stat PATH: print inode, mode, links, owner, size (of a symbolic link\'s target)' },
  lstat: { args: ['path'], required: 1, summary: 'lstat PATH: as stat, but of a symbolic link itself' },
  sync: { args: [], required: 0, summary: 'sync: write all dirty blocks' },
  cd: { args: ['path'], required: 1, summary: 'cd PATH: change the working directory' },
  open: { args: ['name', 'path', 'openflags'], required: 2, summary: 'open NAME PATH [FLAGS]: open a descriptor named NAME (FLAGS: O_RDONLY|O_WRONLY|O_RDWR|O_CREAT|O_EXCL|O_TRUNC|O_APPEND)' },
  read: { args: ['name', 'int'], required: 2, maxInt: { 1: MAX_IO_BYTES }, summary: 'read NAME N: read up to N bytes and print them' },
  writefd: { args: ['name', 'text'], required: 1, flags: { bytes: 'int' }, maxInt: { bytes: MAX_IO_BYTES }, summary: 'writefd NAME TEXT | writefd NAME --bytes N' },
  lseek: { args: ['name', 'int'], required: 2, summary: 'lseek NAME OFFSET: set the position (from the start)' },
  close: { args: ['name'], required: 1, summary: 'close NAME' },
  fsync: { args: ['name'], required: 1, summary: 'fsync NAME: write the open file NAME to disk (as MINIX: the whole device) and return when done' },
  pipe: { args: ['name', 'name'], required: 2, summary: 'pipe R W: a pipe, its read end named R and its write end W' },
  lock: { args: ['name', 'text', 'int', 'int'], required: 2, flags: { wait: 'bool' }, summary: 'lock NAME rd|wr|un [START [LEN]] [--wait]: an advisory lock on bytes START.. (LEN 0: to the end) of the open file NAME; --wait blocks until granted' },
  spawn: { args: ['name'], required: 1, summary: 'spawn NAME: fork a child that runs the process block NAME' },
  wait: { args: ['name'], required: 0, summary: 'wait [NAME]: wait for a child (any, or the one spawned as NAME)' },
  exec: { args: ['path', 'rest'], required: 1, summary: 'exec PATH [ARGS...]: replace this process by the program PATH names' },
  exit: { args: ['int'], required: 0, maxInt: { 0: 255 }, summary: 'exit [CODE]' },
  sleep: { args: ['duration'], required: 1, summary: 'sleep D: block for D of virtual time' },
  spin: { args: ['duration'], required: 1, summary: 'spin D: use D of CPU time' },
  nice: { args: ['int'], required: 1, summary: "nice N: set this process's nice value to N (-20..19; below its current one needs root), as setpriority(2)" },
  alarm: { args: ['duration'], required: 1, summary: 'alarm D: SIGALRM after D (0 cancels)' },
  pause: { args: [], required: 0, summary: 'pause: wait for a signal' },
  kill: { args: ['target', 'signal'], required: 2, summary: 'kill NAME SIGNAL: send a signal to the child spawned as NAME (or self, or a pid)' },
  getcon: { args: [], required: 0, summary: "getcon: print this process's security context" },
  getfilecon: { args: ['path'], required: 1, summary: "getfilecon PATH: print a file's security context" },
  setfilecon: { args: ['path', 'context'], required: 2, summary: "setfilecon PATH CONTEXT: relabel a file" },
  newrole: { args: ['name'], required: 1, summary: 'newrole ROLE: change role, when policy allows' },
  setcon: { args: ['context'], required: 1, summary: 'setcon CONTEXT: take a new context now (process:setcurrent + dyntransition)' },
  setexeccon: { args: ['text'], required: 1, summary: 'setexeccon CONTEXT|default: the context of the next exec (process:setexec)' },
  getenforce: { args: [], required: 0, summary: 'getenforce: print Enforcing or Permissive' },
  setenforce: { args: ['text'], required: 1, summary: 'setenforce 1|0|Enforcing|Permissive: switch the mode (root, and security:setenforce)' },
  // Booleans (issue 14): set and committed at once, as setsebool without -P (root, and security:setbool).
  setsebool: { args: ['rest'], required: 1, summary: 'setsebool NAME 0|1|on|off [NAME VALUE...]: set policy booleans (root, and security:setbool)' },
  getsebool: { args: ['name'], required: 0, summary: 'getsebool [NAME]: print booleans as NAME --> on|off' },
  echo: { args: ['rest'], required: 0, summary: 'echo TEXT...: print the words' },
  nprocs: { args: [], required: 0, summary: 'nprocs: print how many processes PM knows' },
  // Coursework (issue 18): umask, dup2, the last waited child's status, getpid.
  umask: { args: ['mode'], required: 0, summary: 'umask [MODE]: set the file-creation mask (as MINIX do_umask), or print it' },
  dup2: { args: ['name', 'int'], required: 2, maxInt: { 1: 255 }, summary: 'dup2 NAME FD: make descriptor FD a copy of NAME (dup2 w 1: standard output into w)' },
  status: { args: [], required: 0, summary: 'status: print the wait status of the last child waited for' },
  getpid: { args: [], required: 0, summary: "getpid: print this process's pid" },
  // Memory (the VM server; lib/shell/vm-commands.ts).
  brk: { args: ['size'], required: 1, summary: 'brk SIZE: grow the heap by SIZE bytes (K, M suffixes), as sbrk' },
  mmap: { args: ['name', 'size', 'prot', 'path'], required: 3, summary: 'mmap NAME SIZE PROT [FILE]: a private mapping named NAME, anonymous or of FILE (PROT: r, rw, rx, rwx, none)' },
  mprotect: { args: ['name', 'prot'], required: 2, summary: 'mprotect REGION PROT: new rights for text, heap, stack or a mapping' },
  ref: { args: ['rest'], required: 1, summary: 'ref [--write] [REGION] PAGES...: load (store) one byte of each page of REGION (default heap), in order' },
  vmstat: { args: [], required: 0, summary: 'vmstat: print this process\'s faults, evictions, swapins, swapouts and resident pages' },
  // Sockets (lib/shell/net-commands.ts): descriptors named like open's.
  listen: { args: ['port', 'as', 'name'], required: 3, summary: 'listen PORT as NAME: a stream socket listening on PORT, named NAME' },
  accept: { args: ['name', 'as', 'name'], required: 3, summary: 'accept LISTENER as NAME: wait for a connection on LISTENER, named NAME' },
  connect: { args: ['hostport', 'as', 'name'], required: 3, summary: 'connect A.B.C.D:PORT as NAME: a stream socket connected there, named NAME' },
  send: { args: ['name', 'text'], required: 1, flags: { bytes: 'int' }, maxInt: { bytes: MAX_IO_BYTES }, summary: 'send NAME TEXT | send NAME --bytes N: send every byte on a connected socket' },
  recv: { args: ['name', 'int'], required: 2, maxInt: { 1: 65_536 }, summary: 'recv NAME N: receive up to N bytes (one call) and print them' },
  udp: { args: ['port', 'as', 'name'], required: 3, summary: 'udp PORT as NAME: a datagram socket bound to PORT (0: any), named NAME' },
  sendto: { args: ['name', 'hostport', 'text'], required: 3, summary: 'sendto NAME A.B.C.D:PORT TEXT: one datagram' },
  recvfrom: { args: ['name', 'int'], required: 2, maxInt: { 1: 65_536 }, summary: 'recvfrom NAME N: wait for a datagram and print its sender and text' },
  getpeercon: { args: ['name'], required: 1, summary: "getpeercon NAME: print the connected peer's security context (labeled networking)" },
};

export { SIGNAL_NAMES };

export function isSignalName(text: string): boolean {
  return (SIGNAL_NAMES.includes(text) || SIGNAL_NAMES.includes(`SIG${text}`)) && text !== '' && text !== 'SIG';
}

/** The number of a signal given by name (SIGALRM or ALRM) or number; -1 if unknown. */
export function signalNumber(text: string): number {
  const n = parseIntStrict(text);
  if (n !== null) return n > 0 && n < SIGNAL_NAMES.length ? n : -1;
  const idx = SIGNAL_NAMES.indexOf(text.startsWith('SIG') ? text : `SIG${text}`);
  return idx > 0 ? idx : -1;
}

const OPEN_FLAG_NAMES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'O_EXCL', 'O_TRUNC', 'O_APPEND', 'O_NONBLOCK'];

export interface SimpleCommand {
  readonly kind: 'simple';
  readonly name: string;
  readonly args: readonly string[];
  /** Column of each argument, for errors found after parsing (spawn of an unknown program). */
  readonly argColumns: readonly number[];
  /** Each argument's value when its kind is a number (int, count, mode, duration: parsed once, here), else null. */
  readonly values: readonly (number | null)[];
  readonly flags: Readonly<Record<string, number | true>>;
  readonly pos: SourcePosition;
  /** `> PATH` or `>> PATH` at the end of the line: the command's standard output goes to PATH. */
  readonly redirect?: { readonly path: string; readonly append: boolean };
}

export interface ExpectCommand {
  readonly kind: 'expect';
  /** 'ok', an errno name such as EACCES, or status=N / status=SIGNAL (the waited child's status). */
  readonly expected: string;
  readonly command: Command;
  readonly pos: SourcePosition;
}

export interface RepeatCommand {
  readonly kind: 'repeat';
  readonly count: number;
  readonly command: Command;
  readonly pos: SourcePosition;
}

export interface TrapCommand {
  readonly kind: 'trap';
  readonly signal: string;
  /** What the handler does: print that it caught the signal, run a command, or set ignore/default. */
  readonly action: 'print' | 'ignore' | 'default' | Command;
  readonly pos: SourcePosition;
}

export type Command = SimpleCommand | ExpectCommand | RepeatCommand | TrapCommand;

export const MAX_REPEAT = 1_000_000;

/** `base` gives file, line and the source line; columns come from the tokens. */
export function parseCommand(tokens: readonly Token[], base: Omit<SourcePosition, 'column'>, depth = 0): Command {
  const at = (t: Token | undefined, fallbackColumn = 1): SourcePosition => ({ ...base, column: t?.column ?? fallbackColumn });
  const fail = (msg: string, t: Token | undefined, col?: number): never => { throw new ParseError(msg, at(t, col)); };
  const head = tokens[0];
  if (head === undefined) return fail('empty command', undefined);
  const lineEnd = (base.sourceLine?.trimEnd().length ?? 0) + 1;
  const isPrefix = !head.quoted && (head.text === 'expect' || head.text === 'repeat' || head.text === 'trap');
  if (isPrefix && depth >= MAX_COMMAND_NESTING) fail(`more than ${MAX_COMMAND_NESTING} nested expect/repeat/trap prefixes on one line`, head);

  if (head.text === 'expect' && !head.quoted) {
    const what = tokens[1];
    if (what === undefined) return fail('expect needs an outcome (ok or an errno such as EACCES) and a command', undefined, lineEnd);
    if (what.text.startsWith('status=')) {
      const v = what.text.slice('status='.length);
      const code = parseIntStrict(v);
      if (!(code !== null && code >= 0 && code <= 255) && !(isSignalName(v) && v.startsWith('SIG'))) fail(`expect status=N needs an exit code 0..255 or a signal name such as SIGTERM, got '${shorten(what.text)}'`, what);
    } else if (what.text !== 'ok' && ownValue(errnoByName, what.text) === undefined) fail(`unknown errno '${what.text}' (use ok, status=N, or a name such as EACCES, ENOENT)`, what);
    if (tokens.length < 3) fail('expect needs a command after the outcome', undefined, lineEnd);
    return { kind: 'expect', expected: what.text, command: parseCommand(tokens.slice(2), base, depth + 1), pos: at(head) };
  }
  if (head.text === 'repeat' && !head.quoted) {
    const n = tokens[1];
    const count = n === undefined ? null : parseIntStrict(n.text);
    if (count === null || count < 0 || count > MAX_REPEAT) return fail(`repeat needs a count from 0 to ${MAX_REPEAT}`, n, lineEnd);
    if (tokens.length < 3) fail('repeat needs a command after the count', undefined, lineEnd);
    return { kind: 'repeat', count, command: parseCommand(tokens.slice(2), base, depth + 1), pos: at(head) };
  }

  if (head.text === 'trap' && !head.quoted) {
    const sig = tokens[1];
    if (sig === undefined || !isSignalName(sig.text)) return fail(`trap needs a signal such as SIGALRM`, sig, lineEnd);
    const rest = tokens.slice(2);
    const word = rest.length === 1 ? rest[0]!.text : '';
    const action = rest.length === 0 ? 'print' as const
      : word === 'ignore' || word === 'default' ? word
      : parseCommand(rest, base, depth + 1);
    if ((sig.text === 'SIGKILL' || sig.text === 'KILL' || sig.text === 'SIGSTOP' || sig.text === 'STOP') && action !== 'default') {
      fail(`${sig.text} cannot be caught or ignored`, sig);
    }
    return { kind: 'trap', signal: sig.text, action, pos: at(head) };
  }
  const spec = ownValue(COMMAND_SPECS, head.text);
  if (spec === undefined || head.quoted) {
    const near = closest(head.text, [...Object.keys(COMMAND_SPECS), 'expect', 'repeat', 'trap']);
    return fail(`unknown command '${shorten(head.text)}'${near ? ` (did you mean '${near}'?)` : ''}`, head);
  }
  // `> PATH`, `>> PATH` (or `>PATH`) end a command: its standard output goes to PATH, as in sh.
  let redirect: { path: string; append: boolean } | undefined;
  const at_ = tokens.findIndex((t, i) => i > 0 && !t.quoted && t.text.startsWith('>'));
  if (at_ > 0) {
    const t = tokens[at_]!;
    const append = t.text.startsWith('>>');
    const inline = t.text.slice(append ? 2 : 1);
    const path = inline !== '' ? inline : tokens[at_ + 1]?.text;
    if (path === undefined || path === '' || path.startsWith('>')) fail(`a redirection needs a file after ${append ? '>>' : '>'}`, t, lineEnd);
    const end = inline !== '' ? at_ + 1 : at_ + 2;
    if (end < tokens.length) fail(`a redirection comes last on the line`, tokens[end]);
    redirect = { path: path!, append };
    tokens = tokens.slice(0, at_);
  }
  const flags: Record<string, number | true> = {};
  const args: string[] = [];
  const argColumns: number[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const isFlag = !t.quoted && t.text.startsWith('-') && !/^-\d/.test(t.text) && spec.args[args.length] !== 'rest';
    if (isFlag) {
      const flagName = t.text.replace(/^--?/, '');
      const kind = spec.flags === undefined ? undefined : ownValue(spec.flags, flagName);
      if (kind === undefined) fail(`${head.text} has no option ${shorten(t.text)}`, t);
      if (kind === 'bool') { flags[flagName] = true; continue; }
      const v = tokens[++i];
      const n = v === undefined ? null : parseIntStrict(v.text);
      if (n === null || n < 0) fail(`${t.text} needs a non-negative integer`, v ?? t);
      const max = spec.maxInt?.[flagName];
      if (max !== undefined && n! > max) fail(`${t.text} ${n}: at most ${max}`, v);
      flags[flagName] = n!;
      continue;
    }
    const kind = spec.args[args.length];
    if (kind === undefined) fail(`too many arguments for ${head.text} (${spec.summary})`, t);
    if (kind === 'rest') {
      for (let j = i; j < tokens.length; j++) { args.push(tokens[j]!.text); argColumns.push(tokens[j]!.column); }
      break;
    }
    checkArg(kind!, t, head.text, fail);
    const max = spec.maxInt?.[args.length];
    if (max !== undefined && parseIntStrict(t.text)! > max) fail(`${head.text}: ${t.text} is more than ${max}`, t);
    if ((kind === 'int' || kind === 'count') && head.text === 'exit' && parseIntStrict(t.text)! < 0) fail(`exit: a code is 0..255`, t);
    args.push(t.text);
    argColumns.push(t.column);
  }
  const positional = spec.args.filter((k) => k !== 'rest').length;
  const needed = head.text === 'write' && flags.bytes !== undefined ? 1 : head.text === 'writefd' ? 1 : spec.required;
  if (args.length < needed && !(spec.args.includes('rest') && args.length >= Math.min(needed, positional))) {
    fail(`${head.text} needs ${needed} argument${needed === 1 ? '' : 's'} (${spec.summary})`, undefined, lineEnd);
  }
  if (head.text === 'ref') checkRef(tokens.slice(1), fail);
  if (head.text === 'setsebool' && (args.length % 2 !== 0 || args.some((a, i) => i % 2 === 1 && !/^(0|1|on|off|true|false)$/i.test(a)))) {
    fail('setsebool takes NAME VALUE pairs (VALUE 0, 1, on, off, true or false)', undefined, lineEnd);
  }
  if (head.text === 'writefd' && args.length < 2 && flags.bytes === undefined) fail('writefd needs TEXT or --bytes N', undefined, lineEnd);
  if (head.text === 'send' && args.length < 2 && flags.bytes === undefined) fail('send needs TEXT or --bytes N', undefined, lineEnd);
  if ((head.text === 'write' || head.text === 'writefd' || head.text === 'send') && flags.bytes !== undefined && args.length > (head.text === 'write' ? 1 : 1)) {
    fail(`${head.text} takes TEXT or --bytes N, not both`, undefined, lineEnd);
  }
  const values = args.map((text, i) => argValue(spec.args[i], text));
  return { kind: 'simple', name: head.text, args, argColumns, values, flags, pos: at(head), ...(redirect !== undefined ? { redirect } : {}) };
}

/** A numeric argument's value (checkArg has checked it), so the interpreter parses nothing per run. */
function argValue(kind: ArgKind | undefined, text: string): number | null {
  switch (kind) {
    case 'int': case 'count': return parseIntStrict(text);
    case 'mode': return parseMode(text);
    case 'duration': return parseDurationNs(text);
    default: return null;
  }
}

/** Bounds of the memory commands: a mapping or heap step of at most 1 GiB, page numbers below 2^20, 100000 pages a line. */
export const MAX_VM_SIZE_BYTES = 1024 ** 3;
export const MAX_REF_PAGE = 1 << 20;
export const MAX_REF_PAGES = 100_000;

/** `ref [--write] [REGION] PAGES...`: the flag first, an optional region name, then page numbers. */
function checkRef(rest: readonly Token[], fail: (msg: string, t: Token | undefined, col?: number) => never): void {
  let i = 0;
  if (rest[i]?.text === '--write') i++;
  if (rest[i] !== undefined && !/^\d+$/.test(rest[i]!.text)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(rest[i]!.text)) fail(`ref: '${shorten(rest[i]!.text)}' is not a region name or a page number`, rest[i]);
    i++;
  }
  if (i >= rest.length) fail('ref needs at least one page number', undefined);
  if (rest.length - i > MAX_REF_PAGES) fail(`ref: at most ${MAX_REF_PAGES} pages a line`, rest[i]);
  for (; i < rest.length; i++) {
    const n = parseIntStrict(rest[i]!.text);
    if (n === null || n < 0 || n >= MAX_REF_PAGE) fail(`ref: '${shorten(rest[i]!.text)}' is not a page number (0..${MAX_REF_PAGE - 1})`, rest[i]);
  }
}

function checkArg(kind: ArgKind, t: Token, cmd: string, fail: (msg: string, t: Token) => never): void {
  switch (kind) {
    case 'size': {
      const bytes = parseSizeBytes(t.text);
      if (bytes === null || bytes < 1) fail(`${cmd}: '${shorten(t.text)}' is not a size such as 4096, 64K, 1M`, t);
      if (bytes! > MAX_VM_SIZE_BYTES) fail(`${cmd}: ${t.text} is more than 1G`, t);
      return;
    }
    case 'prot':
      if (!/^(r?w?x?|none|---)$/.test(t.text) || t.text === '') fail(`${cmd}: '${shorten(t.text)}' is not a protection (r, rw, rx, rwx, none)`, t);
      return;
    case 'mode':
      if (parseMode(t.text) === null) fail(`${cmd}: '${shorten(t.text)}' is not an octal mode such as 0755`, t);
      return;
    case 'int':
      if (parseIntStrict(t.text) === null) fail(`${cmd}: '${shorten(t.text)}' is not an integer`, t);
      return;
    case 'count':
      if ((parseIntStrict(t.text) ?? -1) < 0) fail(`${cmd}: '${shorten(t.text)}' is not a count`, t);
      return;
    case 'duration':
      if (parseDurationNs(t.text) === null) fail(`${cmd}: '${shorten(t.text)}' is not a duration such as 10ms, 500us, 2s`, t);
      return;
    case 'owner':
      if (!/^\d+(:\d+)?$/.test(t.text)) fail(`${cmd}: '${shorten(t.text)}' is not UID or UID:GID`, t);
      if (t.text.split(':').some((id) => Number(id) > 65_535)) fail(`${cmd}: ${t.text}: ids are 0..65535 (16 bits in a MINIX V3 inode)`, t);
      return;
    case 'openflags':
      for (const f of t.text.split('|')) if (!OPEN_FLAG_NAMES.includes(f)) fail(`${cmd}: unknown open flag '${f}' (known: ${OPEN_FLAG_NAMES.join(', ')})`, t);
      return;
    case 'signal':
      if (!isSignalName(t.text) && parseIntStrict(t.text) === null) fail(`${cmd}: unknown signal '${shorten(t.text)}'`, t);
      return;
    case 'context':
      if (!/^[A-Za-z0-9_]+:[A-Za-z0-9_]+:[A-Za-z0-9_]+(:.+)?$/.test(t.text)) fail(`${cmd}: '${shorten(t.text)}' is not a context user:role:type`, t);
      return;
    case 'path':
      if (t.text.length === 0) fail(`${cmd}: empty path`, t);
      return;
    case 'name':
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.text)) fail(`${cmd}: '${shorten(t.text)}' is not a name (letters, digits, _ . -)`, t);
      return;
    case 'as':
      if (t.text !== 'as' || t.quoted) fail(`${cmd}: expected the word 'as' before the name, got '${shorten(t.text)}'`, t);
      return;
    case 'port': {
      const n = parseIntStrict(t.text);
      if (n === null || n < 0 || n > 65_535) fail(`${cmd}: '${shorten(t.text)}' is not a port (0..65535)`, t);
      return;
    }
    case 'hostport':
      if (!/^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/.test(t.text) || t.text.split(/[.:]/).slice(0, 4).some((x) => Number(x) > 255) || !(Number(t.text.split(':')[1]) >= 1 && Number(t.text.split(':')[1]) <= 65_535)) {
        fail(`${cmd}: '${shorten(t.text)}' is not an address and port such as 10.0.0.2:80`, t);
      }
      return;
    case 'target':
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.text) && !/^\d+$/.test(t.text)) fail(`${cmd}: '${shorten(t.text)}' is not a process name or pid`, t);
      return;
    default:
      return;
  }
}

/** The known word nearest to `word` by edit distance, if close enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDist) { best = k; bestDist = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
