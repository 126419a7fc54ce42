/*
 * The generic server loop, written once (Erlang's gen_server, MINIX's
 * main.c): receive, look the call up in the table, run the handler, reply.
 *   serve(ctx, table, options)  the receive loop of a server or task
 *   CallTable                   message type -> handler
 *   Handler                     a generator: returns a reply, or null for none
 *                               (the handler replied itself or suspended the caller)
 *   withPlainPath(handler, plain)   the same handler with a path that never yields
 *                               (a call that waits for nothing runs as a plain function)
 *   followedBy(first, next, onError)   one generator, then another made of its result,
 *                               without a yield* frame (a server's setup, then serve)
 * A request whose type is not in the table, or that the table's validator
 * refuses, gets an error reply and the server keeps serving. Error replies
 * go by sendnb: a requester in sendrec is waiting for exactly us and gets
 * it; a process that is not waiting is not worth blocking the server for.
 * A stray reply (every protocol's reply type ends in REPLY) is dropped, never
 * answered: answering replies is how two servers trade errors forever.
 */
import { ANY, EBADCALL, NOTIFY, receive, send, sendnb, type Envelope, type KernelCall, type Message } from '../kernel/index.js';
import { ownValue } from './own.js';

export interface Handler<M extends Message = Message> {
  (m: Envelope<M>): Generator<KernelCall, Message | null, any>;
  /**
   * The call without a generator, for a request that waits for nothing (MINIX's
   * do_lseek is a plain function too): its reply, null for none, or undefined
   * when this request needs the generator after all (the handler is then run).
   */
  readonly plain?: (m: Envelope<M>) => Message | null | undefined;
}

export function withPlainPath<M extends Message>(handler: (m: Envelope<M>) => Generator<KernelCall, Message | null, any>, plain: (m: Envelope<M>) => Message | null | undefined): Handler<M> {
  return Object.assign(handler, { plain });
}

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
  // The kernel only reads a call: one receive serves every turn of the loop.
  const receiveAny = receive(ANY);
  for (;;) {
    const m: Envelope | number = yield receiveAny;
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
    let reply: Message | null | undefined = handler.plain?.(m);
    if (reply === undefined) reply = yield* handler(m);
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


/**
 * `first()`'s generator, then the one `next` makes of its return value, as
 * one generator without a delegating frame: every resumption of a yield*
 * passes through each generator that delegates, and a server's loop or a
 * process's commands are resumed once or twice per system call (issue 20).
 * Here a resumption is one method call. `first` is called at the first
 * resumption, as a generator's body starts then. onError, if given, turns
 * an exception from `first`'s generator into the generator to go on with
 * (what a try/catch around `yield* first()` would do).
 */
export function followedBy<R1, R2>(
  first: () => Generator<KernelCall, R1, any>,
  next: (result: R1) => Generator<KernelCall, R2, any>,
  onError?: (err: unknown) => Generator<KernelCall, R2, any>,
): Generator<KernelCall, R2, any> {
  return new FollowedBy(first, next, onError);
}

class FollowedBy<R1, R2> implements Generator<KernelCall, R2, any> {
  private firstGen: Generator<KernelCall, R1, any> | null = null;
  private secondGen: Generator<KernelCall, R2, any> | null = null;

  constructor(
    private readonly first: () => Generator<KernelCall, R1, any>,
    private readonly then: (result: R1) => Generator<KernelCall, R2, any>,
    private readonly onError: ((err: unknown) => Generator<KernelCall, R2, any>) | undefined,
  ) {}

  next(value?: unknown): IteratorResult<KernelCall, R2> {
    if (this.secondGen !== null) return this.secondGen.next(value);
    let r: IteratorResult<KernelCall, R1>;
    try {
      this.firstGen ??= this.first();
      r = this.firstGen.next(value);
    } catch (err) {
      return this.failed(err);
    }
    return r.done === true ? this.finished(r.value) : r;
  }

  throw(err: unknown): IteratorResult<KernelCall, R2> {
    if (this.secondGen !== null) return this.secondGen.throw(err);
    let r: IteratorResult<KernelCall, R1>;
    try {
      this.firstGen ??= this.first();
      r = this.firstGen.throw(err);
    } catch (e) {
      return this.failed(e);
    }
    return r.done === true ? this.finished(r.value) : r;
  }

  return(value: R2): IteratorResult<KernelCall, R2> {
    const g = this.secondGen ?? this.firstGen;
    this.secondGen = emptyGenerator<R2>();
    if (g === null) return { value, done: true };
    g.return(value as never);
    return { value, done: true };
  }

  [Symbol.iterator](): Generator<KernelCall, R2, any> {
    return this;
  }

  private finished(result: R1): IteratorResult<KernelCall, R2> {
    this.secondGen = this.then(result);
    return this.secondGen.next();
  }

  private failed(err: unknown): IteratorResult<KernelCall, R2> {
    if (this.onError === undefined) throw err;
    this.secondGen = this.onError(err);
    return this.secondGen.next();
  }
}

/** What a returned FollowedBy resumes: done at once. */
function* emptyGenerator<R>(): Generator<KernelCall, R, any> {
  return undefined as R;
}
