/*
 * The service side of reincarnation (MINIX's SEF, the library linked into
 * every driver): answer RS's pings, say when a restarted instance is ready,
 * and carry the injected faults. It wraps a driver's program without the
 * driver knowing: the driver's own kernel calls pass through unchanged.
 *   withSef(program, options)  the wrapped Program (one per service; every instance RS starts runs it)
 *   SefOptions                 RS's name, the request deadline, the fault plan, the instance counter
 * Health: a ping is answered (SEF_ALIVE) only while no request has been open
 * longer than requestDeadlineNs; a driver that lost a reply (or hangs) stops
 * answering and RS replaces it, as MINIX's RS does on a missed heartbeat.
 */
import {
  isNotification, notify, NONE, Op, OK,
  type ActorContext, type ActorGenerator, type Endpoint, type Envelope, type KernelCall, type Program,
} from '../../kernel/index.js';
import { procName } from '../../lib/getinfo.js';
import { KILLED_EXIT_CODE, type ServiceFaultPlan } from './faults.js';
import { RS_PING, SEF_ALIVE, SEF_BUSY, SEF_READY, SEF_WAKE } from './protocol.js';

export interface SefOptions {
  /** The reincarnation server's process name. */
  readonly rsName?: string;
  /** A request open longer than this makes the service unhealthy (a lost reply, a hang). */
  readonly requestDeadlineNs: number;
  readonly faults?: ServiceFaultPlan;
}

/** Longer than a full queue takes (64 requests of some 20 ms on the hp97560). */
export const DEFAULT_REQUEST_DEADLINE_NS = 2_000_000_000;

interface OpenRequest {
  readonly source: Endpoint;
  /** Its number in the fault plan's count (0 without a plan). */
  readonly index: number;
  readonly receivedNs: number;
}

/** Bound on open requests tracked (a driver's queue is bounded far below). */
const MAX_OPEN = 1024;

export function withSef(program: Program, options: SefOptions): Program & { readonly instances: () => number } {
  let instances = 0;
  const wrapped = function* sef(ctx: ActorContext): ActorGenerator<unknown> {
    instances++;
    const rsName = options.rsName ?? 'rs';
    const rs = (): Endpoint => ctx.endpointOf(rsName);
    const open: OpenRequest[] = [];
    let watched = false;
    // Initialized (SEF's init callback): RS moves a started instance to up; an adopted one is up already.
    if (rs() !== NONE) yield notify(rs(), SEF_READY);
    const inner = program(ctx);
    let input: unknown = undefined;
    for (;;) {
      const step = inner.next(input);
      if (step.done) return step.value;
      const call: KernelCall = step.value;
      if ((call.op === Op.Send || call.op === Op.Sendnb || call.op === Op.Senda) && open.length > 0) {
        const at = open.findIndex((r) => r.source === call.dst);
        if (at >= 0) {
          const [answered] = open.splice(at, 1);
          if (options.faults?.dropsReply(answered!.index, ctx.nowNs())) {
            // The name comes by kernel call even when nobody traces: tracing must not change the timeline.
            const dst = yield* procName(call.dst);
            ctx.trace('inject', { kind: 'drop-reply', request: answered!.index, dst });
            // The request stays open: the reply never left, and the deadline will say so.
            open.splice(at, 0, answered!);
            input = OK;
            continue;
          }
        }
      }
      let result: unknown = yield call;
      if (call.op === Op.Receive) {
        // A ping is SEF's business: answer it and receive again for the driver.
        while (typeof result === 'object' && result !== null && isNotification(result as Envelope) && (result as Envelope).source === rs() && rs() !== NONE) {
          const bits = (result as Envelope & { bits: number }).bits;
          if (bits & RS_PING) {
            const oldest = open[0];
            const healthy = oldest === undefined || ctx.nowNs() - oldest.receivedNs <= options.requestDeadlineNs;
            if (healthy) {
              // Busy only while a request is open: an idle driver cannot keep a client waiting.
              const busy = open.length > 0;
              watched = busy;
              yield notify(rs(), SEF_ALIVE | (busy ? SEF_BUSY : 0));
            }
          }
          result = yield call;
        }
        if (typeof result === 'object' && result !== null && !isNotification(result as Envelope)) {
          const m = result as Envelope;
          const { index, action } = options.faults?.onRequest() ?? { index: 0, action: null };
          if (action === 'crash') {
            ctx.trace('inject', { kind: 'crash-driver', request: index, type: m.type });
            throw new Error(`injected crash on request ${index} (${m.type})`);
          }
          if (action === 'kill') {
            ctx.trace('inject', { kind: 'kill-driver', request: index, type: m.type });
            return KILLED_EXIT_CODE;
          }
          if (open.length < MAX_OPEN) open.push({ source: m.source, index, receivedNs: ctx.nowNs() });
          if (!watched && rs() !== NONE) {
            watched = true;
            yield notify(rs(), SEF_WAKE);
          }
        }
      }
      input = result;
    }
  };
  return Object.assign(wrapped, { instances: () => instances });
}
