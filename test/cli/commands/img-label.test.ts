import { existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mksim } from '../../support/mksim.js';

describe('mksim img label', () => {
  it('prints a label, sets one that survives into the next boot, refuses an invalid one, and leaves the image fsck-clean', () => {
    const image = join(mkdtempSync(join(tmpdir(), 'mksim-label-')), 'root.img');
    expect(mksim('mkfs', image, '--size', '2097152').code).toBe(0);
    expect(mksim('img', 'mkdir', `${image}:/etc`).code).toBe(0);
    expect(mksim('img', 'cp', 'package.json', `${image}:/etc/shadow`).code).toBe(0);
    expect(mksim('img', 'label', `${image}:/etc/shadow`).stdout).toBe('/etc/shadow system_u:object_r:unlabeled_t\n');
    expect(mksim('img', 'label', `${image}:/etc/shadow`, 'system_u:object_r:shadow_t').code).toBe(0);
    expect(mksim('img', 'label', `${image}:/etc/shadow`).stdout).toBe('/etc/shadow system_u:object_r:shadow_t\n');
    const bad = mksim('img', 'label', `${image}:/etc/shadow`, 'bogus_u:object_r:nothing_t');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a valid context in the policy/);
    expect(mksim('img', 'label', `${image}:/nope`).stderr).toMatch(/ENOENT/);
    if (existsSync('/usr/sbin/fsck.minix')) expect(spawnSync('/usr/sbin/fsck.minix', ['-f', image]).status).toBe(0);
  });
});
