import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';

function run(script: string, opts: { seed?: string; trace?: string; set?: string[] } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(script, opts, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr };
}

/** Lines each example must print (in order, among others). */
const EXPECTED: Readonly<Record<string, RegExp[]>> = {
  'hello.boot': [/^init: mksim is up$/, /^hello: hello\.txt$/, /^init: hello, world$/, /^init: bye$/],
  'fs-tour.boot': [/^alice: line one, line two$/, /^alice: line oneONEine two$/, /^alice: big\.bin: .* size 100000$/, /^init: etc-motd {2}home {2}tmp$/],
  'elevator.boot': [/^init: four 1 MB files on disk/, /^updater: synced$/],
  'tickless.boot': [/^alarmist: alarm$/, /^napper: slept 5 x 40ms$/, /^init: both done$/],
  'network.boot': [/^server\/httpd: GET \/ HTTP\/1\.0$/, /^client\/browser: HTTP\/1\.0 200 OK: hello from the server$/],
  'selinux-browsers.boot': [
    /^intranet\/httpd: GET \/intranet from system_u:system_r:internal_browser_t$/, /^desk\/internal: 200 OK from system_u:system_r:intranet_httpd_t$/,
    /^internet\/httpd: GET \/internet from system_u:system_r:external_browser_t$/, /^desk\/external: 200 OK from system_u:system_r:internet_httpd_t$/,
  ],
  'signal-latency.boot': [/^measurer: latency: n=20 period=7000\.0us min=[\d.]+us mean=[\d.]+us max=[\d.]+us$/],
  'selinux-su.boot': [
    /^evil: passwd: You may not view or modify password information for root\.$/, /^rootid: uid=0\(root\) gid=0 context=user_u:user_r:user_t$/,
    /^rootpw: passwd: SELinux denying access due to security policy/, /^admin: passwd: password for alice changed$/,
    /^init: root:\$mksim\$0:/, /^init: alice:\$mksim\$reset:/,
  ],
};

/** Examples whose point is a refusal: each refused program exits 1 (an `expect status=1` checks it), so the boot exits 1. */
const EXIT_CODE: Readonly<Record<string, number>> = { 'selinux-su.boot': 1 };

const examples = readdirSync('examples').filter((f) => f.endsWith('.boot')).sort();

describe('examples', () => {
  it('the examples this file checks line by line exist', () => {
    for (const name of Object.keys(EXPECTED)) expect(examples).toContain(name);
  });

  for (const name of examples) {
    it(`${name} boots, exits ${EXIT_CODE[name] ?? 0} and prints what it should`, () => {
      const r = run(join('examples', name));
      // Besides the summary, stderr may carry only audit lines (the SELinux examples' point), and the refused programs' exits.
      const refused = (l: string): boolean => EXIT_CODE[name] === 1 && /^mksim: \w+ ended with exit 1$/.test(l);
      expect(r.stderr.filter((l) => !/^mksim: \d+ process/.test(l) && !/^type=(USER_)?AVC /.test(l) && !refused(l))).toEqual([]);
      expect(r.code).toBe(EXIT_CODE[name] ?? 0);
      let at = 0;
      for (const want of EXPECTED[name] ?? []) {
        const found = r.stdout.findIndex((l, i) => i >= at && want.test(l));
        expect(found, `${name}: no line matching ${want} after line ${at}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    });
    // Same seed, same trace: determinism.test.ts boots every example twice in this process and compares bytes.
  }

  it('elevator=on moves the disk head less than elevator=off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-el-'));
    const cylinders = (setting: string): number => {
      const path = join(dir, `${setting}.jsonl`);
      run('examples/elevator.boot', { trace: path, set: [`fs.elevator=${setting}`] });
      return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.ev === 'disk').reduce((sum, r) => sum + Math.abs((r.toCyl as number) - (r.fromCyl as number)), 0);
    };
    expect(cylinders('on')).toBeLessThan(cylinders('off'));
  });

  it('a periodic clock interrupts far more often than a tickless one for the same sleeps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-tk-'));
    const ticks = (mode: string): number => {
      const path = join(dir, `${mode}.jsonl`);
      run('examples/tickless.boot', { trace: path, set: [`clock.mode=${mode}`] });
      return readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"ev":"tick"')).length;
    };
    const periodic = ticks('periodic');
    const tickless = ticks('tickless');
    expect(periodic).toBeGreaterThan(150);
    expect(tickless).toBeLessThan(periodic / 10);
  });
});
