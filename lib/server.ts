/*
 * The generic server loop, written once (Erlang's gen_server, MINIX's
 * main.c): receive, look the call up in the table, run the handler, reply.
 *   serve(ctx, table, options)  the receive loop of a server or task
 *   CallTable                   message type -> handler
 *   Handler                     a generator: returns a reply, or null for none
 *                               (the handler replied itself or suspended the caller)
 *   withPlainPath(handler, plain)   the same handler with a path that never yields
 *                               (a call that waits for nothing runs as a plain function)
 *   serveAfter(setup, then)     setup's generator, then serve the table made of its result
 *                               (one iterator, no generator on the loop's path)
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

export function serve(table: CallTable, options: ServeOptions = {}): Generator<KernelCall, never, any> {
  return new ServeLoop<null>(null, () => ({ table, options }));
}

/**
 * setup()'s generator (a server's mount or init), then serve the table made
 * of its result, as one iterator: a server's whole life with no generator
 * between the kernel and its loop (issue 20). setup is called at the first
 * resumption, as a generator's body starts then.
 */
export function serveAfter<S>(setup: () => Generator<KernelCall, S, any>, then: (state: S) => { readonly table: CallTable; readonly options?: ServeOptions }): Generator<KernelCall, never, any> {
  return new ServeLoop<S>(setup, then);
}

const enum ServeStep { Setup, Receiving, Handler, Replied }

/**
 * The serve loop as a hand-written iterator (what a `function*` with a
 * `for (;;)` would do, yield for yield): a request whose handler has a plain
 * path is received, run and replied to without resuming any generator; a
 * handler's generator is delegated to as yield* would (next, throw, return).
 */
class ServeLoop<S> implements Generator<KernelCall, never, any> {
  private step = ServeStep.Setup;
  /** The setup's generator, or the running handler's. */
  private inner: Generator<KernelCall, unknown, any> | null = null;
  /** The request whose handler runs (step Handler). */
  private request: Envelope | null = null;
  private handlers = new Map<string, Handler<any>>();
  private options: ServeOptions = {};
  private errorType = 'REPLY';
  // The kernel only reads a call: one receive serves every turn of the loop.
  private readonly receiveAny = receive(ANY);

  constructor(
    private readonly setup: (() => Generator<KernelCall, S, any>) | null,
    private readonly then: (state: S) => { readonly table: CallTable; readonly options?: ServeOptions },
  ) {}

  next(value?: unknown): IteratorResult<KernelCall, never> {
    switch (this.step) {
      case ServeStep.Receiving: return this.dispatch(value as Envelope | number);
      case ServeStep.Replied: return this.receive();
      case ServeStep.Handler: return this.handlerStep(this.inner!.next(value));
      default: {
        if (this.setup === null) return this.start(null as S);
        this.inner ??= this.setup();
        const r = this.inner.next(value);
        return r.done === true ? this.start(r.value as S) : r;
      }
    }
  }

  throw(err: unknown): IteratorResult<KernelCall, never> {
    if (this.step === ServeStep.Handler) return this.handlerStep(this.inner!.throw(err));
    if (this.step === ServeStep.Setup && this.inner !== null) {
      const r = this.inner.throw(err);
      return r.done === true ? this.start(r.value as S) : r;
    }
    this.inner = null;
    this.step = ServeStep.Setup;
    throw err;
  }

  return(value: never): IteratorResult<KernelCall, never> {
    this.inner?.return(undefined);
    this.inner = null;
    return { value, done: true };
  }

  [Symbol.iterator](): Generator<KernelCall, never, any> {
    return this;
  }

  private start(state: S): IteratorResult<KernelCall, never> {
    const { table, options } = this.then(state);
    this.inner = null;
    this.options = options ?? {};
    this.errorType = this.options.errorReplyType ?? 'REPLY';
    // The table's own entries in a Map, made once: a lookup per request that never reaches Object.prototype.
    for (const type of Object.keys(table)) this.handlers.set(type, ownValue(table, type)!);
    return this.receive();
  }

  private receive(): IteratorResult<KernelCall, never> {
    this.step = ServeStep.Receiving;
    return { value: this.receiveAny, done: false };
  }

  private dispatch(m: Envelope | number): IteratorResult<KernelCall, never> {
    if (typeof m === 'number') return this.receive();
    let handler: Handler<any> | undefined = typeof m.type === 'string' ? this.handlers.get(m.type) : undefined;
    if (handler === undefined && m.type === NOTIFY) handler = this.options.onNotify;
    if (handler === undefined) {
      if (m.type === NOTIFY || isReply(m)) return this.receive();
      return this.replied(sendnb(m.source, { type: this.errorType, status: -EBADCALL } as Message));
    }
    const invalid = this.options.validate?.(m) ?? 0;
    if (invalid !== 0) return this.replied(sendnb(m.source, { type: this.errorType, status: -invalid } as Message));
    const reply = handler.plain?.(m);
    if (reply !== undefined) return this.reply(m, reply);
    this.request = m;
    this.inner = handler(m);
    this.step = ServeStep.Handler;
    return this.handlerStep(this.inner.next());
  }

