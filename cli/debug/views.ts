/*
 * What the debugger's commands print, from the kernel's debugging hooks
 * (kernel/debug.ts) and the dumps actors offer.
 *   psView(k)         the process table
 *   mailboxView(k)    notifications, senda queues and caller queues, of the processes that have any
 *   runqView(k)       the ready queues by priority, running process first
 *   cacheView(k)      the FS buffer cache summary
 */
import { mailboxes, procTable } from '../../kernel/debug.js';
import type { Kernel } from '../../kernel/index.js';
import { formatNs, formatTable } from '../trace/table.js';

export function psView(k: Kernel): string {
  return formatTable(['process', 'endpoint', 'prio', 'state', 'cpu', 'quantum left', 'signals'],
    procTable(k).map((p) => [p.name, String(p.endpoint), String(p.priority), p.state, formatNs(p.cpuTimeNs), formatNs(p.quantumLeftNs), p.pendingSignals === 0 ? '-' : `0x${p.pendingSignals.toString(16)}`]));
}

export function mailboxView(k: Kernel): string {
  const rows = mailboxes(k).filter((m) => m.notifications.length + m.async.length + m.callers.length > 0);
  if (rows.length === 0) return 'every mailbox is empty: no notification pending, no senda message, no blocked sender';
  return rows.map((m) => [
    `${m.name}:`,
    ...(m.notifications.length > 0 ? [`  notifications from ${m.notifications.join(', ')}`] : []),
    ...(m.async.length > 0 ? [`  senda queue: ${m.async.join('; ')}`] : []),
    ...(m.callers.length > 0 ? [`  caller queue: ${m.callers.join(', ')}`] : []),
  ].join('\n')).join('\n');
}

export function runqView(k: Kernel): string {
  const queues = k.readyQueues();
  const running = k.runningProc;
  const lines = queues.map((names, q) => (names.length === 0 ? null : `queue ${q}: ${names.map((n) => (running !== null && n === running.name ? `${n} (running)` : n)).join(' ')}`))
    .filter((l): l is string => l !== null);
  return lines.length === 0 ? 'no process is ready (the CPU is idle)' : lines.join('\n');
}

export function cacheView(k: Kernel): string {
  const fsName = k.dumps.offering('cache')[0];
  if (fsName === undefined) return 'no buffer cache (no FS server is mounted)';
  const c = k.dumps.call(fsName, 'cache') as Record<string, unknown> & { lruFront: number[]; dirtyBlocks: number[]; freeBuffers: number };
  return [
    `${fsName}: ${c.buffers} buffers of ${c.blockSize} bytes: ${c.valid} valid, ${c.dirty} dirty, ${c.held} held${c.readOnly === true ? ' (read-only)' : ''}`,
    `  hits ${c.hits}  misses ${c.misses}  evictions ${c.evictions}  flushes ${c.flushes}  blocks read ${c.blocksRead}  written ${c.blocksWritten}`,
    `  LRU: ${c.freeBuffers} free buffers first, then (next to evict) ${c.lruFront.length === 0 ? '-' : c.lruFront.join(' ')}`,
    `  dirty blocks: ${c.dirtyBlocks.length === 0 ? '-' : c.dirtyBlocks.join(' ')}`,
  ].join('\n');
}
