/*
 * A student's program as a Program the kernel can run: the default export
 * `function* (sys)` gets `sys` (sys.ts) and returns its exit status.
 *   studentProgram(main, origin)   the Program; origin says where the code came from
 *   isGeneratorFunction(v)         the check of the module's default export
 * A thrown exception ends that process only: the console shows the
 * student's file:line:column and the message (the student's frames with
 * --debug), and the process exits CRASH_EXIT_CODE; the simulator runs on.
 */
import type { ActorContext, Program } from '../../kernel/index.js';
import { CRASH_EXIT_CODE, UserProcess, type SysGen } from '../user/process.js';
import { describeThrow, type CompiledCode } from './errors.js';
import { makeSys, type Sys } from './sys.js';
import { watchedCall, watchedGenerator, type CodeWatch } from './watch.js';

export type StudentMain = (sys: Sys) => Generator<unknown, unknown, unknown>;

/** Where a loaded module came from, and how to report on it. */
export interface ModuleOrigin {
  /** The entry file as the user should read it. */
  readonly shown: string;
  readonly code: CompiledCode;
  readonly display: (abs: string) => string;
  readonly watch: CodeWatch;
  readonly fileId: number;
  /** Show the student's stack frames under a crash (`--debug`). */
  readonly debug: boolean;
}

export function isGeneratorFunction(v: unknown): v is StudentMain {
  return typeof v === 'function' && Object.prototype.toString.call(v) === '[object GeneratorFunction]';
}

/** MINIX's exit status is one byte. */
const MAX_EXIT_STATUS = 255;

export function studentProgram(main: StudentMain, origin: ModuleOrigin): Program {
  return function* (ctx: ActorContext): SysGen<void> {
    const proc = new UserProcess(ctx);
    let code: number;
    try {
      const gen = watchedCall(origin.watch, origin.fileId, () => main(makeSys(proc)));
      const r = yield* watchedGenerator(gen as Generator<never, unknown, unknown>, origin.watch, origin.fileId);
      if (r === undefined) code = 0;
      else if (Number.isInteger(r) && (r as number) >= 0 && (r as number) <= MAX_EXIT_STATUS) code = r as number;
      else {
        proc.print(`${origin.shown}: returned ${typeof r === 'string' ? JSON.stringify(r) : String(r)}, not an exit status 0..${MAX_EXIT_STATUS}`);
        code = 1;
      }
    } catch (err) {
      ctx.trace('fault', { error: err instanceof Error ? err.message : String(err), file: origin.shown });
      proc.print(`crashed: ${describeThrow(err, origin.code, origin.display, origin.debug)}`);
      code = CRASH_EXIT_CODE;
    }
    yield* proc.status('pm', { type: 'PM_EXIT', status: code });
  };
}
