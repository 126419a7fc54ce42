#!/usr/bin/env node
/*
 * Bundle the shipped command: esbuild compiles cli/main.ts and everything it
 * imports (TypeScript sources and npm packages) into one ES module,
 * dist/mksim.mjs, which `bin` points at.
 *   node scripts/build.mjs [--analyze]   write dist/mksim.mjs (and its source
 *                                        map); --analyze lists what takes the bytes
 * One file starts faster than hundreds: Node resolves and reads each module
 * of an unbundled tree separately (rxjs alone is ~140 ms of that). The
 * subcommands are dynamic imports, so the bundle keeps them as lazily
 * initialised sections and runs only the chosen one's code. The output is
 * written to a temporary name and renamed, so a test run never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeMetafile, build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'mksim.mjs');

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
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
  plugins: [rxjsAsEsm],
  metafile: true,
  // CommonJS packages (pino, commander) call require(); give the ES module one.
  banner: { js: "import { createRequire as __mksimCreateRequire } from 'node:module'; const require = __mksimCreateRequire(import.meta.url);" },
});

if (process.argv.includes('--analyze')) process.stderr.write(await analyzeMetafile(result.metafile));
mkdirSync(dirname(outfile), { recursive: true });
for (const file of result.outputFiles) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
