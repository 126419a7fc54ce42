/*
 * Kernel calls: what an actor's generator yields, and the result it is
 * resumed with.
 *   send, receive, sendrec, sendnb, notify, senda   IPC primitives
 *   work(ns)                                        spend simulated CPU
 *   kernelCall(name, args)                          a SYSTEM kernel call (sys_fork, ...)
 *   ActorGenerator, Program                         the actor programming model
 * Results: receive and sendrec give an Envelope or a negative errno;
 * the others give 0 (OK) or a negative errno.
 */
import type { Endpoint } from './endpoint.js';
import type { Envelope, Message } from './message.js';

export const enum Op {
  Send = 1,
  Receive = 2,
  Sendrec = 3,
  Sendnb = 4,
  Notify = 5,
  Senda = 6,
  Work = 7,
  KernelCall = 8,
}

export const opName: readonly string[] = ['', 'send', 'receive', 'sendrec', 'sendnb', 'notify', 'senda', 'work', 'kernelcall'];

export interface SendCall { readonly op: Op.Send; readonly dst: Endpoint; readonly msg: Message }
export interface ReceiveCall { readonly op: Op.Receive; readonly src: Endpoint }
export interface SendrecCall { readonly op: Op.Sendrec; readonly dst: Endpoint; readonly msg: Message }
export interface SendnbCall { readonly op: Op.Sendnb; readonly dst: Endpoint; readonly msg: Message }
export interface NotifyCall { readonly op: Op.Notify; readonly dst: Endpoint; readonly bits: number }
export interface SendaCall { readonly op: Op.Senda; readonly dst: Endpoint; readonly msg: Message }
export interface WorkCall { readonly op: Op.Work; readonly ns: number }
export interface KernelCallCall { readonly op: Op.KernelCall; readonly name: string; readonly args: unknown }

export type KernelCall =
  | SendCall | ReceiveCall | SendrecCall | SendnbCall | NotifyCall | SendaCall | WorkCall | KernelCallCall;

/** What a yield gives back: a message (receive, sendrec), a number (status or errno < 0), or a kernel call's value. */
export type CallResult = Envelope | number | unknown;

export type ActorGenerator<R = number | void> = Generator<KernelCall, R, any>;

export const send = (dst: Endpoint, msg: Message): SendCall => ({ op: Op.Send, dst, msg });
export const receive = (src: Endpoint): ReceiveCall => ({ op: Op.Receive, src });
export const sendrec = (dst: Endpoint, msg: Message): SendrecCall => ({ op: Op.Sendrec, dst, msg });
export const sendnb = (dst: Endpoint, msg: Message): SendnbCall => ({ op: Op.Sendnb, dst, msg });
export const notify = (dst: Endpoint, bits = 0): NotifyCall => ({ op: Op.Notify, dst, bits });
export const senda = (dst: Endpoint, msg: Message): SendaCall => ({ op: Op.Senda, dst, msg });
export const work = (ns: number): WorkCall => ({ op: Op.Work, ns });
export const kernelCall = (name: string, args: unknown = null): KernelCallCall => ({ op: Op.KernelCall, name, args });

/*
 * Typed forms for use with yield*: `const m = yield* ipc.receive(ANY)`.
 * They cost one extra generator per call; hot loops may yield the plain
 * call objects above and narrow the result themselves.
 */
export const ipc = {
  *receive<M extends Message = Message>(src: Endpoint): Generator<KernelCall, Envelope<M> | number, any> {
    return yield receive(src);
  },
  *sendrec<M extends Message = Message>(dst: Endpoint, msg: Message): Generator<KernelCall, Envelope<M> | number, any> {
    return yield sendrec(dst, msg);
  },
  *send(dst: Endpoint, msg: Message): Generator<KernelCall, number, any> {
    return yield send(dst, msg);
  },
  *sendnb(dst: Endpoint, msg: Message): Generator<KernelCall, number, any> {
    return yield sendnb(dst, msg);
  },
  *notify(dst: Endpoint, bits = 0): Generator<KernelCall, number, any> {
    return yield notify(dst, bits);
  },
  *senda(dst: Endpoint, msg: Message): Generator<KernelCall, number, any> {
    return yield senda(dst, msg);
  },
  *work(ns: number): Generator<KernelCall, number, any> {
    return yield work(ns);
  },
  *kernelCall<T>(name: string, args: unknown = null): Generator<KernelCall, T, any> {
    return yield kernelCall(name, args);
  },
};
