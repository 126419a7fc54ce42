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

export function regionsOf(doc: string, lab: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`<!-- mksim lab ${lab.replace(/[-]/g, '\\-')} ([a-z0-9-]+) -->\\n`, 'g');
  for (let m = re.exec(doc); m !== null && out.size < MAX_REGIONS; m = re.exec(doc)) {
    const start = m.index + m[0].length;
    const end = doc.indexOf(`\n${END}`, start);
    if (end < 0) throw new Error(`${open(lab, m[1]!)} has no ${END}`);
    out.set(m[1]!, doc.slice(start, end));
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
    const end = text.indexOf(`\n${END}`, from);
    if (end < 0) { missing.push(s.name); continue; }
    text = text.slice(0, from) + s.text + text.slice(end);
  }
  return { text, missing };
}

export function formatLab(lab: LabSpec, result: LabResult): string {
  const parts = [`# mksim lab ${lab.name}: ${lab.title} (docs/labs/${lab.doc})`];
  for (const s of result.sections) parts.push(`## ${s.title}`, s.text);
  return parts.join('\n\n') + '\n';
}
