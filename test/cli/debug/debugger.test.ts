/*
 * `mksim boot --break WHEN`: break conditions, the prompt driven through a
 * pseudo-terminal (util-linux `script`), and a run with breaks that gives the
 * same trace as the run without.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matches, parseBreak } from '../../../cli/debug/when.js';
import { MKSIM } from '../../support/mksim.js';

const EXAMPLE = join(process.cwd(), 'examples', 'selinux-passwd.boot');

/** Run mksim under a pseudo-terminal; answer each prompt with the next command. */
function underPty(args: string[], commands: string[]): Promise<{ code: number | null; text: string; prompts: number }> {
  const cmd = [process.execPath, MKSIM, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  let prompts = 0;
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const seen = text.split('(mksim-debug) ').length - 1;
      while (prompts < seen) {
        prompts++;
        if (sent < commands.length) child.stdin.write(commands[sent++] + '\n');
      }
    });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, text: text.replace(/\r\n/g, '\n'), prompts }); });
  });
}

describe('--break conditions', () => {
  it('parses the four forms and matches records', () => {
    expect(parseBreak('10ms')).toEqual({ kind: 'time', atNs: 10_000_000, text: '10ms' });
    expect(parseBreak('FS_OPEN')).toMatchObject({ kind: 'type', type: 'FS_OPEN' });
    expect(parseBreak('fs')).toMatchObject({ kind: 'actor', actor: 'fs' });
    expect(parseBreak('42')).toMatchObject({ kind: 'id', id: 42 });
    expect(parseBreak('actor:PM')).toMatchObject({ kind: 'actor', actor: 'PM' });
    const send = { seq: 5, t: 7, ev: 'send', id: 42, src: 'init', dst: 'fs', type: 'FS_OPEN', cause: null };
    expect(matches(parseBreak('FS_OPEN'), send)).toBe(true);
    expect(matches(parseBreak('42'), send)).toBe(true);
    expect(matches(parseBreak('43'), send)).toBe(false);
    expect(matches(parseBreak('fs'), send)).toBe(true);
    expect(matches(parseBreak('pm'), send)).toBe(false);
    expect(matches(parseBreak('7ns'), send)).toBe(true);
    expect(matches(parseBreak('8ns'), send)).toBe(false);
    // A delivery is the same message again: a break stops once, where it is sent.
    expect(matches(parseBreak('FS_OPEN'), { ...send, ev: 'deliver' })).toBe(false);
    expect(() => parseBreak('when:x')).toThrow(/unknown prefix 'when'/);
    expect(() => parseBreak('id:0')).toThrow(/integer from 1/);
  });
});

describe('the debugger through a pseudo-terminal', () => {
  it('stops at a message type, shows the tables and a file\'s inode, steps, continues to the end', async () => {
    const r = await underPty(['boot', EXAMPLE, '--break', 'FS_SETFILECON'],
      ['help', 'ps', 'runq', 'mbox', 'cache', 'inode /etc/shadow', 'inode /nope', 'step', 'record', 'bogus', 'continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'continue']);
    expect(r.code).toBe(0);
    const t = r.text;
    // The first FS_SETFILECON is init labelling /etc.
    expect(t).toMatch(/break FS_SETFILECON: [\d.]+ µs {2}#\d+ send init -> fs FS_SETFILECON/);
    expect(t).toContain('step           run to the next message');
    // Stopped as the kernel takes the message: init still runs, fs has not received it yet.
    expect(t).toMatch(/\ninit\s+\d+\s+7\s+running\s/);
    expect(t).toMatch(/\nfs\s+\d+\s+4\s+receiving from ANY\s/);
    expect(t).toMatch(/queue 7: init \(running\)/);
    expect(t).toMatch(/fs: 64 buffers of 1024 bytes: \d+ valid, \d+ dirty, \d+ held/);
    // /etc/shadow does not exist yet at the first break: the lookup says so.
    expect(t).toContain('/etc/shadow: no such entry');
    expect(t).toContain('/nope: no such entry');
    // One message on: fs, serving the request, asks the security server to check the context.
    expect(t).toMatch(/step: [\d.]+ µs {2}#\d+ send fs -> security SEC_CHECK_CONTEXT/);
    expect(t).toMatch(/\{"seq":\d+,"t":\d+,"ev":"send","id":\d+,"src":"fs","dst":"security","type":"SEC_CHECK_CONTEXT"/);
    expect(t).toContain("unknown command 'bogus'; help lists the commands");
    // The run went on to its end: passwd's line and the summary.
    expect(t).toContain('pw: passwd: password for alice changed');
    expect(r.prompts).toBeGreaterThan(11);
  }, 90_000);

  it('a file\'s inode at a later break: from the inode table, with its label; quit stops the run (exit 1)', async () => {
    const r = await underPty(['boot', EXAMPLE, '--break', '150us'], ['inode /etc/shadow', 'inode /home/alice/notes.txt', 'quit']);
    expect(r.text).toMatch(/\/etc\/shadow: inode \d+ \(from the .*\), served by fs\n {2}mode 0100666 \(regular\) {2}nlinks 1 {2}uid 0 {2}gid 0 {2}size \d+/);
    expect(r.text).toMatch(/\/home\/alice\/notes\.txt: inode \d+ .*\n {2}mode 0100644 \(regular\) {2}nlinks 1 {2}uid 1000/);
    expect(r.text).toContain('mksim: simulation stopped: quit from the debugger');
    expect(r.code).toBe(1);
  }, 90_000);
});

describe('determinism', () => {
  it('a run with breaks, stepping and continuing writes the trace the run without breaks writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-debug-'));
    const plain = spawnSync(process.execPath, [MKSIM, 'boot', EXAMPLE, '--trace', join(dir, 'a.jsonl')], { encoding: 'utf8' });
    const input = 'ps\nmbox\ncache\ninode /etc/shadow\nstep\nstep\ncontinue\n'.repeat(40);
    const broken = spawnSync(process.execPath, [MKSIM, 'boot', EXAMPLE, '--trace', join(dir, 'b.jsonl'), '--break', 'fs', '--break', '50us'], { encoding: 'utf8', input });
    expect(plain.status).toBe(0);
    expect(broken.status).toBe(0);
    expect(broken.stdout).toContain('(mksim-debug) ');
    expect(broken.stdout).toMatch(/break fs: /);
    const a = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(a.length).toBeGreaterThan(10_000);
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(a);
  }, 90_000);
});
