/*
 * Programs for the scheduling and signal labs.
 *   spinner [D]            CPU-bound: spin for D (default 1s) in 1 ms steps
 *   latency [N] [PERIOD]   N times: arm an alarm about PERIOD ahead (jittered by the
 *                          seeded PRNG), pause, and measure from the alarm's due time
 *                          to the handler's start; prints min / mean / max in microseconds
 */
import { SIGALRM } from '../../kernel/signal.js';
import { parseDurationNs, parseIntStrict } from '../shell/values.js';
import { alarm, pause, sigaction } from '../syscalls/pm.js';
import type { SysGen, UserProcess } from '../user/process.js';


export function* spinner(proc: UserProcess): SysGen<number> {
  const totalNs = parseDurationNs(proc.ctx.args[0] ?? '1s');
  if (totalNs === null) { proc.print('usage: spinner [DURATION]'); return 2; }
  yield* proc.spin(totalNs);
  return 0;
}

export function* latency(proc: UserProcess): SysGen<number> {
  const rounds = parseIntStrict(proc.ctx.args[0] ?? '10');
  const periodNs = parseDurationNs(proc.ctx.args[1] ?? '10ms');
  if (rounds === null || rounds <= 0 || periodNs === null || periodNs <= 0) { proc.print('usage: latency [N] [PERIOD]'); return 2; }
  let handlerStartNs = 0;
  const r = yield* sigaction(proc, SIGALRM, function* (p) { handlerStartNs = p.ctx.nowNs(); });
  if (r < 0) return 1;
  const samplesNs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // A period jittered over [P/2, 3P/2) from the seeded PRNG, so alarms fall at every
    // phase of the other processes' quanta instead of locking onto one.
    const delayNs = Math.floor(periodNs / 2) + proc.ctx.random.below(Math.max(1, periodNs));
    const dueNs = proc.ctx.nowNs() + delayNs;
    handlerStartNs = 0;
    yield* alarm(proc, delayNs);
    // pause returns EINTR after the handler has run; a stray early return pauses again.
    for (let guard = 0; handlerStartNs === 0 && guard < 1000; guard++) yield* pause(proc);
    samplesNs.push(handlerStartNs - dueNs);
  }
  const us = (ns: number): string => (ns / 1000).toFixed(1);
  const mean = samplesNs.reduce((a, b) => a + b, 0) / samplesNs.length;
  proc.print(`latency: n=${rounds} period=${us(periodNs)}us min=${us(Math.min(...samplesNs))}us mean=${us(mean)}us max=${us(Math.max(...samplesNs))}us`);
  return 0;
}
