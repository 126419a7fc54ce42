/*
 * The network driver task (MINIX's ethernet drivers: a dl_eth loop over a
 * card): one per host, started when the host has a link.
 *   netDriver(nic)   the Program: frames from INET (DL_WRITE) go to the card;
 *                    the card's receive interrupt hands each frame to INET (DL_RECV)
 * Both directions use senda, so neither the driver nor INET ever blocks on
 * the other (MINIX 3's INET and drivers use asynchronous messages for the same reason).
 */
import { ANY, HARDWARE, NOTIFY, NONE, receive, senda, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import type { DlWrite } from './protocol.js';
import type { Nic } from './wire.js';

export function netDriver(nic: Nic) {
  return function* netMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    nic.bind(ctx.self);
    let inet = NONE;
    for (;;) {
      const m: Envelope | number = yield receive(ANY);
      if (typeof m === 'number') continue;
      if (m.type === NOTIFY && m.source === HARDWARE) {
        if (inet === NONE) inet = ctx.endpointOf('inet');
        // Bounded by the receive ring: the card holds at most RX_RING_FRAMES.
        for (let f = nic.take(); f !== undefined; f = nic.take()) {
          if (inet !== NONE) yield senda(inet, { type: 'DL_RECV', frame: f });
        }
        continue;
      }
      if (m.type === 'DL_WRITE') nic.transmit((m as Envelope<DlWrite>).frame);
    }
  };
}
