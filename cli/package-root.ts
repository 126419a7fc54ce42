/*
 * Where the package's own files (examples/) are, wherever this code runs
 * from: the sources, the compiled dist/cli/ tree, or the one-file bundle.
 *   packagePath(...parts)   a path inside the package root
 * The root is the nearest directory above this module holding package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Deep enough for any layout above; the walk stops at the filesystem root anyway. */
const MAX_LEVELS = 8;

function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (let i = 0; i < MAX_LEVELS; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(start, '..');
}

export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
