/*
 * The generated regions of docs/labs/*.md: a lab's section between
 *   <!-- mksim lab NAME SECTION -->   and   <!-- end -->
 * is the text `mksim lab NAME` prints for that section, byte for byte.
 *   regionsOf(doc, lab)                 section name -> the region's text (a test compares them)
 *   replaceRegions(doc, lab, sections)  the doc with every region regenerated (--update-doc)
 *   formatLab(lab, result)              what the command prints
 */
import type { LabResult, LabSection, LabSpec } from './types.js';

/** Regions a doc may hold: a bound on the scan. */
const MAX_REGIONS = 64;
const END = '<!-- end -->';

const open = (lab: string, section: string): string => `<!-- mksim lab ${lab} ${section} -->`;
const OPEN_PREFIX = '<!-- mksim lab ';

/**
 * Where the region whose text starts at `from` ends: its text is doc[from, textEnd) and its end marker starts
 * at `endAt`. An empty region may have its end marker on the very next line (no newline of its own); a region
 * whose end marker comes only after another region's opening has none (null), rather than swallowing that one.
 */
function regionEnd(doc: string, from: number): { textEnd: number; endAt: number } | null {
  if (doc.startsWith(END, from)) return { textEnd: from, endAt: from };
  const nl = doc.indexOf(`\n${END}`, from);
  if (nl < 0) return null;
  const nextOpen = doc.indexOf(OPEN_PREFIX, from);
  if (nextOpen >= 0 && nextOpen < nl) return null;
  return { textEnd: nl, endAt: nl + 1 };
}

export function regionsOf(doc: string, lab: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`<!-- mksim lab ${lab.replace(/[-]/g, '\\-')} ([a-z0-9-]+) -->\\n`, 'g');
  for (let m = re.exec(doc); m !== null && out.size < MAX_REGIONS; m = re.exec(doc)) {
    const start = m.index + m[0].length;
    const end = regionEnd(doc, start);
    if (end === null) throw new Error(`${open(lab, m[1]!)} has no ${END}`);
    out.set(m[1]!, doc.slice(start, end.textEnd));
  }
  return out;
}

export function replaceRegions(doc: string, lab: string, sections: readonly LabSection[]): { text: string; missing: string[] } {
  let text = doc;
  const missing: string[] = [];
  for (const s of sections) {
    const marker = `${open(lab, s.name)}\n`;
    const start = text.indexOf(marker);
    if (start < 0) { missing.push(s.name); continue; }
    const from = start + marker.length;
    const end = regionEnd(text, from);
    if (end === null) { missing.push(s.name); continue; }
    text = `${text.slice(0, from)}${s.text}\n${text.slice(end.endAt)}`;
  }
  return { text, missing };
}

export function formatLab(lab: LabSpec, result: LabResult): string {
  const parts = [`# mksim lab ${lab.name}: ${lab.title} (docs/labs/${lab.doc})`];
  for (const s of result.sections) parts.push(`## ${s.title}`, s.text);
  return parts.join('\n\n') + '\n';
}
