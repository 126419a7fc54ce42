import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace, statsTrace, viewTrace, type ViewFlags } from '../../../cli/commands/trace.js';
import { decodeField, openFlagsText } from '../../../cli/trace/decode.js';
import { mksim } from '../../support/mksim.js';
import { bootTrace } from './boot-trace.js';
import { collectOutput, FIXTURES, tempDir } from './helpers.js';

const SMALL = join(FIXTURES, 'small.jsonl');

async function view(path: string, flags: ViewFlags = {}): Promise<string[]> {
  const out = collectOutput();
  await viewTrace(path, flags, out);
  return out.text().split('\n').filter((l) => l !== '');
}

describe('filters that match nothing say so (issue 19 item 5)', () => {
  it.each([
    [{ type: ['nosuch'] }, /^--type nosuch: no message type or record kind nosuch in .*small\.jsonl; message types: .*DEV_READ, DEV_REPLY, .*READ.*; record kinds: .*cache.*/],
    [{ actor: ['nosuch'] }, /^--actor nosuch: no such actor in .*small\.jsonl; actors: alice, bob, clock, disk, fs, hardware$/],
    [{ cause: '99999' }, /^--cause 99999: no message #99999 in .*small\.jsonl; its message ids run from 1 to 60$/],
    [{ actor: ['bob'], type: ['SET_ALARM'] }, /^no record in .*small\.jsonl passes all of the filters together/],
  ])('%j: view, stats and export fail with a message naming the value and the known ones', async (flags, message) => {
    await expect(view(SMALL, flags)).rejects.toThrow(message);
    await expect(statsTrace(SMALL, flags)).rejects.toThrow(message);
    await expect(exportTrace(SMALL, { format: 'mermaid', ...flags }, collectOutput())).rejects.toThrow(message);
  });

  it('the command exits 1 with the message and no stack trace', () => {
    const r = mksim('trace', SMALL, '--actor', 'nosuch');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--actor nosuch: no such actor in .*; actors: alice, bob/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('one known value among unknown ones still shows its records', async () => {
    expect((await view(SMALL, { actor: ['bob', 'nosuch'] })).length).toBeGreaterThan(10);
  });
});

describe('--to stops reading (records are time-ordered)', () => {
  it('a malformed line after the window is never read', async () => {
    const lines = readFileSync(SMALL, 'utf8').split('\n');
    const path = join(tempDir(), 'tail-broken.jsonl');
    // Break a record at 2 ms: --to 1ms must stop before it.
    const at = lines.findIndex((l) => l !== '' && (JSON.parse(l) as { t: number }).t > 2_000_000);
    writeFileSync(path, [...lines.slice(0, at), '{"seq": broken', ...lines.slice(at + 1)].join('\n'));
    await expect(view(path)).rejects.toThrow(/malformed trace record/);
    const windowed = await view(path, { to: '1ms' });
    expect(windowed.length).toBeGreaterThan(10);
    expect(windowed).toEqual((await view(SMALL, { to: '1ms' })));
    expect(JSON.parse(await statsTrace(path, { to: '1ms', json: true })).records).toBeGreaterThan(10);
    const exported = collectOutput();
    expect(await exportTrace(path, { format: 'chrome', to: '1ms' }, exported)).toBeLessThan(at + 1);
  });
});

describe('--width and --no-wrap', () => {
  const long = join(tempDir(), 'long.jsonl');
  writeFileSync(long, [
    '{"seq":1,"t":0,"ev":"header","format":"mksim-trace","version":1}',
    `{"seq":2,"t":1000,"ev":"send","id":1,"src":"alice","dst":"fs","type":"FS_WRITE","cause":null,"msg":{"path":"/a","text":"${'x'.repeat(400)}"}}`,
    `{"seq":3,"t":2000,"ev":"log","proc":"alice","text":"${'y'.repeat(400)}"}`,
  ].join('\n') + '\n');

  it('--width N fits each line in N columns, keeping the ids', async () => {
    for (const width of [80, 100, 200]) {
      const lines = await view(long, { width: String(width) });
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
      expect(lines[0]).toMatch(/…  \(#1\)$/);
    }
  });

  it('--no-wrap shows everything', async () => {
    const lines = await view(long, { wrap: false });
    expect(lines[0]).toContain('x'.repeat(400) + '  (#1)');
    expect(lines[1]).toContain('y'.repeat(400));
  });

  it('bad widths are bad usage', async () => {
    await expect(view(long, { width: 'wide' })).rejects.toThrow(/--width must be a number of columns/);
    await expect(view(long, { width: '80', wrap: false })).rejects.toThrow(/not both/);
  });
});

describe('numbers decoded as strace does, from mksim\'s own tables', () => {
  it('open flags, errnos, signals, modes', () => {
    expect(openFlagsText(577)).toBe('O_WRONLY|O_CREAT|O_TRUNC');
    expect(openFlagsText(1089)).toBe('O_WRONLY|O_CREAT|O_APPEND');
    expect(openFlagsText(2)).toBe('O_RDWR');
    expect(decodeField('status', -13)).toBe('-EACCES');
    expect(decodeField('status', 0)).toBeUndefined();
    expect(decodeField('status', 3)).toBeUndefined();
    expect(decodeField('signal', 14)).toBe('SIGALRM');
    expect(decodeField('mode', 0o644)).toBe('0644');
    expect(decodeField('flags', 577, 'FS_FCNTL')).toBeUndefined();
  });

  it('in the view of a real run', async () => {
    const { path } = bootTrace(`disk disk0 create=2M block-size=1024 model=ramdisk
fs root=disk0 cache=16
clock mode=tickless
process init uid=0
    write /a.txt "hello"
    chmod 0600 /a.txt
    spawn bob
    wait bob
    alarm 1ms
    pause
process bob uid=1000
    expect EACCES cat /a.txt
`);
    const text = (await view(path, { wrap: false })).join('\n');
    expect(text).toMatch(/FS_OPEN +path=\/a\.txt flags=O_WRONLY\|O_CREAT\|O_TRUNC mode=0644/);
    expect(text).toMatch(/FS_REPLY +status=-EACCES /);
    expect(text).toMatch(/signal=SIGALRM/);
  });
});
