/*
 * The generic server loop, written once (Erlang's gen_server, MINIX's
 * main.c): receive, look the call up in the table, run the handler, reply.
 *   serve(ctx, table, options)  the receive loop of a server or task
 *   CallTable                   message type -> handler
 *   Handler                     a generator: returns a reply, or null for none
 *                               (the handler replied itself or suspended the caller)
 * A request whose type is not in the table, or that the table's validator
 * refuses, gets an error reply and the server keeps serving. Error replies
 * go by sendnb: a requester in sendrec is waiting for exactly us and gets
 * it; a process that is not waiting is not worth blocking the server for.
 * A stray reply (every protocol's reply type ends in REPLY) is dropped, never
 * answered: answering replies is how two servers trade errors forever.
 */
import { ANY, EBADCALL, NOTIFY, receive, send, sendnb, type Envelope, type KernelCall, type Message } from '../kernel/index.js';
import { ownValue } from './own.js';

export type Handler<M extends Message = Message> = (m: Envelope<M>) => Generator<KernelCall, Message | null, any>;

export type CallTable = Readonly<Record<string, Handler<any>>>;

export interface ServeOptions {
  /** Called for NOTIFY messages (interrupts, alarms) when the table has no NOTIFY entry. */
  readonly onNotify?: Handler;
  /** Reply type for errors (default 'REPLY'): { type, status: -errno }. */
  readonly errorReplyType?: string;
  /** Check a request's shape before dispatch; return an errno (> 0) to refuse it with an error reply. */
  readonly validate?: (m: Envelope) => number;
}

export function* serve(table: CallTable, options: ServeOptions = {}): Generator<KernelCall, never, any> {
  const errorType = options.errorReplyType ?? 'REPLY';
  // The table's own entries in a Map, made once: a lookup per request that never reaches Object.prototype.
  const handlers = new Map<string, Handler<any>>();
  for (const type of Object.keys(table)) handlers.set(type, ownValue(table, type)!);
  for (;;) {
    const m: Envelope | number = yield receive(ANY);
    if (typeof m === 'number') continue;
    let handler: Handler<any> | undefined = typeof m.type === 'string' ? handlers.get(m.type) : undefined;
    if (handler === undefined && m.type === NOTIFY) handler = options.onNotify;
    if (handler === undefined) {
      if (m.type !== NOTIFY && !isReply(m)) yield sendnb(m.source, { type: errorType, status: -EBADCALL } as Message);
      continue;
    }
    const invalid = options.validate?.(m) ?? 0;
    if (invalid !== 0) {
      yield sendnb(m.source, { type: errorType, status: -invalid } as Message);
      continue;
    }
    const reply: Message | null = yield* handler(m);
    if (reply !== null) yield send(m.source, reply);
  }
}

function isReply(m: Envelope): boolean {
  return typeof m.type === 'string' && m.type.endsWith('REPLY');
}

/** For validate: a request field must be a safe integer. */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

