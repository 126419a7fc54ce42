import { describe, expect, it } from 'vitest';
import { checkImage } from '../../../servers/fs/tools/fsck.js';
import { driverRequests, finished, imageBytes, runBoot, userOutput } from './helpers.js';

/** A workload with reads and writes through a small cache, so the driver is used all along. */
const WORKLOAD = `
process init uid=0
    mkdir /d
    write --bytes 30000 /d/a
    write /d/b "bravo"
    sync
    cat /d/b
    write --append /d/b " charlie"
    rm /d/a
    write --bytes 5000 /d/c
    mkdir /d/e
    write /d/e/f "foxtrot"
    sync
    cat /d/b
    cat /d/e/f
    stat /d/c
`;

const system = (faults: string) => `
disk  disk0 create=1M block-size=1024 model=hp97560
fs    root=disk0 cache=8
clock mode=tickless
${faults}
${WORKLOAD}`;

const baseline = runBoot(system(''), { trace: true });
const requestsTotal = driverRequests(baseline.records);

function expectSameResult(faults: string): ReturnType<typeof runBoot> {
  const run = runBoot(system(faults), { trace: true });
  expect(finished(run), faults).toBe(true);
  expect(run.system.alive(), faults).toEqual([]);
  expect(run.system.report.exits.map((e) => e.status), faults).toEqual([0]);
  expect(userOutput(run), faults).toEqual(userOutput(baseline));
  const fsck = checkImage(imageBytes(run.system));
  expect(fsck.problems, faults).toEqual([]);
  return run;
}

describe('the reincarnation server restarts a dead disk driver and the FS re-sends its I/O', () => {
  it('the baseline workload uses the driver for many requests and ends clean', () => {
    expect(requestsTotal).toBeGreaterThan(20);
    expect(userOutput(baseline)).toContain('init: bravo charlie');
    expect(checkImage(imageBytes(baseline.system)).problems).toEqual([]);
  });

  it('a driver killed on its nth request, for every n of the workload, leaves the same output and a clean image', () => {
    for (let n = 1; n <= requestsTotal; n++) {
      const run = expectSameResult(`fault disk0 kill-driver nth=${n}`);
      const restarts = run.records.filter((r) => r.ev === 'state' && r.machine === 'service' && r.to === 'restarting');
      expect(restarts.length, `nth=${n}`).toBe(1);
    }
  });

  it('a driver crashing (throwing) on a request, at points spread over the workload, is restarted', () => {
    for (let n = 1; n <= requestsTotal; n += 3) {
      const run = expectSameResult(`fault disk0 crash-driver nth=${n}`);
      expect(run.records.some((r) => r.ev === 'fault' && r.proc === 'disk0' && String(r.error).includes('injected crash')), `nth=${n}`).toBe(true);
    }
  });

  it('a driver killed at points in virtual time, some while a request is in flight, is restarted', () => {
    const endNs = baseline.system.kernel.nowNs;
    for (let i = 1; i <= 12; i++) {
      const atNs = Math.floor((endNs * i) / 13);
      expectSameResult(`fault disk0 kill-driver at=${atNs}ns`);
    }
  });

  it('three crashes in a row are restarted with a doubling backoff under the same name', () => {
    const run = expectSameResult('fault disk0 crash-driver nth=5 count=3');
    const restarting = run.records.filter((r) => r.ev === 'state' && r.machine === 'service' && r.to === 'restarting');
    expect(restarting.map((r) => r.backoffNs)).toEqual([1_000_000, 2_000_000, 4_000_000]);
    const ups = run.records.filter((r) => r.ev === 'state' && r.machine === 'service' && r.to === 'up');
    const endpoints = ups.map((r) => r.endpoint as number);
    expect(new Set(endpoints).size).toBe(4);
    // Same slot, a new generation each time.
    expect(new Set(endpoints.map((e) => e % 1024)).size).toBe(1);
    expect(run.system.kernel.procByName('disk0')).not.toBeNull();
  });

  it('a lost reply is noticed by the heartbeat: the driver is replaced and the request re-sent', () => {
    const run = expectSameResult('fault disk0 drop-reply nth=7');
    const killed = run.records.find((r) => r.ev === 'fault' && r.proc === 'disk0');
    expect(killed?.error).toBe('missed heartbeat');
    expect(run.records.some((r) => r.ev === 'inject' && r.kind === 'drop-reply')).toBe(true);
  });

  it('a driver that keeps failing is reported and given up on, not restarted forever; the workload gets EIO', () => {
    const run = runBoot(system('fault disk0 crash-driver nth=10 count=1000'), { trace: true });
    expect(finished(run)).toBe(true);
    const states = run.records.filter((r) => r.ev === 'state' && r.machine === 'service').map((r) => r.to);
    expect(states.at(-1)).toBe('dead');
    expect(states.filter((s) => s === 'restarting')).toHaveLength(5);
    expect(run.output.some((l) => /rs: service disk0 failed 6 times in a row/.test(l))).toBe(true);
    expect(run.output.some((l) => /EIO/.test(l))).toBe(true);
    expect(run.system.report.exits.map((e) => e.status)).not.toEqual([0]);
    expect(run.system.alive()).toEqual([]);
  });
});
