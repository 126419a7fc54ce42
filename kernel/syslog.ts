/*
 * The system's logs: named channels (`audit`, ...) that processes write to
 * through their context and the command line reads, as Linux's kauditd
 * queue belongs to the running kernel, not to the process that logs.
 *   SystemLog.write(channel, tNs, text, fields)   append an entry; numbered per channel (audit_serial)
 *   SystemLog.entries(channel)                     entries so far, oldest first (bounded)
 *   SystemLog.subscribe(channel, listener)         called on each new entry of the channel
 *   SYSTEM_CHANNEL, Severity                       the `system` channel: a server's own errors
 *                                                  (fields.severity), which fail a boot run
 * Every entry names its writer (the process, or `kernel`), as syslog's tag.
 * One instance per Kernel, so two systems in one Node process never share a log.
 */

/** The channel a system process reports its own trouble on (the FS's mount failure, its remount read-only). */
export const SYSTEM_CHANNEL = 'system';
/** syslog(3)'s levels, the three mksim uses; `error` on SYSTEM_CHANNEL from a system process fails `mksim boot`. */
export type Severity = 'error' | 'warning' | 'info';

export interface LogEntry {
  /** 1, 2, ... per channel (Linux's audit serial). */
  readonly serial: number;
  /** Virtual time of the write. */
  readonly tNs: number;
  readonly text: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Who wrote it: a process's name, or `kernel`. */
  readonly writer: string;
}

export type LogListener = (entry: LogEntry) => void;

/** Entries kept per channel; the oldest go first (TigerBeetle: a limit on everything). */
export const MAX_LOG_ENTRIES = 10_000;

/** Channels a system may open (the names are chosen by code, not by users; a bound all the same). */
const MAX_CHANNELS = 64;

interface Channel {
  serial: number;
  readonly entries: LogEntry[];
  readonly listeners: LogListener[];
}

export class SystemLog {
  private readonly channels = new Map<string, Channel>();

  private channel(name: string): Channel {
    let c = this.channels.get(name);
    if (c === undefined) {
      if (this.channels.size >= MAX_CHANNELS) throw new Error(`system log: more than ${MAX_CHANNELS} channels`);
      c = { serial: 0, entries: [], listeners: [] };
      this.channels.set(name, c);
    }
    return c;
  }

  write(channel: string, tNs: number, text: string, fields: Readonly<Record<string, unknown>> = {}, writer = 'kernel'): LogEntry {
    const c = this.channel(channel);
    const entry: LogEntry = { serial: ++c.serial, tNs, text, fields, writer };
    c.entries.push(entry);
    if (c.entries.length > MAX_LOG_ENTRIES) c.entries.shift();
    for (const listener of c.listeners) listener(entry);
    return entry;
  }

  entries(channel: string): readonly LogEntry[] {
    return this.channels.get(channel)?.entries ?? [];
  }

  subscribe(channel: string, listener: LogListener): void {
    this.channel(channel).listeners.push(listener);
  }
}
