/*
 * Who watches student code for a loop that never returns. A call into a
 * student's module (one step of a program's generator, one policy call) is
 * bracketed by enter/leave, so a watchdog outside the simulation's thread
 * can see that the same call has not returned for too long, and name the file.
 *   CodeWatch                    fileId(path), enter(id) -> previous, leave(previous)
 *   UNWATCHED                    the in-thread default: brackets cost nothing, nothing is stopped
 *   watchedCall(watch, id, fn)   run fn inside the brackets
 *   watchedGenerator(g, watch, id)   a generator whose every step runs inside the brackets
 * JavaScript cannot interrupt a synchronous `for (;;) {}` in its own thread:
 * `mksim boot` runs a script that loads student code in a worker thread and
 * the command's thread stops it (cli/boot/worker.ts, --stall-limit).
 */

export interface CodeWatch {
  /** An id (> 0) for a student's file, taken once when it is loaded. */
  fileId(path: string): number;
  /** Student code of file `id` starts running; returns what to restore on leave. */
  enter(id: number): number;
  /** It returned (or threw). */
  leave(previous: number): void;
}

export const UNWATCHED: CodeWatch = { fileId: () => 1, enter: () => 0, leave: () => {} };

export function watchedCall<T>(watch: CodeWatch, id: number, fn: () => T): T {
  const previous = watch.enter(id);
  try {
    return fn();
  } finally {
    watch.leave(previous);
  }
}

/**
 * Delegate to a student's generator one step at a time, each step inside
 * the brackets. What the kernel sends in (a call's result) or throws in
 * goes on to the student's generator as it came.
 */
export function* watchedGenerator<Y, R>(gen: Generator<Y, R, unknown>, watch: CodeWatch, id: number): Generator<Y, R, unknown> {
  let step = watchedCall(watch, id, () => gen.next());
  for (;;) {
    if (step.done === true) return step.value;
    let input: unknown;
    try {
      input = yield step.value;
    } catch (e) {
      step = watchedCall(watch, id, () => gen.throw(e));
      continue;
    }
    step = watchedCall(watch, id, () => gen.next(input));
  }
}
