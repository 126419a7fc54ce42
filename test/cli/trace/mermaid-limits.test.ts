import { describe, expect, it } from 'vitest';
import { exportTrace } from '../../../cli/commands/trace.js';
import { MERMAID_MAX_CHARS, NOTE_MAX_CHARS } from '../../../cli/trace/mermaid.js';
import type { TraceRecord } from '../../../kernel/index.js';
import { runFixtureSystem } from './fixture-system.js';
import { collectOutput, tempTrace } from './helpers.js';

async function mermaid(path: string, flags: Record<string, unknown> = {}): Promise<string> {
  const out = collectOutput();
  await exportTrace(path, { format: 'mermaid', ...flags }, out);
  return out.text();
}

describe('Mermaid export limits (issue 19 item 6)', () => {
  const records = runFixtureSystem({ reads: 400 });
  const big = tempTrace(records);
  const shown = (text: string): number => text.split('\n').filter((l) => /^ {4}(p\d+-|Note over p\d+: )/.test(l) && !l.includes('more not shown')).length;

  it('--max 100000 stays under Mermaid\'s 50,000 characters and says how many lines were left out', async () => {
    const all = await mermaid(big, { max: '1000000' });
    expect(all.length).toBeLessThanOrEqual(MERMAID_MAX_CHARS);
    const last = all.trimEnd().split('\n').at(-1)!;
    const m = /^ {4}Note over p\d+,p\d+: … (\d+) more not shown \(Mermaid's 50000 character limit, narrow with --from, --to, --actor\)$/.exec(last);
    expect(m).not.toBeNull();
    // Every message and note is either drawn or counted as left out.
    const messages = records.filter((r) => r.ev === 'send' || r.ev === 'notify' || r.ev === 'reply').length;
    const notes = records.filter((r) => ['state', 'log', 'fault', 'error'].includes(r.ev) && typeof r.proc === 'string').length +
      records.filter((r) => r.ev === 'avc' && r.denied === true).length;
    expect(shown(all) + Number(m![1])).toBe(messages + notes);
    expect(shown(all)).toBeGreaterThan(300);
  });

  it('a small --max still reports itself as the reason', async () => {
    const text = await mermaid(big, { max: '10' });
    expect(shown(text)).toBe(10);
    expect(text).toMatch(/more not shown \(--max 10, narrow with/);
  });

  it('a long log line is cut in its note; an AVC denial is a note', async () => {
    const recs: TraceRecord[] = [
      { seq: 1, t: 0, ev: 'header', format: 'mksim-trace', version: 1 },
      { seq: 2, t: 10, ev: 'send', id: 1, src: 'alice', dst: 'fs', type: 'FS_OPEN', cause: null },
      { seq: 3, t: 20, ev: 'log', proc: 'alice', text: 'z'.repeat(4114) },
      { seq: 4, t: 30, ev: 'avc', proc: 'fs', decision: 'denied', perms: ['write'], scontext: 'user_u:user_r:user_t', tcontext: 'system_u:object_r:shadow_t', tclass: 'file' },
      { seq: 5, t: 31, ev: 'avc', proc: 'fs', decision: 'granted', perms: ['read'], scontext: 'a', tcontext: 'b', tclass: 'file' },
    ];
    const text = await mermaid(tempTrace(recs));
    const notes = text.split('\n').filter((l) => l.includes('Note over'));
    expect(notes).toHaveLength(2);
    expect(notes[0]!.length).toBeLessThan(NOTE_MAX_CHARS + 30);
    expect(notes[0]).toMatch(/z…$/);
    expect(notes[1]).toBe('    Note over p2: avc: denied #123; write #125; scontext=user_u:user_r:user_t tcontext=system_u:object_r:shadow_t tclass=file');
  });
});
