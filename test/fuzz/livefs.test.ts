/*
 * The live-FS fuzzer with a data oracle (test/fuzz/livefs/): populated images, corrupted at random,
 * mounted through the boot path and given a random workload. CI runs MKSIM_FUZZ_RUNS images (default
 * 8); `npm run fuzz` runs 2000 and prints the counts per category. MKSIM_FUZZ_KEEP=1 keeps the images
 * and writes a reproducer (image + boot script) per failure; MKSIM_FUZZ_MINIMIZE=SEED,SEED shrinks
 * those cases and writes minimized reproducers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, runs } from './budget.js';
import { minimize } from './livefs/minimize.js';
import { CATEGORIES, makeCase, runCase, writeReproducer, type Category } from './livefs/run.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-livefs-'));
afterAll(() => { if (process.env.MKSIM_FUZZ_KEEP === undefined) rmSync(dir, { recursive: true, force: true }); });


describe('live-FS fuzzer: corrupt images, random workloads, a data oracle', () => {
  it('every image is refused or survives: no silent destruction, no hang, no JS error text', () => {
    const n = runs(8);
    const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
    const bad: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = makeCase(FUZZ_SEED + i);
      const v = runCase(c, dir);
      counts[v.category]++;
      if (v.category === 'refused' || v.category === 'survived-clean') continue;
      const repro = process.env.MKSIM_FUZZ_KEEP !== undefined ? ` (${writeReproducer(c, v, dir, `repro-${c.seed}`)})` : '';
      const line = `seed ${c.seed}: ${v.category}${repro}: ${v.edits.map((e) => e.what).join('; ')} :: ${v.details.slice(0, 4).join(' | ')}`;
      bad.push(line);
    }
    console.log(`live-FS fuzzer, ${n} images: ${CATEGORIES.map((c) => `${c} ${counts[c]}`).join(', ')}`);
    expect(bad).toEqual([]);
  }, 60_000 + runs(8) * 10_000);

  it('an image nobody corrupted survives every workload exactly as the model says', () => {
    for (let i = 0; i < 3; i++) {
      const v = runCase({ ...makeCase(FUZZ_SEED + 1000 + i), edits: [] }, dir);
      expect(v.details).toEqual([]);
      expect(v.category).toBe('survived-clean');
    }
  });

  it('the oracle sees one changed byte of an untouched file, and an untouched file gone', () => {
    const c = { ...makeCase(FUZZ_SEED + 2000), edits: [] };
    const flip = runCase(c, dir, (image, w) => {
      const f = [...w.paths.values()].find((p) => p.kind === 'file' && p.zones.length > 0 && c.workload.every((op) => !JSON.stringify(op).includes(`"${p.path}"`)))!;
      image[f.zones[0]! * w.sb.blockSize] ^= 1;
    });
    expect(flip.category).toBe('silent-destruction');
    expect(flip.details.join('\n')).toMatch(/untouched file .* differ/);
    const gone = runCase(c, dir, (image, w) => image.fill(0, w.g.inodeStart * w.sb.blockSize + 64, w.g.inodeStart * w.sb.blockSize + 128));
    expect(gone.category).toBe('silent-destruction');
  });

  it.runIf(process.env.MKSIM_FUZZ_MINIMIZE !== undefined)('minimized reproducers of the seeds in MKSIM_FUZZ_MINIMIZE', () => {
    for (const seed of (process.env.MKSIM_FUZZ_MINIMIZE ?? '').split(',').map(Number)) {
      const c = makeCase(seed);
      const v = runCase(c, dir);
      if (v.category === 'refused' || v.category === 'survived-clean') { console.log(`seed ${seed}: ${v.category}`); continue; }
      const small = minimize(c, dir, v);
      // Run the smallest case again: the image on disk is the last trial's.
      const path = writeReproducer(small.c, runCase(small.c, dir), dir, `min-${seed}`);
      console.log(`seed ${seed}: ${small.v.category}, ${small.c.workload.length} calls, edits ${small.c.edits!.map((e) => e.what).join('; ')}: ${path}\n  ${small.v.details.slice(0, 3).join('\n  ')}`);
    }
  }, 3_600_000);
});
