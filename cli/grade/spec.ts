/*
 * The grading spec (docs/grading.md): a YAML (or JSON, a subset of YAML)
 * file listing tests, each a boot script, the student's files it needs,
 * points and checks. Every mistake is a ParseError at file:line:column (exit 2).
 *   parseSpec(text, path)   -> GradeSpec (paths resolved against the spec's folder)
 *   GradeSpec, TestSpec, Check   the parsed spec
 */
import { dirname, isAbsolute, normalize, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { ParseError, shorten } from '../../lib/parse-error.js';
import { parseDurationNs } from '../../lib/shell/values.js';

export type Check =
  | { readonly kind: 'exit'; readonly code: number; readonly where: string }
  | { readonly kind: 'output'; readonly line: string; readonly where: string }
  | { readonly kind: 'output-match'; readonly pattern: RegExp; readonly where: string }
  | { readonly kind: 'no-output'; readonly line: string; readonly where: string }
  | { readonly kind: 'expectations'; readonly atLeast: number | 'all'; readonly where: string }
  | { readonly kind: 'messages'; readonly from: string; readonly to: string; readonly type: string | null; readonly min: number | null; readonly max: number | null; readonly where: string }
  | { readonly kind: 'latency'; readonly request: string; readonly stat: 'max' | 'mean' | 'p99'; readonly maxNs: number; readonly where: string }
  | { readonly kind: 'avc-denials'; readonly min: number; readonly max: number; readonly where: string }
  | { readonly kind: 'fsck'; readonly image: string; readonly where: string };

export interface TestSpec {
  readonly name: string;
  readonly points: number;
  /** Absolute path of the boot script. */
  readonly script: string;
  /** Files of the submission, relative to it, copied beside the script. */
  readonly files: readonly string[];
  /** The instructor's files the script needs (a base policy, a disk image), relative to the spec, copied beside it. */
  readonly support: readonly string[];
  readonly seed: number;
  readonly untilNs: number | null;
  readonly checks: readonly Check[];
}

export interface GradeSpec {
  readonly file: string;
  readonly assignment: string;
  /** Absolute path of the default submission folder (the command's --submission overrides it). */
  readonly submission: string;
  readonly wallLimitNs: number;
  readonly tests: readonly TestSpec[];
}

/** Bounds: a spec is written by a person; these keep a broken one from running for ever. */
const MAX_TESTS = 500;
const MAX_CHECKS = 100;
const MAX_FILES = 100;
const DEFAULT_WALL_LIMIT_NS = 60e9;
const MAX_WALL_LIMIT_NS = 3600e9;

class Reader {
  private readonly lines: string[];
  constructor(readonly file: string, text: string, private readonly counter: LineCounter) {
    this.lines = text.split(/\r?\n/);
  }

  /** file:line:column of a node (its start), for messages and for the error. */
  where(node: Node | null | undefined): string {
    const p = this.pos(node);
    return `${this.file}:${p.line}:${p.column}`;
  }

  private pos(node: Node | null | undefined): { line: number; column: number } {
    const offset = node?.range?.[0] ?? 0;
    const lp = this.counter.linePos(offset);
    return { line: lp.line, column: lp.col };
  }

  fail(node: Node | null | undefined, detail: string): never {
    const { line, column } = this.pos(node);
    throw new ParseError(detail, { file: this.file, line, column, sourceLine: this.lines[line - 1] ?? '' });
  }

  map(node: Node | null | undefined, what: string, parent: Node | null): YAMLMap<unknown, unknown> {
    if (!isMap(node)) this.fail(node ?? parent, `${what} must be a mapping (key: value)`);
    return node;
  }

  /** The pairs of a map; unknown keys are errors (a typo must not silently drop a check). */
  pairs(map: YAMLMap<unknown, unknown>, allowed: readonly string[], what: string): Map<string, Pair<Node, Node | null>> {
    const out = new Map<string, Pair<Node, Node | null>>();
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key === null) this.fail(pair.key, `${what}: keys must be plain words`);
      if (!allowed.includes(key)) this.fail(pair.key, `${what}: unknown key '${shorten(key)}' (known: ${allowed.join(', ')})`);
      if (out.has(key)) this.fail(pair.key, `${what}: '${key}' given twice`);
      out.set(key, pair);
    }
    return out;
  }

  string(node: Node | null, what: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') this.fail(node, `${what} must be a non-empty string`);
    return node.value;
  }

  int(node: Node | null, what: string, min: number, max: number): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) this.fail(node, `${what} must be an integer from ${min} to ${max}`);
    return v;
  }

  duration(node: Node | null, what: string): number {
    const v = isScalar(node) ? node.value : undefined;
    const ns = typeof v === 'string' ? parseDurationNs(v) : null;
    if (ns === null || ns < 0) this.fail(node, `${what} must be a duration such as 5ms or 2s`);
    return ns;
  }

  /** A relative path that stays inside its folder (a spec cannot copy /etc/shadow into a test). */
  relPath(node: Node | null, what: string): string {
    const p = this.string(node, what);
    const n = normalize(p);
    if (isAbsolute(p) || n.startsWith('..') || n === '.') this.fail(node, `${what} must be a relative path inside its folder, got '${shorten(p)}'`);
    return n;
  }
}

