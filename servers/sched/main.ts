/*
 * The SCHED server (MINIX 3.2's servers/sched): the scheduling policy of
 * user processes, out of the kernel. The kernel keeps the mechanism (16
 * queues, quanta counted by the clock, preemption); when a process it hands
 * to SCHED runs out of quantum, the kernel sends SCHEDULING_NO_QUANTUM on its
 * behalf and SCHED answers with sys_schedule.
 *   schedServer(config)   the Program of the `sched` actor: { policy, seed }
 * It sits idle until PM hands it processes (init at start, every fork).
 * System processes stay scheduled by the kernel, as in MINIX.
 */
import { type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { Prng } from '../../kernel/random.js';
import { serve } from '../../lib/server.js';
import type { SchedPolicy } from './policy.js';
import { SCHED_REPLY } from './protocol.js';
import { SchedTable } from './schedproc.js';
import { balanceQueues, type SchedState } from './schedule.js';
import { schedCallTable } from './table.js';

export interface SchedConfig {
  readonly policy: SchedPolicy;
  /** Seed of the server's own PRNG (lottery draws), derived from the boot seed. */
  readonly seed: number;
}

export function schedServer(config: SchedConfig) {
  return function* schedMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const s: SchedState = {
      ctx, policy: config.policy, table: new SchedTable(), prng: new Prng(config.seed),
      pm: ctx.endpointOf('pm'), clock: ctx.endpointOf('clock'), balanceArmed: false,
    };
    yield* serve(schedCallTable(s), {
      errorReplyType: SCHED_REPLY,
      onNotify: function* (m: Envelope) {
        if (m.source === s.clock) yield* balanceQueues(s);
        return null;
      },
    });
  };
}
