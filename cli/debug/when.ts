/*
 * Break conditions of `mksim boot --break WHEN` (docs/debugging.md).
 *   parseBreak(text)      -> Breakpoint, or a UsageError naming the form
 *   matches(bp, rec)      does this trace record trigger it?
 * WHEN is a virtual time (`10ms`: the first record at or after it), a message
 * type (`FS_OPEN`, or `type:NAME`), an actor (`fs`, or `actor:NAME`: a message
 * from or to it, or it getting the CPU) or a message id (`42`, `id:42`).
 */
import type { TraceRecord } from '../../kernel/index.js';
import { parseDurationNs } from '../../lib/shell/values.js';
import { UsageError } from '../errors.js';
import { isNewMessage } from '../trace/records.js';

export type Breakpoint =
  | { readonly kind: 'time'; readonly atNs: number; readonly text: string }
  | { readonly kind: 'type'; readonly type: string; readonly text: string }
  | { readonly kind: 'actor'; readonly actor: string; readonly text: string }
  | { readonly kind: 'id'; readonly id: number; readonly text: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

export function parseBreak(text: string): Breakpoint {
  const bad = (why: string): never => {
    throw new UsageError(`--break ${text.length > 40 ? text.slice(0, 39) + '…' : text}: ${why}; give a virtual time (10ms), a message type (FS_OPEN), an actor (fs) or a message id (42)`);
  };
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? text.slice(0, colon) : null;
  const value = colon > 0 ? text.slice(colon + 1) : text;
  if (prefix === 'time' || (prefix === null && /^\d+(\.\d+)?(ns|us|µs|ms|s)$/.test(value))) {
    const ns = parseDurationNs(value);
    if (ns === null) return bad('not a duration');
    return { kind: 'time', atNs: ns, text };
  }
  if (prefix === 'id' || (prefix === null && /^\d+$/.test(value))) {
    const id = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(Number.isSafeInteger(id) && id >= 1)) return bad('a message id is an integer from 1');
    return { kind: 'id', id, text };
  }
  if (!NAME.test(value)) return bad('not a name');
  if (prefix === 'type' || (prefix === null && /^[A-Z][A-Z0-9_]*$/.test(value))) return { kind: 'type', type: value, text };
  if (prefix === 'actor' || prefix === null) return { kind: 'actor', actor: value, text };
  return bad(`unknown prefix '${prefix}' (time:, type:, actor:, id:)`);
}

export function matches(bp: Breakpoint, rec: TraceRecord): boolean {
  switch (bp.kind) {
    case 'time':
      return rec.t >= bp.atNs;
    case 'type':
      return isNewMessage(rec) && rec.type === bp.type;
    case 'id':
      return isNewMessage(rec) && rec.id === bp.id;
    case 'actor':
      return (isNewMessage(rec) && (rec.src === bp.actor || rec.dst === bp.actor)) || (rec.ev === 'sched' && rec.to === bp.actor);
  }
}
