import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeRecord } from '../../../kernel/index.js';
import { finished, runBoot } from './helpers.js';

/** The whole trace of a run, as the JSONL sink would write it. */
function traceText(text: string, seed: number, scriptPath?: string): string {
  return runBoot(text, { seed, trace: true, ...(scriptPath !== undefined ? { scriptPath } : {}) }).records.map((r) => serializeRecord(r)).join('\n');
}


describe('isolation', () => {
  it("a user cannot read another user's mode-0600 file, nor list a 0700 directory, while the owner can", () => {
    const run = runBoot(`
disk disk0 create=512K block-size=1024 model=ramdisk
fs   root=disk0
process init uid=0
    mkdir /home
    mkdir /home/alice 0700
    chown 1000:1000 /home/alice
    mkdir /shared
    chmod 0777 /shared
    spawn alice
    wait alice
    spawn bob
    wait bob
process alice uid=1000 gid=1000
    write /shared/secret "alice only"
    chmod 0600 /shared/secret
    cat /shared/secret
process bob uid=1001 gid=1001
    expect EACCES cat /shared/secret
    expect EACCES ls /home/alice
    expect EPERM chmod 0644 /shared/secret
`);
    expect(finished(run)).toBe(true);
    expect(run.system.report.expectationFailures).toEqual([]);
    expect(run.system.report.expectationsHeld).toBe(3);
    expect(run.output).toContain('alice: alice only');
    expect(run.system.report.exits.every((e) => e.status === 0)).toBe(true);
  });
});

describe('determinism: the same script and seed give a byte-identical trace', () => {
  const examples = readdirSync('examples').filter((f) => f.endsWith('.boot')).map((f) => `examples/${f}`);

  it('for every example script', () => {
    expect(examples.length).toBeGreaterThan(3);
    for (const file of examples) {
      const text = readFileSync(file, 'utf8');
      const a = traceText(text, 7, file);
      expect(a.length, file).toBeGreaterThan(0);
      expect(traceText(text, 7, file) === a, file).toBe(true);
    }
  });

  it('for many seeds, with driver kills, crashes and lost replies injected', () => {
    const text = readFileSync('examples/crash.boot', 'utf8').replace('clock    mode=tickless',
      'clock    mode=tickless\nfault    disk0 kill-driver at=20ms\nfault    disk0 crash-driver nth=30 count=2\nfault    disk0 drop-reply nth=50');
    for (let seed = 1; seed <= 12; seed++) {
      const a = traceText(text, seed);
      expect(a).toContain('"kind":"drop-reply"');
      expect(traceText(text, seed) === a, `seed ${seed}`).toBe(true);
    }
  });
});
