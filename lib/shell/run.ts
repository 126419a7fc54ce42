/*
 * The command interpreter: runs a process's commands (a boot-script block,
 * or an `sh` script read from the image) as system calls, in virtual time.
 *   runCommands(proc, commands, hooks)   run them in order; returns the exit code
 *   CommandHooks                         where expectation results are reported
 * A command that fails prints `cmd: ERRNO` and the process will exit 1 unless
 * it was under `expect`; `expect E cmd` holds when cmd fails with E (or
 * succeeds, for `expect ok`).
 */
import { errnoByName, errnoName, EBADF, ECHILD, EINTR, ENOSYS, EINVAL, ESRCH } from '../../kernel/errno.js';
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from '../../servers/pm/protocol.js';
import * as fs from '../syscalls/fs.js';
import * as pm from '../syscalls/pm.js';
import { replyStatus, takeSendrec, type SysGen, type UserProcess } from '../user/process.js';
import type { Command, SimpleCommand } from './commands.js';
import { SIGNAL_NAMES, signalNumber } from './commands.js';
import { parseDurationNs, parseIntStrict, parseMode } from './values.js';
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
    const [r, status] = yield* pm.waitpid(proc, pid);
    if (r >= 0) proc.lastWait = { name: c.args[0] ?? [...proc.childrenByName].find(([, p]) => p === r)?.[0] ?? `pid ${r}`, status };
    return r;
  },
  *status(proc) {
    if (proc.lastWait === null) return -ECHILD;
    proc.print(`${proc.lastWait.name}: ${describeWaitStatus(proc.lastWait.status)}`);
    return 0;
  },
  *getpid(proc) {
    const pid = yield* pm.getpid(proc);
    if (pid >= 0) proc.print(String(pid));
    return pid;
  },
  // As the shell's umask: with a mode, set it (MINIX do_umask returns the old one); without, print it
  // (read by setting and restoring it: there is no call that only reads the mask).
  *umask(proc, c) {
    if (c.args[0] !== undefined) {
      const old = yield* fs.umask(proc, parseMode(c.args[0])!);
      return old < 0 ? old : 0;
    }
    const old = yield* fs.umask(proc, 0);
    if (old < 0) return old;
    const r = yield* fs.umask(proc, old);
    if (r >= 0) proc.print(old.toString(8).padStart(4, '0'));
    return r < 0 ? r : 0;
  },
  *dup2(proc, c) {
    const fd = proc.fdsByName.get(c.args[0]!) ?? -EBADF;
    if (fd < 0) return fd;
    const target = parseIntStrict(c.args[1]!)!;
    const r = yield* fs.dup2(proc, fd, target);
    // fd 1 is standard output: what this process (and what it execs) prints goes there from now on.
    if (r >= 0 && target === 1) proc.stdoutFd = 1;
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
  // The new program gets the descriptor names and standard output (execve's envp).
  *exec(proc, c) { return yield* pm.exec(proc, c.args[0]!, c.args.slice(1), proc.forkEnv()); },
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
      const status = cmd.redirect === undefined ? yield* impl(cmd.name)(proc, cmd) : yield* redirected(proc, cmd, cmd.redirect);
      noteStatus(proc, cmd.name, status, quiet, st);
      return status;
    }
    case 'repeat': {
      const inner = cmd.command;
      if (inner.kind === 'simple' && inner.redirect === undefined) return yield* repeatSimple(proc, inner, cmd.count, quiet, st);
      let status = 0;
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
      if (cmd.expected.startsWith('status=')) proc.lastWait = null;
      const status = yield* runOne(proc, cmd.command, hooks, true, st);
      let held: boolean;
      let got: string;
      if (cmd.expected.startsWith('status=')) {
        // The command (a wait) must succeed and leave that wait status.
        const waited = proc.lastWait;
        got = status < 0 ? errnoName(status) : waited === null ? 'no child waited for' : `status=${shortWaitStatus(waited.status)}`;
        held = status >= 0 && waited !== null && `status=${shortWaitStatus(waited.status)}` === cmd.expected;
      } else {
        const wanted = cmd.expected === 'ok' ? 0 : errnoByName[cmd.expected]!;
        held = wanted === 0 ? status >= 0 : status === -wanted;
        got = status >= 0 ? 'ok' : errnoName(status);
      }
      const where = `${cmd.pos.file}:${cmd.pos.line}`;
      hooks.expectation(proc.name, held, `expected ${cmd.expected}, got ${got}`, where);
      if (!held) proc.print(`expectation failed at ${where}: expected ${cmd.expected}, got ${got}`);
      st.failed = before || !held;
      return status;
    }
  }
}