  private handlerStep(r: IteratorResult<KernelCall, unknown>): IteratorResult<KernelCall, never> {
    if (r.done !== true) return r as IteratorResult<KernelCall, never>;
    const m = this.request!;
    this.inner = null;
    this.request = null;
    return this.reply(m, r.value as Message | null);
  }

  private reply(m: Envelope, reply: Message | null): IteratorResult<KernelCall, never> {
    return reply === null ? this.receive() : this.replied(send(m.source, reply));
  }

  private replied(call: KernelCall): IteratorResult<KernelCall, never> {
    this.step = ServeStep.Replied;
    return { value: call, done: false };
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
 * (what a try/catch around `yield* first()` would do). A followedBy that
 * `first` or `next` makes, not yet started, is folded into this one (its
 * stages join the stack): nesting them costs no extra call per resumption.
 */
export function followedBy<R1, R2>(
  first: () => Generator<KernelCall, R1, any>,
  next: (result: R1) => Generator<KernelCall, R2, any>,
  onError?: (err: unknown) => Generator<KernelCall, R2, any>,
): Generator<KernelCall, R2, any> {
  return new FollowedBy(first as () => Generator<KernelCall, unknown, any>, [{ then: next as Stage['then'], onError }]);
}

/** What to do when the running generator returns (then) or throws (onError, if any). */
interface Stage {
  readonly then: (result: unknown) => Generator<KernelCall, unknown, any>;
  readonly onError: ((err: unknown) => Generator<KernelCall, unknown, any>) | undefined;
}

class FollowedBy<R> implements Generator<KernelCall, R, any> {
  /** The running generator; null before it is made (the next resumption calls `pending`). */
  private gen: Generator<KernelCall, unknown, any> | null = null;

  constructor(
    private pending: (() => Generator<KernelCall, unknown, any>) | null,
    /** The stages still to come, the innermost (the next to apply) last. */
    private stages: Stage[],
  ) {}

  next(value?: unknown): IteratorResult<KernelCall, R> {
    // A generator running and not done: one call through (the common case, every system call).
    const g = this.gen;
    if (g !== null) {
      let r: IteratorResult<KernelCall, unknown>;
      try {
        r = g.next(value);
      } catch (err) {
        return this.resume(true, err, true);
      }
      if (r.done !== true || this.stages.length === 0) return r as IteratorResult<KernelCall, R>;
      return this.resume(false, r.value, true);
    }
    return this.resume(false, value);
  }

  throw(err: unknown): IteratorResult<KernelCall, R> {
    return this.resume(true, err);
  }

  return(value: R): IteratorResult<KernelCall, R> {
    const g = this.gen;
    this.gen = emptyGenerator<R>();
    this.pending = null;
    this.stages = [];
    g?.return(value as never);
    return { value, done: true };
  }

  [Symbol.iterator](): Generator<KernelCall, R, any> {
    return this;
  }

  /**
   * Resume the running generator; on its return or throw, go on with the
   * stage that takes it. With `ended`, the running generator has already
   * returned `value` (or thrown it, with `throwing`).
   */
  private resume(throwing: boolean, value: unknown, ended = false): IteratorResult<KernelCall, R> {
    for (;;) {
      try {
        if (ended) {
          ended = false;
          if (throwing) throw value;
        } else {
          this.gen ??= this.open();
          const r = throwing ? this.gen.throw(value) : this.gen.next(value);
          if (r.done !== true || this.stages.length === 0) return r as IteratorResult<KernelCall, R>;
          value = r.value;
        }
        const stage = this.stages.pop()!;
        const result = value;
        this.pending = () => stage.then(result);
      } catch (err) {
        let stage = this.stages.pop();
        while (stage !== undefined && stage.onError === undefined) stage = this.stages.pop();
        if (stage === undefined) {
          this.gen = emptyGenerator<R>();
          throw err;
        }
        const handle = stage.onError!;
        this.pending = () => handle(err);
      }
      this.gen = null;
      throwing = false;
      value = undefined;
    }
  }

  /** Make the next generator; a fresh FollowedBy is unwrapped, its stages joining ours. */
  private open(): Generator<KernelCall, unknown, any> {
    let g = this.pending!();
    this.pending = null;
    while (g instanceof FollowedBy && g.gen === null && g.pending !== null) {
      for (const stage of g.stages) this.stages.push(stage);
      const first = g.pending;
      g.pending = null;
      g.stages = [];
      g.gen = emptyGenerator();
      g = first();
    }
    return g;
  }
}

/** What a returned or absorbed FollowedBy resumes: done at once. */
function* emptyGenerator<R>(): Generator<KernelCall, R, any> {
  return undefined as R;
}
