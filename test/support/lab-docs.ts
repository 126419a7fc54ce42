/*
 * The check behind every lab's doc: each generated region of docs/labs/NAME.md
 * is what `mksim lab NAME` prints for that section, and every section has a region.
 *   expectDocMatches(lab, result)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { regionsOf } from '../../cli/lab/doc-regions.js';
import type { LabResult, LabSpec } from '../../cli/lab/types.js';

export function expectDocMatches(lab: LabSpec, result: LabResult): void {
  const doc = readFileSync(join(process.cwd(), 'docs', 'labs', lab.doc), 'utf8');
  const regions = regionsOf(doc, lab.name);
  expect([...regions.keys()].sort(), `regions of docs/labs/${lab.doc}`).toEqual(result.sections.map((s) => s.name).sort());
  // On a difference: `mksim lab NAME --update-doc` regenerates the regions, then read the prose around them.
  for (const s of result.sections) expect(regions.get(s.name), `docs/labs/${lab.doc} region '${s.name}' (mksim lab ${lab.name} --update-doc)`).toBe(s.text);
}
