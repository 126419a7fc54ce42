/*
 * The two rxjs classes the trace bus uses, in a module of their own: the bus
 * requires it on the first subscription to trace$ (kernel/trace.ts,
 * loadRxjs), so the bundle keeps rxjs as a lazily initialised section that a
 * run without subscribers never evaluates (issue 20).
 *   Observable, Subject   re-exported from rxjs
 */
export { Observable, Subject } from 'rxjs';
