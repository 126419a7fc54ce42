/*
 * The process manager's protocol: what user processes (through lib/syscalls)
 * and servers send to pm, and its replies.
 *   PmRequest   PM_FORK, PM_EXEC, PM_EXIT, PM_WAIT, PM_KILL, PM_SIGACTION,
 *               PM_SIGPROCMASK, PM_SIGSUSPEND, PM_ALARM, PM_SLEEP, PM_GETPID,
 *               PM_GETUID, PM_SETUID, PM_SETGID, PM_GETCON, PM_SETCON, PM_SETEXECCON, PM_NEWROLE (security.ts)
 *   PmReply     { type: 'PM_REPLY', status } (status: a value >= 0 or -errno)
 *   Signal numbers and wait-status encoding (as MINIX's <signal.h>, <sys/wait.h>)
 */
import type { Message } from '../../kernel/index.js';
import { SIGCHLD, SIGCONT, SIGKILL, SIGSTOP } from '../../kernel/signal.js';

export interface PmFork extends Message {
  readonly type: 'PM_FORK';
  /** Program the child runs (a boot-script process block or a built-in), since a generator cannot be copied. */
  readonly program: string;
  /** Name of the child in the trace and for the parent's `kill NAME`. */
  readonly name: string;
  /** Plain strings the child's program starts with (fork's copy of the parent's memory, in miniature). */
  readonly env?: Readonly<Record<string, string>>;
}
export interface PmExec extends Message { readonly type: 'PM_EXEC'; readonly path: string; readonly args: readonly string[]; readonly env?: Readonly<Record<string, string>> }
export interface PmExit extends Message { readonly type: 'PM_EXIT'; readonly status: number }
/** pid -1 waits for any child. */
export interface PmWait extends Message { readonly type: 'PM_WAIT'; readonly pid: number; readonly nohang: boolean }
export interface PmKill extends Message { readonly type: 'PM_KILL'; readonly pid: number; readonly signal: number }
export type SigDisposition = 'default' | 'ignore' | 'catch';
export interface PmSigaction extends Message { readonly type: 'PM_SIGACTION'; readonly signal: number; readonly action: SigDisposition }
export interface PmSigprocmask extends Message { readonly type: 'PM_SIGPROCMASK'; readonly how: 'block' | 'unblock' | 'set'; readonly mask: number }
/** pause() is sigsuspend with the current mask. */
export interface PmSigsuspend extends Message { readonly type: 'PM_SIGSUSPEND'; readonly mask: number | null }
/** Returns the ns that were left of the previous alarm; delayNs 0 cancels. */
export interface PmAlarm extends Message { readonly type: 'PM_ALARM'; readonly delayNs: number }
export interface PmSleep extends Message { readonly type: 'PM_SLEEP'; readonly delayNs: number }
export interface PmGetpid extends Message { readonly type: 'PM_GETPID' }
export interface PmGetuid extends Message { readonly type: 'PM_GETUID' }
export interface PmSetuid extends Message { readonly type: 'PM_SETUID'; readonly uid: number }
export interface PmSetgid extends Message { readonly type: 'PM_SETGID'; readonly gid: number }
/** How many processes PM knows (zombies included): the worked example of docs/extending.md. */
export interface PmGetnprocs extends Message { readonly type: 'PM_GETNPROCS' }
/** The caller's security context (reply: context); `prev`: the one before its last exec (getprevcon). */
export interface PmGetcon extends Message { readonly type: 'PM_GETCON'; readonly prev?: boolean }
/** Take a new context now (process:setcurrent + dyntransition), or keep the one the caller has (init at boot). */
export interface PmSetcon extends Message { readonly type: 'PM_SETCON'; readonly context: string }
/** The context of the caller's next exec (process:setexec); null: the policy's transition again. */
export interface PmSetexeccon extends Message { readonly type: 'PM_SETEXECCON'; readonly context: string | null }
/** Change role (the new context valid, process:transition to it, which needs a role allow rule). Reply: context. */
export interface PmNewrole extends Message { readonly type: 'PM_NEWROLE'; readonly role: string }

export type PmRequest =
  | PmFork | PmExec | PmExit | PmWait | PmKill | PmSigaction | PmSigprocmask | PmSigsuspend
  | PmAlarm | PmSleep | PmGetpid | PmGetuid | PmSetuid | PmSetgid | PmGetcon | PmSetcon | PmSetexeccon | PmNewrole | PmSetpriority | PmGetnprocs;

/**
 * setpriority(2) and mksim's process-block scheduling in one call: a nice
 * value (-20..19, MINIX's nice_to_priority maps it to a queue), or a queue
 * (0..15) directly, and optionally a quantum. Lowering the queue number
 * (raising the priority) or setting a quantum needs euid 0.
 */
export interface PmSetpriority extends Message {
  readonly type: 'PM_SETPRIORITY';
  readonly nice?: number;
  readonly priority?: number;
  readonly quantumNs?: number;
}

export interface PmReply extends Message {
  readonly type: 'PM_REPLY';
  readonly status: number;
  /** PM_WAIT: the child's wait status; PM_GETPID: the parent pid; PM_GETUID: the effective uid. */
  readonly value?: number;
  readonly value2?: number;
  /** PM_GETCON, PM_NEWROLE: a security context. */
  readonly context?: string;
}

export {
  SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD,
  SIGCONT, SIGSTOP, SIGTSTP, NSIG,
} from '../../kernel/signal.js';

/** Signals whose default action is to be ignored; stop/continue are handled apart. */
export const DEFAULT_IGNORED: ReadonlySet<number> = new Set([SIGCHLD, SIGCONT]);
export const UNCATCHABLE: ReadonlySet<number> = new Set([SIGKILL, SIGSTOP]);

/** Wait status as POSIX encodes it: exit code in bits 8..15, or the terminating signal in bits 0..6. */
export const exitStatus = (code: number): number => (code & 0xff) << 8;
export const signalStatus = (signal: number): number => signal & 0x7f;
export const WIFEXITED = (status: number): boolean => (status & 0x7f) === 0;
export const WEXITSTATUS = (status: number): number => (status >> 8) & 0xff;
export const WTERMSIG = (status: number): number => status & 0x7f;
