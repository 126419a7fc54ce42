#!/usr/bin/env node
/*
 * Bundle the shipped command: esbuild compiles cli/main.ts and everything it
 * imports (TypeScript sources and npm packages but pino) into one file,
 * dist/mksim.bundle.cjs; `bin` points at dist/mksim.cjs (cli/launcher.cjs),
 * which runs it with V8's code cache, written here by one boot run.
 *   node scripts/build.mjs [--analyze]   build; --analyze lists what takes the bytes
 * One file starts faster than hundreds: Node resolves and reads each module
 * of an unbundled tree separately (rxjs alone is ~140 ms of that). The
 * subcommands are dynamic imports, which the bundle keeps as lazily
 * initialised sections: only the chosen one's module code runs. Files are
 * written under a temporary name and renamed, so a test run never sees half a file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'mksim.bundle.cjs');
const launcher = join(dist, 'mksim.cjs');

/**
 * rxjs's package exports send Node to its CommonJS build, which the bundle
 * would have to evaluate whole (~85 ms); its ES module build is marked free of
 * side effects, so only what the trace bus uses (Observable, Subject) is kept.
 */
const rxjsAsEsm = {
  name: 'rxjs-esm',
  setup(b) {
    b.onResolve({ filter: /^rxjs$/ }, () => ({ path: join(root, 'node_modules', 'rxjs', 'dist', 'esm', 'index.js') }));
  },
};

const result = await build({
  entryPoints: [join(root, 'cli', 'main.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
  plugins: [rxjsAsEsm],
  // Students' modules are compiled at run time by esbuild itself (lib/plugin/transpile.ts): it is loaded
  // from node_modules, where its per-platform binary lives, never copied into the bundle. playwright-core
  // (a dev dependency: `mksim bench trace` drives Chromium with it) is loaded from there too, only then.
  external: ['esbuild', 'playwright-core'],
  metafile: true,
  // The sources are ES modules: give them import.meta.url in a CommonJS file.
  define: { 'import.meta.url': '__mksimModuleUrl' },
  banner: { js: "const __mksimModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

if (process.argv.includes('--analyze')) process.stderr.write(await analyzeMetafile(result.metafile));
mkdirSync(dist, { recursive: true });
const place = (path, write) => {
  const tmp = `${path}.${process.pid}.tmp`;
  write(tmp);
  renameSync(tmp, path);
};
for (const file of result.outputFiles) place(file.path, (tmp) => writeFileSync(tmp, file.contents));
place(launcher, (tmp) => copyFileSync(join(root, 'cli', 'launcher.cjs'), tmp));
rmSync(`${bundle}.v8cache`, { force: true });

// One boot run compiles what a run needs; its code cache ships beside the bundle.
const run = spawnSync(process.execPath, [launcher, 'boot', join(root, 'examples', 'hello.boot')], {
  cwd: tmpdir(), env: { ...process.env, MKSIM_WRITE_CODE_CACHE: '1' }, encoding: 'utf8',
});
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr);
  throw new Error(`the bundle did not boot examples/hello.boot (exit ${run.status})`);
}
