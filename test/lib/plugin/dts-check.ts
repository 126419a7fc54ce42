/*
 * Compiled by dts.test.ts (not run): the published types/mksim-program.d.ts
 * must describe exactly the `sys` that lib/plugin/sys.ts builds from lib/syscalls/.
 * A call added to lib/syscalls (or a changed signature) fails this until the .d.ts follows.
 */
import type { Sys as Built } from '../../../lib/plugin/sys.js';
import type { Sys as Published } from '../../../types/mksim-program.js';

/** A call with its generator's yield type left out (the kernel's calls are not the student's business). */
type Shape<F> = F extends (...args: infer A) => Generator<unknown, infer R, any> ? (...args: ShapeArgs<A>) => R : F;
type ShapeArgs<A> = { [I in keyof A]: A[I] extends (...args: any[]) => any ? Shape<A[I]> : A[I] };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Each member: the same parameters and result (a name here means that member differs). */
type Compared = Exclude<keyof Built & keyof Published, 'sigaction'>;
type Mismatch = { [K in Compared]: Same<Shape<Built[K]>, Shape<Published[K]>> extends true ? never : K }[Compared];
// sigaction's handler gets each side's own Sys: compared by the signal, the action's words and the result.
type Action<S> = S extends { sigaction(signal: number, action: infer A): Generator<unknown, infer R, any> } ? [Exclude<A, Function>, R] : never;
export const sigactionSame: Same<Action<Built>, Action<Published>> = true;
/** `true` only when the union is empty; otherwise the error names the members. */
type None<U> = [U] extends [never] ? true : U;
export const mismatched: None<Mismatch> = true;
export const onlyBuilt: None<Exclude<keyof Built, keyof Published>> = true;
export const onlyPublished: None<Exclude<keyof Published, keyof Built>> = true;
