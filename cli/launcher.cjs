#!/usr/bin/env node
/*
 * The `mksim` executable (copied to dist/mksim.cjs by scripts/build.mjs): runs
 * the one-file bundle dist/mksim.bundle.cjs with V8's code cache.
 *   dist/mksim.bundle.cjs.v8cache   bytecode of the functions a boot run
 *                                   compiles, written at build time
 * Compiling the bundle and its functions is a third of a short run's CPU;
 * with the cache V8 skips it. A cache from another Node version is rejected
 * by V8 and the bundle compiles as usual. MKSIM_WRITE_CODE_CACHE=1 (the
 * build sets it) writes the cache when the run exits.
 */
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const bundle = join(__dirname, 'mksim.bundle.cjs');
const cacheFile = bundle + '.v8cache';
// esbuild keeps cli/main.ts's #! line; it is not JavaScript inside the wrapper.
const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const bundleModule = { exports: {}, filename: bundle, id: bundle };
script.runInThisContext().call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, __dirname);
if (process.env.MKSIM_WRITE_CODE_CACHE === '1') {
  process.on('exit', () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  });
}