export function parseSpec(text: string, file: string): GradeSpec {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const r: Reader = new Reader(file, text, counter);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const lp = counter.linePos(e.pos[0]);
    const line = text.split(/\r?\n/)[lp.line - 1] ?? '';
    throw new ParseError(`not valid YAML: ${e.message.split('\n')[0]}`, { file, line: lp.line, column: lp.col, sourceLine: line });
  }
  const root = r.map(doc.contents as Node | null, 'the spec', null);
  const top = r.pairs(root, ['assignment', 'submission', 'wall-limit', 'tests'], 'the spec');
  const baseDir = dirname(resolve(file));
  const assignment = top.has('assignment') ? r.string(top.get('assignment')!.value, 'assignment') : 'assignment';
  const submission = top.has('submission') ? resolve(baseDir, r.string(top.get('submission')!.value, 'submission')) : resolve(baseDir, 'submission');
  let wallLimitNs = DEFAULT_WALL_LIMIT_NS;
  if (top.has('wall-limit')) {
    const node = top.get('wall-limit')!.value;
    wallLimitNs = r.duration(node, 'wall-limit');
    if (wallLimitNs < 1e6 || wallLimitNs > MAX_WALL_LIMIT_NS) r.fail(node, 'wall-limit must be from 1ms to 3600s');
  }
  const testsNode = top.get('tests')?.value ?? null;
  if (!isSeq(testsNode) || testsNode.items.length === 0) r.fail(testsNode ?? root, 'tests must be a non-empty list');
  if (testsNode.items.length > MAX_TESTS) r.fail(testsNode, `at most ${MAX_TESTS} tests`);
  const names = new Set<string>();
  const tests = (testsNode.items as Node[]).map((node, i) => {
    const t = parseTest(r, node, `test ${i + 1}`, baseDir);
    if (names.has(t.name)) r.fail(node, `two tests are named '${shorten(t.name)}'`);
    names.add(t.name);
    return t;
  });
  return { file, assignment, submission, wallLimitNs, tests };
}

function parseTest(r: Reader, node: Node, what: string, baseDir: string): TestSpec {
  const m = r.map(node, what, null);
  const f = r.pairs(m, ['name', 'points', 'script', 'files', 'support', 'seed', 'until', 'checks'], what);
  const need = (key: string): Node | null => {
    const p = f.get(key);
    if (p === undefined) r.fail(m, `${what} needs '${key}'`);
    return p.value;
  };
  const name = r.string(need('name'), `${what}: name`);
  const points = r.int(need('points'), `${what}: points`, 0, 1000);
  const script = resolve(baseDir, r.relPath(need('script'), `${what}: script`));
  const pathList = (key: string): string[] => {
    const out: string[] = [];
    if (!f.has(key)) return out;
    const list = f.get(key)!.value;
    if (!isSeq(list)) r.fail(list, `${what}: ${key} must be a list of paths`);
    if (list.items.length > MAX_FILES) r.fail(list, `${what}: at most ${MAX_FILES} ${key}`);
    for (const item of list.items as Node[]) out.push(r.relPath(item, `${what}: ${key}`));
    return out;
  };
  const files = pathList('files');
  const support = pathList('support');
  const seed = f.has('seed') ? r.int(f.get('seed')!.value, `${what}: seed`, 0, Number.MAX_SAFE_INTEGER) : 1;
  const untilNs = f.has('until') ? r.duration(f.get('until')!.value, `${what}: until`) : null;
  const checksNode = need('checks');
  if (!isSeq(checksNode) || checksNode.items.length === 0) r.fail(checksNode ?? m, `${what}: checks must be a non-empty list`);
  if (checksNode.items.length > MAX_CHECKS) r.fail(checksNode, `${what}: at most ${MAX_CHECKS} checks`);
  const checks = (checksNode.items as Node[]).map((c) => parseCheck(r, c, `${what} (${shorten(name, 30)})`));
  return { name, points, script, files, support, seed, untilNs, checks };
}

