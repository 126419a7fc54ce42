/*
 * The debugger of `mksim boot --break WHEN` (docs/debugging.md): it watches
 * the trace, and at a break shows a prompt while the simulation holds still.
 *   attachDebugger(kernel, breaks, io)   subscribe; returns { detach }
 * Commands: ps, mbox, runq, cache, inode PATH, record, step, continue, quit, help.
 * It only reads (kernel/debug.ts hooks and the dumps actors offer), so a run
 * with breaks and `continue` gives the trace the same run gives without.
 */
import type { Kernel, TraceRecord } from '../../kernel/index.js';
import { inodeByPath } from './inode.js';
import type { LineSource } from './prompt.js';
import { cacheView, mailboxView, psView, runqView } from './views.js';
import { matches, type Breakpoint } from './when.js';
import { isNewMessage } from '../trace/records.js';
import { formatNs } from '../trace/table.js';

export interface DebugIo {
  readonly input: LineSource;
  write(text: string): void;
}

const HELP = [
  'ps             the process table: state (running, ready, sending to X, receiving from X), CPU, quantum left',
  'mbox           mailboxes: pending notifications, senda queues, caller queues (blocked senders)',
  'runq           the ready queues by priority',
  'cache          the FS buffer cache: buffers, dirty, held, hits and misses, the LRU front',
  'inode PATH     a file\'s inode (from the inode table, the buffer cache or the disk)',
  'record         the trace record that stopped the run',
  'step           run to the next message (send, notify or reply), then stop',
  'continue       run to the next break',
  'quit           stop the simulation (the boot exits 1)',
  'help           this list',
].join('\n');

export const PROMPT = '(mksim-debug) ';

function describe(rec: TraceRecord): string {
  const t = formatNs(rec.t);
  if (isNewMessage(rec)) return `${t}  #${rec.id} ${rec.ev} ${rec.src} -> ${rec.dst} ${rec.type}`;
  if (rec.ev === 'sched') return `${t}  sched ${rec.from ?? '(idle)'} -> ${rec.to ?? '(idle)'}`;
  const { seq: _s, t: _t, ev, ...rest } = rec;
  return `${t}  ${ev} ${JSON.stringify(rest)}`;
}

export function attachDebugger(k: Kernel, breaks: readonly Breakpoint[], io: DebugIo): { detach(): void } {
  const timeFired = new Set<Breakpoint>();
  let stepping = false;
  let detached = false;
  const sub = k.trace.trace$.subscribe((rec) => {
    if (detached) return;
    let hit: string | null = null;
    if (stepping && isNewMessage(rec)) hit = 'step';
    for (const bp of breaks) {
      if (hit !== null) break;
      if (bp.kind === 'time' && timeFired.has(bp)) continue;
      if (matches(bp, rec)) {
        if (bp.kind === 'time') timeFired.add(bp);
        hit = `break ${bp.text}`;
      }
    }
    if (hit === null) return;
    stepping = false;
    io.write(`${hit}: ${describe(rec)}\n`);
    for (;;) {
      io.write(PROMPT);
      const line = io.input.readLine();
      if (line === null) {
        // End of input: no one is at the terminal; run on to the end without stopping.
        io.write('\n(end of input: continuing without breaks)\n');
        detached = true;
        return;
      }
      const [cmd = '', ...args] = line.trim().split(/\s+/);
      switch (cmd) {
        case '': continue;
        case 'ps': io.write(psView(k) + '\n'); continue;
        case 'mbox': case 'mailboxes': io.write(mailboxView(k) + '\n'); continue;
        case 'runq': io.write(runqView(k) + '\n'); continue;
        case 'cache': io.write(cacheView(k) + '\n'); continue;
        case 'inode':
          io.write((args.length === 1 ? inodeByPath(k, args[0]!) : ['usage: inode PATH']).join('\n') + '\n');
          continue;
        case 'record': io.write(JSON.stringify(rec) + '\n'); continue;
        case 'help': io.write(HELP + '\n'); continue;
        case 's': case 'step': stepping = true; return;
        case 'c': case 'continue': return;
        case 'q': case 'quit':
          k.stop('quit from the debugger');
          detached = true;
          return;
        default:
          io.write(`unknown command '${cmd.slice(0, 40)}'; help lists the commands\n`);
      }
    }
  });
  return { detach: () => { detached = true; sub.unsubscribe(); } };
}
