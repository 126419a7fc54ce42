/*
 * The shipped command is one esbuild bundle (scripts/build.mjs) run by a
 * launcher with V8's code cache: `bin` points at the launcher, the cache is
 * accepted, it runs from any directory, a run that does not trace loads no
 * pino and evaluates no rxjs module (nor does a run writing a JSONL trace:
 * the sink is a direct listener), and a traced run (the writer thread built from source text) writes
 * the same bytes as the same boot run in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bootScript } from '../../cli/commands/boot.js';
import { MKSIM } from '../support/mksim.js';

/** Run the bundle with a preload that prints the npm packages Node loaded for it. */
function runListingPackages(dir: string, ...args: string[]): { code: number | null; packages: string[] } {
  const preload = join(dir, 'list-packages.cjs');
  // Worker threads run the preload too (they inherit --require): only the main thread's modules count.
  writeFileSync(preload, `if (require('node:worker_threads').isMainThread) process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, MKSIM, ...args], { encoding: 'utf8', cwd: dir });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  const files: string[] = line === undefined ? [] : JSON.parse(line.slice('LOADED '.length));
  const packages = [...new Set(files.flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []))];
  return { code: r.status, packages };
}

const BUNDLE = join(process.cwd(), 'dist', 'mksim.bundle.cjs');

/**
 * How many times the bundle's lazily initialised section for rxjs's
 * Observable ran in a run of the command (V8's precise coverage through
 * NODE_V8_COVERAGE; offsets are in the launcher's wrapped source).
 */
function rxjsObservableInits(dir: string, ...args: string[]): number {
  const coverage = mkdtempSync(join(dir, 'coverage-'));
  const r = spawnSync(process.execPath, [MKSIM, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NODE_V8_COVERAGE: coverage } });
  expect(r.status, r.stderr).toBe(0);
  const wrapped = Module.wrap(readFileSync(BUNDLE, 'utf8').replace(/^#!.*/, ''));
  const at = wrapped.indexOf('"node_modules/rxjs/dist/esm/internal/Observable.js"() {');
  expect(at).toBeGreaterThan(0);
  let inits: number | null = null;
  for (const file of readdirSync(coverage)) {
    const scripts = (JSON.parse(readFileSync(join(coverage, file), 'utf8')) as { result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[] }).result;
    for (const s of scripts.filter((x) => x.url.endsWith('/mksim.bundle.cjs'))) {
      for (const f of s.functions) if (f.ranges[0]!.startOffset === at) inits = (inits ?? 0) + f.ranges[0]!.count;
    }
  }
  // V8 lists a function it never compiled only in some modes: absent counts as never run.
  return inits ?? 0;
}

describe('the bundled command', () => {
  it('is what package.json `bin` names', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(join(process.cwd(), pkg.bin.mksim)).toBe(MKSIM);
    expect(readFileSync(MKSIM, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('ships a code cache that this Node accepts for the bundle', () => {
    const bundle = join(process.cwd(), 'dist', 'mksim.bundle.cjs');
    const source = Module.wrap(readFileSync(bundle, 'utf8').replace(/^#!.*/, ''));
    const script = new vm.Script(source, { filename: bundle, cachedData: readFileSync(bundle + '.v8cache') });
    expect(script.cachedDataRejected).toBe(false);
    // A cache for other source is refused (so a stale cache only costs time).
    expect(new vm.Script(source + '\n', { filename: bundle, cachedData: readFileSync(bundle + '.v8cache') }).cachedDataRejected).toBe(true);
  });

  it('boots the default script from another directory, loading no npm package from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bundle-'));
    const r = runListingPackages(dir, 'boot');
    expect(r.code).toBe(0);
    expect(r.packages).toEqual([]);
  });

  it('evaluates no rxjs module without a trace subscriber, and does once one subscribes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bundle-'));
    const script = join(process.cwd(), 'examples', 'hello.boot');
    expect(rxjsObservableInits(dir, 'boot', script)).toBe(0);
    expect(rxjsObservableInits(dir, 'boot', script, '--trace', join(dir, 'hello.jsonl'))).toBe(0);
    // The oracle does see rxjs run: the selinux lab subscribes to trace$ for its records.
    expect(rxjsObservableInits(dir, 'lab', 'selinux')).toBeGreaterThan(0);
  });

  it('a traced run loads pino and writes the bytes an in-process run writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mksim-bundle-'));
    const script = join(process.cwd(), 'examples', 'hello.boot');
    const r = runListingPackages(dir, 'boot', script, '--trace', join(dir, 'cli.jsonl'));
    expect(r.code).toBe(0);
    expect(r.packages).toContain('pino');
    expect(bootScript(script, { trace: join(dir, 'here.jsonl') }, () => {}, () => {})).toBe(0);
    const cli = readFileSync(join(dir, 'cli.jsonl'), 'utf8');
    expect(cli.split('\n').length).toBeGreaterThan(100);
    expect(cli).toBe(readFileSync(join(dir, 'here.jsonl'), 'utf8'));
  });
});
