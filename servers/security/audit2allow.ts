/*
 * audit2allow: from the `avc` denial records of a JSONL trace to the allow
 * rules that would have permitted them, grouped by source domain in
 * audit2allow's layout.
 *   denialsFromTrace(text, file)   the denied (stype, ttype, tclass, perms) of a trace, or ParseError at file:line:column
 *   allowRules(denials)            the rule text
 */
import { ParseError } from '../../lib/parse-error.js';
import { parseContext } from './policy.js';

export interface Denial {
  readonly stype: string;
  readonly ttype: string;
  readonly tclass: string;
  readonly perms: readonly string[];
}

export function denialsFromTrace(text: string, file: string): Denial[] {
  const out: Denial[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = (column: number) => ({ file, line: i + 1, column, sourceLine: raw });
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      const at = /position (\d+)/.exec((err as Error).message);
      throw new ParseError(`not a JSON trace record: ${(err as Error).message}`, where(at ? Number(at[1]) + 1 : 1));
    }
    if (typeof rec !== 'object' || rec === null) throw new ParseError('a trace record must be a JSON object', where(1));
    const r = rec as Record<string, unknown>;
    if (r.ev !== 'avc' || r.decision !== 'denied') return;
    const s = typeof r.scontext === 'string' ? parseContext(r.scontext) : null;
    const t = typeof r.tcontext === 'string' ? parseContext(r.tcontext) : null;
    const perms = r.perms;
    if (s === null || t === null || typeof r.tclass !== 'string' || !Array.isArray(perms) || !perms.every((p) => typeof p === 'string')) {
      throw new ParseError('avc record needs scontext and tcontext (user:role:type), tclass and perms (a list of names)', where(1));
    }
    out.push({ stype: s.type, ttype: t.type, tclass: r.tclass, perms: perms as string[] });
  });
  return out;
}

/** One rule per (source, target, class) with the union of the denied permissions, sorted; a blank result for none. */
export function allowRules(denials: readonly Denial[]): string {
  const bySource = new Map<string, Map<string, Set<string>>>();
  for (const d of denials) {
    let rules = bySource.get(d.stype);
    if (rules === undefined) { rules = new Map(); bySource.set(d.stype, rules); }
    const key = `${d.ttype}:${d.tclass}`;
    let perms = rules.get(key);
    if (perms === undefined) { perms = new Set(); rules.set(key, perms); }
    for (const p of d.perms) perms.add(p);
  }
  const blocks: string[] = [];
  for (const source of [...bySource.keys()].sort()) {
    const lines = [`#============= ${source} ==============`];
    const rules = bySource.get(source)!;
    for (const key of [...rules.keys()].sort()) {
      const perms = [...rules.get(key)!].sort();
      lines.push(`allow ${source} ${key} ${perms.length === 1 ? perms[0] : `{ ${perms.join(' ')} }`};`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? '' : blocks.join('\n\n') + '\n';
}
