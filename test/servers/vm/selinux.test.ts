/*
 * SELinux's memory execution controls in VM (servers/vm/mac.ts), decided by
 * examples/policy/samba.conf, in enforcing and permissive mode; the policy
 * compiles with the real checkpolicy; the Samba example in both modes.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';
import { bootWith } from '../security/mac-helpers.js';
import { checkpolicy, realToolsMissing, sesearchCli } from '../security/realtools.js';

const SAMBA = readFileSync(new URL('../../../examples/policy/samba.conf', import.meta.url), 'utf8');
const withRules = (rules: string) => SAMBA.replace('# Only the passwd domain', `${rules}\n# Only the passwd domain`);

const script = (mode: string, commands: readonly string[]) => [
  'clock mode=tickless', 'vm frames=16', `security policy=policy.conf mode=${mode}`,
  'process init uid=0 context=system_u:system_r:init_t', '    spawn t', '    wait t',
  'process t context=system_u:system_r:smbd_t', '    brk 8K', ...commands.map((c) => `    ${c}`),
].join('\n') + '\n';

describe('execmem, execheap, execstack', () => {
  it('enforcing, smbd_t without them: an executable anonymous mapping, heap or stack is EACCES, each with its AVC line', () => {
    const r = bootWith(script('enforcing', ['expect EACCES mmap code 8K rwx', 'expect EACCES mprotect heap rwx', 'expect EACCES mprotect stack rwx', 'expect ok mmap data 8K rw', 'expect ok mprotect heap r']), SAMBA);
    expect(r.code).toBe(0);
    expect(r.audit.map((l) => /\{ (\w+) \}/.exec(l)![1])).toEqual(['execmem', 'execheap', 'execstack']);
    expect(r.audit.every((l) => l.includes('scontext=system_u:system_r:smbd_t') && l.includes('tclass=process permissive=0'))).toBe(true);
  });

  it('enforcing, smbd_t with execmem and execstack: the mapping and the stack may be executable, the heap still not', () => {
    const r = bootWith(script('enforcing', ['expect ok mmap code 8K rwx', 'expect EACCES mprotect heap rwx', 'expect ok mprotect stack rwx', 'expect ok mprotect code rx']),
      withRules('allow smbd_t self:process { execmem execstack };'));
    expect(r.code).toBe(0);
    expect(r.audit.map((l) => /\{ (\w+) \}/.exec(l)![1])).toEqual(['execheap']);
  });

  it('permissive: everything is allowed, and each denial is logged once with permissive=1', () => {
    const r = bootWith(script('permissive', ['expect ok mmap code 8K rwx', 'expect ok mprotect heap rwx', 'expect ok mprotect stack rwx', 'expect ok mprotect heap rwx']), SAMBA);
    expect(r.code).toBe(0);
    // execmem is asked of the heap and the stack too (file_map_prot_check after the execheap/execstack test), but logged once.
    expect(r.audit.map((l) => /\{ (\w+) \}/.exec(l)![1])).toEqual(['execmem', 'execheap', 'execstack']);
    expect(r.audit.every((l) => l.endsWith('permissive=1'))).toBe(true);
  });
});

describe('the samba policy', () => {
  const missing = realToolsMissing();
  it.skipIf(missing !== null)('compiles with checkpolicy, and sesearch finds no exec* permission for smbd_t', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-samba-'));
    const r = checkpolicy(SAMBA, dir, 'samba');
    expect(r.ok, r.stderr).toBe(true);
    const perms = sesearchCli(r.bin, 'smbd_t', 'smbd_t', 'process');
    expect(perms).toEqual(['fork', 'getattr', 'sigchld', 'signal', 'signull']);
    expect(sesearchCli(r.bin, 'init_t', 'init_t', 'process')).toEqual(expect.arrayContaining(['execheap', 'execmem', 'execstack']));
  });
});

describe('examples/selinux-samba.boot', () => {
  const run = (set: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = bootScript('examples/selinux-samba.boot', { set }, (l) => out.push(l), (l) => err.push(l));
    return { code, out, audit: err.filter((l) => l.startsWith('type=AVC')) };
  };

  it('enforcing: the exploit is denied (execheap AVC line) and the server keeps serving', () => {
    const r = run([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'server: smbd: GET /srv/report.txt: 32 bytes',
      'server: smbd: exploit failed: mprotect heap rwx: EACCES',
      'server: smbd: GET /srv/notes.txt: 15 bytes',
      'server: smbd: served 3 requests',
    ]);
    expect(r.audit).toHaveLength(1);
    expect(r.audit[0]).toMatch(/avc: {2}denied {2}\{ execheap \} .*scontext=system_u:system_r:smbd_t .*tclass=process permissive=0$/);
  });

  it('permissive: the heap is made executable, and execheap and execmem are logged', () => {
    const r = run(['security.mode=permissive']);
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe('server: smbd: exploit succeeded: the heap is executable (the shellcode would run)');
    expect(r.out[3]).toBe('server: smbd: served 3 requests');
    expect(r.audit.map((l) => /\{ (\w+) \}/.exec(l)![1])).toEqual(['execheap', 'execmem']);
  });
});