/** `repeat N cmd` of a simple command: a loop over the command's own generator (no frame per run). */
function* repeatSimple(proc: UserProcess, inner: SimpleCommand, count: number, quiet: boolean, st: RunState): SysGen<number> {
  const run = impl(inner.name);
  let status = 0;
  for (let i = 0; i < count; i++) {
    status = yield* run(proc, inner);
    noteStatus(proc, inner.name, status, quiet, st);
  }
  return status;
}

/** A simple command's status: a failure sets st.failed and is printed unless quiet. */
function noteStatus(proc: UserProcess, name: string, status: number, quiet: boolean, st: RunState): void {
  // A caught signal ends a sleep early: nanosleep returns EINTR to its caller (MINIX's PM replies
  // EINTR to a process suspended in it, as signal.ts does), which is news, not a failure.
  if (status >= 0 || (status === -EINTR && name === 'sleep')) return;
  st.failed = true;
  if (!quiet) proc.print(`${name}: ${errnoName(status)}`);
}

/** A wait status as `status` prints it: exit N, or killed by SIGNAL. */
function describeWaitStatus(status: number): string {
  return WIFEXITED(status) ? `exit ${WEXITSTATUS(status)}` : `killed by ${SIGNAL_NAMES[WTERMSIG(status)] ?? `signal ${WTERMSIG(status)}`}`;
}

/** A wait status as `expect status=` spells it: the exit code, or the signal's name. */
function shortWaitStatus(status: number): string {
  return WIFEXITED(status) ? String(WEXITSTATUS(status)) : SIGNAL_NAMES[WTERMSIG(status)] ?? String(WTERMSIG(status));
}

/**
 * `cmd > PATH` / `cmd >> PATH`: open PATH (created 0666 less the umask, truncated or appended),
 * point standard output at it for the command, then close it. A child spawned or a program
 * exec'd under the redirection inherits the descriptor as its standard output.
 */
function* redirected(proc: UserProcess, cmd: SimpleCommand, to: { path: string; append: boolean }): SysGen<number> {
  yield* proc.flushOutput();
  const fd = yield* fs.open(proc, to.path, fs.O_WRONLY | fs.O_CREAT | (to.append ? fs.O_APPEND : fs.O_TRUNC), 0o666);
  if (fd < 0) return fd;
  const saved = proc.stdoutFd;
  proc.stdoutFd = fd;
  let status: number;
  try {
    status = yield* impl(cmd.name)(proc, cmd);
    yield* proc.flushOutput();
  } finally {
    proc.stdoutFd = saved;
  }
  const closed = yield* fs.close(proc, fd);
  return status < 0 ? status : closed < 0 ? closed : status;
}

export function* runCommands(proc: UserProcess, commands: readonly Command[], hooks: CommandHooks): SysGen<number> {
  const st: RunState = { failed: false };
  try {
    for (const cmd of commands) {
      // A block's own `repeat` of a simple command skips runOne's frame: its system calls are
      // resumed through one generator fewer (issue 20); anything else goes through runOne.
      if (cmd.kind === 'repeat' && cmd.command.kind === 'simple' && cmd.command.redirect === undefined) {
        // repeatSimple's loop, written out here: in a generator of its own it would be that frame again.
        const inner = cmd.command;
        const run = impl(inner.name);
        for (let i = 0; i < cmd.count; i++) {
          const call = run(proc, inner);
          // A command that is one status call (lseek, close, ...): its sendrec is yielded from here.
          const sendrecCall = takeSendrec(call);
          let status: number;
          if (sendrecCall === null) {
            status = yield* call;
          } else {
            status = replyStatus(yield sendrecCall);
            const pending = proc.takePending();
            if (pending !== null) yield* proc.runHandlers(pending);
          }
          noteStatus(proc, inner.name, status, false, st);
        }
      } else {
        yield* runOne(proc, cmd, hooks, false, st);
      }
    }
  } catch (e) {
    if (e instanceof ExitRequest) return e.code;
    throw e;
  }
  return st.failed ? 1 : 0;
}
