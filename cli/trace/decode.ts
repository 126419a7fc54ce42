/*
 * Numbers decoded as strace decodes them, from mksim's own tables:
 *   decodeField(key, value, type)   open flags (O_WRONLY|O_CREAT|O_TRUNC, servers/fs/protocol.ts),
 *                                   errnos (-EACCES, kernel/errno.ts), signals (SIGALRM,
 *                                   kernel/signal.ts), modes in octal; undefined when nothing to decode
 */
import { errnoName, SIGNAL_NAMES } from '../../kernel/index.js';
import { O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../../servers/fs/protocol.js';

const ACCESS_MODES: Readonly<Record<number, string>> = { [O_RDONLY]: 'O_RDONLY', [O_WRONLY]: 'O_WRONLY', [O_RDWR]: 'O_RDWR' };
const FLAG_BITS: readonly [number, string][] = [[O_CREAT, 'O_CREAT'], [O_EXCL, 'O_EXCL'], [O_TRUNC, 'O_TRUNC'], [O_APPEND, 'O_APPEND'], [O_NONBLOCK, 'O_NONBLOCK']];

/** open(2) flags as strace prints them: the access mode, then each flag bit; unknown bits in octal. */
export function openFlagsText(flags: number): string {
  const parts = [ACCESS_MODES[flags & O_ACCMODE] ?? `${flags & O_ACCMODE}`];
  let left = flags & ~O_ACCMODE;
  for (const [bit, name] of FLAG_BITS) {
    if ((left & bit) !== 0) {
      parts.push(name);
      left &= ~bit;
    }
  }
  if (left !== 0) parts.push(`0${left.toString(8)}`);
  return parts.join('|');
}

export function signalText(signal: number): string {
  return SIGNAL_NAMES[signal] || String(signal);
}

/** A field's decoded text, or undefined to show the value as it is. `type` is the message type (FS_OPEN, ...). */
export function decodeField(key: string, value: unknown, type?: string): string | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
  switch (key) {
    case 'flags':
      return type === 'FS_OPEN' ? openFlagsText(value) : undefined;
    case 'status':
    case 'err':
    case 'errno':
      // Replies carry -errno on failure (MINIX's convention); a positive status is an exit code.
      return value < 0 ? `-${errnoName(value)}` : undefined;
    case 'signal':
    case 'sig':
    case 'signo':
      return value > 0 && value < SIGNAL_NAMES.length ? signalText(value) : undefined;
    case 'mode':
      return value >= 0 ? `0${value.toString(8)}` : undefined;
    default:
      return undefined;
  }
}