const CHECK_KINDS = ['exit', 'output', 'output-match', 'no-output', 'expectations', 'messages', 'latency', 'avc-denials', 'fsck'] as const;

function parseCheck(r: Reader, node: Node, what: string): Check {
  const m = r.map(node, `${what}: a check`, null);
  if (m.items.length !== 1) r.fail(m, `${what}: a check is one key: one of ${CHECK_KINDS.join(', ')}`);
  const pair = r.pairs(m, CHECK_KINDS, `${what}: a check`);
  const [kind, { value }] = [...pair][0]!;
  const where = r.where(m);
  const label = `${what}: ${kind}`;
  switch (kind as (typeof CHECK_KINDS)[number]) {
    case 'exit':
      return { kind: 'exit', code: r.int(value, label, 0, 255), where };
    case 'output':
      return { kind: 'output', line: r.string(value, label), where };
    case 'no-output':
      return { kind: 'no-output', line: r.string(value, label), where };
    case 'output-match': {
      const source = r.string(value, label);
      try {
        return { kind: 'output-match', pattern: new RegExp(source), where };
      } catch {
        return r.fail(value, `${label} is not a valid regular expression`);
      }
    }
    case 'expectations': {
      if (isScalar(value) && value.value === 'all') return { kind: 'expectations', atLeast: 'all', where };
      return { kind: 'expectations', atLeast: r.int(value, `${label} ('all' or a count)`, 0, 1_000_000), where };
    }
    case 'messages': {
      const mm = r.map(value, label, m);
      const f = r.pairs(mm, ['from', 'to', 'type', 'min', 'max'], label);
      const get = (k: string): Node | null => f.get(k)?.value ?? null;
      if (!f.has('from') || !f.has('to')) r.fail(mm, `${label} needs 'from' and 'to' (actor names)`);
      if (!f.has('min') && !f.has('max')) r.fail(mm, `${label} needs a bound: 'min', 'max' or both`);
      return {
        kind: 'messages', from: r.string(get('from'), `${label}: from`), to: r.string(get('to'), `${label}: to`),
        type: f.has('type') ? r.string(get('type'), `${label}: type`) : null,
        min: f.has('min') ? r.int(get('min'), `${label}: min`, 0, Number.MAX_SAFE_INTEGER) : null,
        max: f.has('max') ? r.int(get('max'), `${label}: max`, 0, Number.MAX_SAFE_INTEGER) : null, where,
      };
    }
    case 'latency': {
      const mm = r.map(value, label, m);
      const f = r.pairs(mm, ['request', 'stat', 'max'], label);
      if (!f.has('request') || !f.has('max')) r.fail(mm, `${label} needs 'request' (a request type) and 'max' (a duration)`);
      let stat: 'max' | 'mean' | 'p99' = 'max';
      if (f.has('stat')) {
        const s = r.string(f.get('stat')!.value, `${label}: stat`);
        if (s !== 'max' && s !== 'mean' && s !== 'p99') r.fail(f.get('stat')!.value, `${label}: stat must be max, mean or p99`);
        stat = s;
      }
      return { kind: 'latency', request: r.string(f.get('request')!.value, `${label}: request`), stat, maxNs: r.duration(f.get('max')!.value, `${label}: max`), where };
    }
    case 'avc-denials': {
      if (isScalar(value)) {
        const n = r.int(value, label, 0, Number.MAX_SAFE_INTEGER);
        return { kind: 'avc-denials', min: n, max: n, where };
      }
      const mm = r.map(value, `${label} (a count, or min/max)`, m);
      const f = r.pairs(mm, ['min', 'max'], label);
      if (f.size === 0) r.fail(mm, `${label} needs 'min', 'max' or both`);
      return {
        kind: 'avc-denials', min: f.has('min') ? r.int(f.get('min')!.value, `${label}: min`, 0, Number.MAX_SAFE_INTEGER) : 0,
        max: f.has('max') ? r.int(f.get('max')!.value, `${label}: max`, 0, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER, where,
      };
    }
    case 'fsck':
      return { kind: 'fsck', image: r.relPath(value, `${label} (an image in the test's folder)`), where };
  }
}
