/*
 * Several hosts in one run (issue 16, item 1): the `host` grammar, one
 * timeline with records in time order, every record naming its host, and
 * two runs of one seed giving the same bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBootScript } from '../../cli/boot/parse.js';
import { bootScript } from '../../cli/commands/boot.js';
import { ParseError } from '../../lib/parse-error.js';

const TWO_HOSTS = [
  '# two hosts on one timeline',
  'host alpha addr=10.0.0.1',
  '    process a uid=0',
  '        echo "hello from alpha"',
  '        sleep 3ms',
  '        echo done',
  'host beta addr=10.0.0.2',
  '    cpu quantum=5ms',
  '    process b uid=0',
  '        sleep 1ms',
  '        echo "hello from beta"',
  'link alpha beta latency=2ms bandwidth=100Mbit loss=0.01',
].join('\n');

function errorOf(text: string): ParseError {
  try {
    parseBootScript(text, 'h.boot');
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a parse error');
}

const dir = mkdtempSync(join(tmpdir(), 'mksim-hosts-'));

/** Boot text as one script file (the header names it: same text, same path, same bytes). */
function boot(text: string, seed = '1'): { code: number; stdout: string[]; trace: Buffer } {
  const script = join(dir, 's.boot');
  writeFileSync(script, text);
  const stdout: string[] = [];
  const code = bootScript(script, { seed, trace: join(dir, 't.jsonl') }, (l) => stdout.push(l), () => {});
  return { code, stdout, trace: readFileSync(join(dir, 't.jsonl')) };
}

describe('host blocks', () => {
  it('parse into hosts with their own directives, processes and a link', () => {
    const s = parseBootScript(TWO_HOSTS, 'h.boot');
    expect(s.hosts!.map((h) => [h.name, h.addrText, h.addr])).toEqual([['alpha', '10.0.0.1', 0x0a000001], ['beta', '10.0.0.2', 0x0a000002]]);
    expect(s.hosts![0]!.script.processes.map((p) => p.name)).toEqual(['a']);
    expect(s.hosts![0]!.script.processes[0]!.commands.map((c) => c.kind === 'simple' ? c.name : c.kind)).toEqual(['echo', 'sleep', 'echo']);
    expect(s.hosts![1]!.script.directives.map((d) => d.keyword)).toEqual(['cpu']);
    const link = s.directives[0]!;
    expect([link.keyword, ...link.positional]).toEqual(['link', 'alpha', 'beta']);
    expect(link.values.get('latency')).toBe(2_000_000);
    expect(link.values.get('bandwidth')).toBe(100_000_000);
    expect(link.values.get('loss')).toBe(0.01);
  });

  it('report mistakes at file:line:column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['host a addr=10.0.0.1\n    process p\n        echo x\nprocess q\n    echo y', 4, 1, /only host and link lines/],
      ['host a addr=10.0.0.300\n    process p\n        echo x', 1, 13, /not an IPv4 address/],
      ['host a addr=10.0.0.1\nhost b addr=10.0.0.1', 2, 13, /host a's address/],
      ['host a addr=10.0.0.1\nhost a addr=10.0.0.2', 2, 6, /defined twice/],
      ['host a addr=10.0.0.1\nlink a c', 2, 8, /not a host/],
      ['host a addr=10.0.0.1\nhost b addr=10.0.0.2\nlink a b loss=2', 3, 15, /at most 0.9/],
      ['host a addr=10.0.0.1\nhost b addr=10.0.0.2\nlink a b bandwidth=fast', 3, 20, /bit rate/],
      ['host a addr=10.0.0.1\n    process p\n        echo x\n  process q', 4, 3, /indented less/],
      ['host a\n    process p', 1, 7, /needs addr/],
    ];
    for (const [text, line, column, message] of cases) {
      const e = errorOf(text);
      expect([e.where.line, e.where.column], text).toEqual([line, column]);
      expect(e.message, text).toMatch(message);
    }
  });
});

describe('a run of several hosts', () => {
  it('runs every host on one timeline: output in time order, every record names its host, time never goes back on a host', () => {
    const r = boot(TWO_HOSTS);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['alpha/a: hello from alpha', 'beta/b: hello from beta', 'alpha/a: done']);
    const records = r.trace.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; t: number; ev: string; host?: string; text?: string });
    expect(records[0]!.ev).toBe('header');
    for (const rec of records) expect(['alpha', 'beta'], JSON.stringify(rec)).toContain(rec.host);
    // The link gives each host a network driver and INET.
    expect(records.filter((x) => x.ev === 'spawn' && (x as { proc?: string }).proc === 'inet').map((x) => x.host)).toEqual(['alpha', 'beta']);
    // Time never goes back on a host; across hosts by at most one step's charge (a kernel call and a
    // safe copy: cluster.ts), because a host stops at its bound only between steps.
    const lastByHost = new Map<string, number>();
    for (let i = 1; i < records.length; i++) {
      const rec = records[i]!;
      expect(rec.seq).toBe(records[i - 1]!.seq + 1);
      expect(rec.t, `seq ${rec.seq}`).toBeGreaterThanOrEqual(lastByHost.get(rec.host!) ?? 0);
      expect(rec.t, `seq ${rec.seq}`).toBeGreaterThanOrEqual(records[i - 1]!.t - 1_000);
      lastByHost.set(rec.host!, rec.t);
    }
    // Each host has its own kernel: both boot their own pm at time 0.
    expect(records.filter((x) => x.ev === 'spawn' && (x as { proc?: string }).proc === 'pm').map((x) => x.host)).toEqual(['alpha', 'beta']);
    const logs = records.filter((x) => x.ev === 'log').map((x) => [x.host, x.t, x.text]);
    expect(logs[1]).toEqual(['beta', expect.any(Number), 'hello from beta']);
    expect(logs[1]![1]).toBeGreaterThanOrEqual(1_000_000);
    expect(logs[2]![1]).toBeGreaterThanOrEqual(3_000_000);
  });

  it('gives the same bytes for the same seed', () => {
    const a = boot(TWO_HOSTS, '5');
    const b = boot(TWO_HOSTS, '5');
    expect(a.trace.equals(b.trace)).toBe(true);
    expect(a.stdout).toEqual(b.stdout);
  });

  it('a script without host lines has no host field', () => {
    const r = boot('process p uid=0\n    echo hi\n');
    expect(r.code).toBe(0);
    expect(r.trace.toString('utf8')).not.toContain('"host"');
  });
});
