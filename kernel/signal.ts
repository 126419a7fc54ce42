/*
 * Signal numbers, as MINIX's <signal.h>: shared by the kernel (sys_sigsend
 * marks them pending), the process manager and the system-call library.
 *   SIGHUP ... SIGTSTP   the numbers
 *   NSIG                 one more than the highest
 *   SIGNAL_NAMES         number -> name ('' at 0)
 */

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGEMT = 7, SIGFPE = 8,
  SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
  SIGCHLD = 16, SIGCONT = 17, SIGSTOP = 18, SIGTSTP = 19;
export const NSIG = 20;

export const SIGNAL_NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGEMT', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
];
