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
import { parseIntStrict } from './values.js';
import { fsCommands } from './fs-commands.js';
import { securityCommands } from './security-commands.js';
import { vmCommands } from './vm-commands.js';
import { netCommands } from './net-commands.js';
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
  *nprocs(proc) { const n = yield* pm.getnprocs(proc); if (n >= 0) proc.print(`${n} processes`); return n; },
  *spin(proc, c) { yield* proc.spin(c.values[0]!); return 0; },
  *nice(proc, c) { return yield* pm.setpriority(proc, { nice: c.values[0]! }); },
  *sleep(proc, c) { return yield* pm.nanosleep(proc, c.values[0]!); },
  *alarm(proc, c) { return yield* pm.alarm(proc, c.values[0]!); },
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
  *exit(_proc, c) { throw new ExitRequest(c.values[0] ?? 0); },
};

/** A command the language declares but this build does not implement. */
const notYet: CommandImpl = function* () { return -ENOSYS; };

function impl(name: string): CommandImpl {
  return ownValue(processCommands, name) ?? ownValue(fsCommands, name) ?? ownValue(securityCommands, name) ?? ownValue(vmCommands, name) ?? ownValue(netCommands, name) ?? notYet;
}

/** What a run of commands has come to: whether any failed (an expect that held is no failure). */
interface RunState { failed: boolean }

/**
 * Run one command: its status (>= 0, or a negated errno); a failure sets
 * st.failed. A simple command is its implementation's generator alone (no
 * frame of its own), and `repeat` of a simple command loops over that
 * generator directly: a script's system call runs in as few generator frames
 * as the call has (issue 20).
 */
function* runOne(proc: UserProcess, cmd: Command, hooks: CommandHooks, quiet: boolean, st: RunState): SysGen<number> {
  switch (cmd.kind) {
    case 'simple': {
      const status = yield* impl(cmd.name)(proc, cmd);
      if (status < 0) {
        st.failed = true;
        if (!quiet) proc.print(`${cmd.name}: ${errnoName(status)}`);
      }
      return status;
    }
    case 'repeat': {
      let status = 0;
      const inner = cmd.command;
      if (inner.kind === 'simple') {
        const run = impl(inner.name);
        for (let i = 0; i < cmd.count; i++) {
          status = yield* run(proc, inner);
          if (status < 0) {
            st.failed = true;
            if (!quiet) proc.print(`${inner.name}: ${errnoName(status)}`);
          }
        }
        return status;
      }
      for (let i = 0; i < cmd.count; i++) status = yield* runOne(proc, inner, hooks, quiet, st);
      return status;
    }
    case 'trap': {
      const sig = signalNumber(cmd.signal);
      const action = cmd.action;
      const status = action === 'ignore' || action === 'default'
        ? yield* pm.sigaction(proc, sig, action)
        : yield* pm.sigaction(proc, sig, function* (p: UserProcess) {
          if (action === 'print') p.print(`caught ${SIGNAL_NAMES[sig]}`);
          // A handler's own failure is printed but is not the block's (its state is its own).
          else yield* runOne(p, action, hooks, false, { failed: false });
        });
      if (status < 0) {
        st.failed = true;
        if (!quiet) proc.print(`trap: ${errnoName(status)}`);
      }
      return status;
    }
    case 'expect': {
      // The command's own failure is what expect checks: it counts only through the verdict.
      const before = st.failed;
      const status = yield* runOne(proc, cmd.command, hooks, true, st);
      const wanted = cmd.expected === 'ok' ? 0 : errnoByName[cmd.expected]!;
      const held = wanted === 0 ? status >= 0 : status === -wanted;
      const got = status >= 0 ? 'ok' : errnoName(status);
      const where = `${cmd.pos.file}:${cmd.pos.line}`;
      hooks.expectation(proc.name, held, `expected ${cmd.expected}, got ${got}`, where);
      if (!held) proc.print(`expectation failed at ${where}: expected ${cmd.expected}, got ${got}`);
      st.failed = before || !held;
      return status;
    }
  }
}

export function* runCommands(proc: UserProcess, commands: readonly Command[], hooks: CommandHooks): SysGen<number> {
  const st: RunState = { failed: false };
  try {
    for (const cmd of commands) yield* runOne(proc, cmd, hooks, false, st);
  } catch (e) {
    if (e instanceof ExitRequest) return e.code;
    throw e;
  }
  return st.failed ? 1 : 0;
}
