/*
 * The command interpreter: runs a process's commands (a boot-script block,
 * or an `sh` script read from the image) as system calls, in virtual time.
 *   runCommands(proc, commands, hooks)   run them in order; returns the exit code
 *   CommandHooks                         where expectation results are reported
 * A command that fails prints `cmd: ERRNO` and the process will exit 1 unless
 * it was under `expect`; `expect E cmd` holds when cmd fails with E (or
 * succeeds, for `expect ok`).
 */
import { errnoByName, errnoName, EINTR, ENOSYS, EINVAL, ESRCH } from '../../kernel/errno.js';
import * as pm from '../syscalls/pm.js';
import type { SysGen, UserProcess } from '../user/process.js';
import type { Command, SimpleCommand } from './commands.js';
import { SIGNAL_NAMES, signalNumber } from './commands.js';
import { parseDurationNs, parseIntStrict } from './values.js';
import { fsCommands } from './fs-commands.js';
import { securityCommands } from './security-commands.js';
import { vmCommands } from './vm-commands.js';
import { ownValue } from '../own.js';

export interface CommandHooks {
  /** An `expect` was checked. */
  expectation(proc: string, held: boolean, detail: string, where: string): void;
}

/** Thrown by the `exit` command to end the block. */
class ExitRequest {
  constructor(readonly code: number) {}
}

/** A command's outcome: >= 0 success, < 0 a negated errno. */
export type CommandImpl = (proc: UserProcess, c: SimpleCommand) => SysGen<number>;

const processCommands: Readonly<Record<string, CommandImpl>> = {
  *echo(proc, c) { proc.print(c.args.join(' ')); return 0; },
  *spin(proc, c) { yield* proc.spin(parseDurationNs(c.args[0]!)!); return 0; },
  *nice(proc, c) { return yield* pm.setpriority(proc, { nice: parseIntStrict(c.args[0]!)! }); },
  *sleep(proc, c) { return yield* pm.nanosleep(proc, parseDurationNs(c.args[0]!)!); },
  *alarm(proc, c) { return yield* pm.alarm(proc, parseDurationNs(c.args[0]!)!); },
  // pause returns when a caught signal's handler has run: EINTR is its normal outcome.
  *pause(proc) { const r = yield* pm.pause(proc); return r === -EINTR ? 0 : r; },
  *spawn(proc, c) {
    const name = c.args[0]!;
    const pid = yield* pm.fork(proc, name, name, proc.forkEnv());
    if (pid >= 0) proc.childrenByName.set(name, pid);
    return pid;
  },
  *wait(proc, c) {
    let pid = -1;
    if (c.args[0] !== undefined) {
      pid = proc.childrenByName.get(c.args[0]) ?? -1;
      if (pid < 0) return -ESRCH;
    }
    const [r] = yield* pm.waitpid(proc, pid);
    return r;
  },
  *kill(proc, c) {
    const target = c.args[0]!;
    const pid = target === 'self' || target === proc.name ? yield* pm.getpid(proc)
      : proc.childrenByName.get(target) ?? parseIntStrict(target) ?? -1;
    if (pid < 0) return -ESRCH;
    const sig = signalNumber(c.args[1]!);
    if (sig < 0) return -EINVAL;
    return yield* pm.kill(proc, pid, sig);
  },
  *exec(proc, c) { return yield* pm.exec(proc, c.args[0]!, c.args.slice(1)); },
  *exit(_proc, c) { throw new ExitRequest(c.args[0] === undefined ? 0 : parseIntStrict(c.args[0])!); },
};

/** A command the language declares but this build does not implement. */
const notYet: CommandImpl = function* () { return -ENOSYS; };

function impl(name: string): CommandImpl {
  return ownValue(processCommands, name) ?? ownValue(fsCommands, name) ?? ownValue(securityCommands, name) ?? ownValue(vmCommands, name) ?? notYet;
}

function* runOne(proc: UserProcess, cmd: Command, hooks: CommandHooks, quiet: boolean): SysGen<{ status: number; failed: boolean }> {
  switch (cmd.kind) {
    case 'simple': {
      const status = yield* impl(cmd.name)(proc, cmd);
      if (status < 0 && !quiet) proc.print(`${cmd.name}: ${errnoName(status)}`);
      return { status, failed: status < 0 };
    }
    case 'repeat': {
      let failed = false;
      let status = 0;
      for (let i = 0; i < cmd.count; i++) {
        const r = yield* runOne(proc, cmd.command, hooks, quiet);
        failed ||= r.failed;
        status = r.status;
      }
      return { status, failed };
    }
    case 'trap': {
      const sig = signalNumber(cmd.signal);
      const action = cmd.action;
      const status = action === 'ignore' || action === 'default'
        ? yield* pm.sigaction(proc, sig, action)
        : yield* pm.sigaction(proc, sig, function* (p: UserProcess) {
          if (action === 'print') p.print(`caught ${SIGNAL_NAMES[sig]}`);
          else yield* runOne(p, action, hooks, false);
        });
      if (status < 0 && !quiet) proc.print(`trap: ${errnoName(status)}`);
      return { status, failed: status < 0 };
    }
    case 'expect': {
      const r = yield* runOne(proc, cmd.command, hooks, true);
      const wanted = cmd.expected === 'ok' ? 0 : errnoByName[cmd.expected]!;
      const held = wanted === 0 ? r.status >= 0 : r.status === -wanted;
      const got = r.status >= 0 ? 'ok' : errnoName(r.status);
      const where = `${cmd.pos.file}:${cmd.pos.line}`;
      hooks.expectation(proc.name, held, `expected ${cmd.expected}, got ${got}`, where);
      if (!held) proc.print(`expectation failed at ${where}: expected ${cmd.expected}, got ${got}`);
      return { status: r.status, failed: !held };
    }
  }
}

export function* runCommands(proc: UserProcess, commands: readonly Command[], hooks: CommandHooks): SysGen<number> {
  let anyFailed = false;
  try {
    for (const cmd of commands) {
      const r = yield* runOne(proc, cmd, hooks, false);
      anyFailed ||= r.failed;
    }
  } catch (e) {
    if (e instanceof ExitRequest) return e.code;
    throw e;
  }
  return anyFailed ? 1 : 0;
}
