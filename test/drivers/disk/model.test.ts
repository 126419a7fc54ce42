import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, capacityBytes, loadModel, parseModel } from '../../../drivers/disk/model.js';

const hp = BUILTIN_MODELS.get('hp97560')!;

describe('disk models', () => {
  it('hp97560 has the issue geometry and a 1.37 GB capacity', () => {
    expect(hp).toMatchObject({ cylinders: 1962, heads: 19, sectorsPerTrack: 72, sectorBytes: 512, rpm: 4002, controllerOverheadMs: 2.2 });
    expect(capacityBytes(hp)).toBe(1962 * 19 * 72 * 512);
  });

  it('loads a user model from a JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-model-'));
    const file = join(dir, 'tiny.json');
    const tiny = { ...hp, name: 'tiny', cylinders: 100, rpm: 7200 };
    writeFileSync(file, JSON.stringify(tiny));
    expect(loadModel(file)).toEqual(tiny);
  });

  it('accepts a model object and a solid model', () => {
    expect(loadModel({ kind: 'solid', name: 'nvme', sectorBytes: 4096, latencyMs: 0.02, bytesPerSecond: 3e9 }).name).toBe('nvme');
  });

  it('names the source and the field of a mistake', () => {
    expect(() => parseModel({ ...hp, heads: 0 }, 'm.json')).toThrow(/m\.json: heads must be a positive integer, got 0/);
    expect(() => parseModel({ ...hp, seek: { ...hp.kind === 'rotating' ? hp.seek : {}, long: { cMs: 'x', eMs: 1 } } }, 'm.json')).toThrow(/seek\.long\.cMs/);
    expect(() => parseModel({ ...hp, sectorBytes: 500 }, 'm.json')).toThrow(/power of two/);
    expect(() => parseModel([], 'm.json')).toThrow(/the model must be an object/);
    expect(() => loadModel('floppy')).toThrow(/unknown disk model 'floppy'/);
    expect(() => loadModel('/nonexistent/x.json')).toThrow(/cannot read disk model .*ENOENT/);
    try { loadModel('floppy'); } catch (e) { expect((e as { userFacing?: boolean }).userFacing).toBe(true); }
  });
});
