/*
 * Messages: plain data with a `type` discriminant, as MINIX's message.
 *   Message    what a sender builds: { type, ...payload }
 *   Envelope   what a receiver gets: the message with `source` set by the kernel
 *   Notification  the message a notify() delivers (type NOTIFY)
 * Payload fields are numbers, strings, booleans, plain objects, arrays and
 * small Uint8Arrays (at most 64 bytes): nothing with behaviour. The kernel
 * copies every message at the send (copy.ts); bulk data moves by grant (grant.ts).
 */
import type { Endpoint } from './endpoint.js';

export interface Message {
  readonly type: string;
  source?: Endpoint;
  readonly [field: string]: unknown;
}

export type Envelope<M extends Message = Message> = M & { source: Endpoint };

export const NOTIFY = 'NOTIFY';

/**
 * A notification carries no payload but the coalesced bits of its source
 * (pending interrupt lines from HARDWARE, as MINIX's m_notify.interrupts).
 */
export interface Notification extends Message {
  readonly type: typeof NOTIFY;
  readonly bits: number;
  readonly timestampNs: number;
}

export function isNotification(m: Message): m is Envelope<Notification> {
  return m.type === NOTIFY;
}
