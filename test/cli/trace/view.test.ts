import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewTrace } from '../../../cli/commands/trace.js';
import { collectOutput, FIXTURES, tempTrace } from './helpers.js';

const SMALL = join(FIXTURES, 'small.jsonl');

/** Compare with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function expectGolden(actual: string, name: string): void {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

async function view(path: string, flags: Parameters<typeof viewTrace>[1] = {}): Promise<string> {
  const out = collectOutput();
  await viewTrace(path, flags, out);
  return out.text();
}

describe('mksim trace (text view)', () => {
  it('matches the golden view of the small trace', async () => {
    expectGolden(await view(SMALL), 'small.view.txt');
  });

  it('shows one line per message with µs time, arrow, type, payload and the round trip on replies', async () => {
    const lines = (await view(SMALL)).split('\n');
    expect(lines).toContain('       0.600 alice    ->  fs       READ       block=14 bytes=1024  (#1)');
    const reply = lines.find((l) => l.includes('FS_REPLY') && l.includes('re #1,'))!;
    expect(reply).toMatch(/^ {5}236\.151 fs {7}=> {2}alice {4}FS_REPLY .*\(#6, cause #1, re #1, rtt 235\.551 µs\)$/);
    expect(lines.some((l) => l.includes('[sched]'))).toBe(false);
    expect(lines.some((l) => / deliver|<- /.test(l))).toBe(false);
  });

  it('--all adds the bookkeeping records', async () => {
    const text = await view(SMALL, { all: true });
    expect(text).toContain('[sched] disk -> alice');
    expect(text).toContain('fs       <-  alice    READ');
  });

  it('--actor keeps only records involving that actor', async () => {
    const lines = (await view(SMALL, { actor: ['bob'] })).trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(/bob/);
  });

  it('--type keeps messages of that type, or records of that kind', async () => {
    const lines = (await view(SMALL, { type: ['DEV_READ,state'] })).trim().split('\n');
    expect(lines.every((l) => l.includes('DEV_READ') || l.includes('[state]'))).toBe(true);
    expect(lines.filter((l) => l.includes('DEV_READ')).length).toBe(10);
  });

  it('--from and --to take durations and keep the window, inclusive', async () => {
    const lines = (await view(SMALL, { from: '235.751us', to: '0.24ms' })).trim().split('\n');
    const times = lines.map((l) => Number(l.trim().split(' ')[0]));
    expect(Math.min(...times)).toBe(235.751);
    expect(Math.max(...times)).toBeLessThanOrEqual(240);
  });

  it('--cause follows the causal chain transitively, replies included', async () => {
    const text = await view(SMALL, { cause: '8' });
    const ids = [...text.matchAll(/\(#(\d+)/g)].map((m) => Number(m[1]));
    // READ #8 from alice, fs's DEV_READ #12 for it, the disk's reply #15 to that, fs's reply #16.
    expect(ids).toEqual([8, 12, 15, 16]);
    expect(text).toContain('[cache] fs: op=miss block=2');
    expect(text).toContain('[disk] disk: op=read block=2');
    expect(text).not.toContain('bob');
  });

  it('colours only when asked (the command asks on a terminal)', async () => {
    expect(await view(SMALL)).not.toContain('\x1b[');
    expect(await view(SMALL, { color: true })).toContain('\x1b[36malice');
  });

  it('shows unknown kinds and extra fields generically', async () => {
    const path = tempTrace('{"seq":1,"t":5000,"ev":"quux","proc":"fs","depth":3,"tags":["a","b"]}\n'
      + '{"seq":2,"t":6000,"ev":"send","id":1,"src":"a","dst":"b","type":"PING","cause":null,"extra":true,"msg":{"text":"hi there"}}\n');
    const text = await view(path);
    expect(text).toBe('       5.000 [quux] fs: depth=3 tags=["a","b"]\n       6.000 a        ->  b        PING       text="hi there"  (#1)\n');
  });

  it('rejects a malformed duration or cause id as bad usage', async () => {
    await expect(view(SMALL, { from: 'soon' })).rejects.toThrow(/--from must be a duration/);
    await expect(view(SMALL, { cause: 'x' })).rejects.toThrow(/--cause must be a message id/);
  });
});
