/*
 * The INET server (MINIX's inet, or lwip in MINIX 3.4): sockets over the
 * host's network driver, with labeled networking when the host runs a
 * security server (security.ts). FS forwards each socket call (INET_CALL) and hears
 * its outcome by INET_DONE; frames come and go through the driver.
 *   inetServer(config)   the Program: serve calls and frames; after each, send the
 *                        frames and outcomes it produced (senda: INET never blocks
 *                        on FS or the driver) and keep one clock alarm at the
 *                        earliest retransmission time (as MINIX's inet keeps its own timers)
 */
import { NONE, senda, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { serve, type Handler } from '../../lib/server.js';
import { newInetState, type InetState } from './socket.js';
import { ALLOW_ALL, inetCallTable, type InetHooks } from './table.js';
import { nextTimerNs, tcpTimers } from './tcp.js';
import { inetMac } from './security.js';

export interface InetConfig {
  /** This host's IPv4 address. */
  readonly addr: number;
  /** The network driver's process name. */
  readonly driver: string;
}

type Gen<T> = Generator<KernelCall, T, any>;

export function inetServer(config: InetConfig) {
  return function* inetMain(ctx: ActorContext): Gen<void> {
    const st = newInetState(ctx, config.addr);
    // With a security server on the host: labeled networking (security.ts).
    const hooks = (yield* inetMac(ctx)) ?? ALLOW_ALL;
    const fs = (): number => ctx.endpointOf('fs');
    const table = inetCallTable(st, hooks, fs);
    // After each message: what it produced goes out, and the alarm follows the timers.
    const withFlush = (h: Handler<any>): Handler<any> => function* (m: Envelope) {
      yield* h(m);
      yield* flush(st, config.driver, fs());
      return null;
    };
    const wrapped: Record<string, Handler<any>> = {};
    for (const [type, h] of Object.entries(table)) wrapped[type] = withFlush(h);
    yield* serve(wrapped, {
      // The clock's alarm: retransmit what timed out.
      onNotify: withFlush(function* (m: Envelope) {
        if (m.source === ctx.endpointOf('clock')) tcpTimers(st, ctx.nowNs());
        else hooks.onNotify?.(m);
        return null;
      }),
    });
  };
}

function* flush(st: InetState, driverName: string, fs: number): Gen<void> {
  const driver = st.ctx.endpointOf(driverName);
  // senda may fail (a full queue): the frame is lost as on a full transmit ring, and retransmission recovers it.
  for (const frame of st.outFrames.splice(0)) if (driver !== NONE) yield senda(driver, { type: 'DL_WRITE', frame });
  for (const done of st.outDone.splice(0)) if (fs !== NONE) yield senda(fs, done);
  const atNs = nextTimerNs(st);
  if (atNs === st.alarmAtNs) return;
  st.alarmAtNs = atNs;
  const clock = st.ctx.endpointOf('clock');
  if (clock === NONE) return;
  yield sendrec(clock, { type: 'CLOCK_SET_ALARM', delayNs: atNs === Infinity ? 0 : Math.max(1, atNs - st.ctx.nowNs()) });
}
