// wc: count the lines, words and bytes of files, as wc(1) does, in a student's program.
// Loaded by examples/student.boot (`program wc programs/wc.ts`); run with `exec`, `spawn`
// or from an executable whose first line is `#!mksim wc FILE...`. See docs/extending.md.
import type { Sys } from '../../types/mksim-program';

export default function* wc(sys: Sys) {
  if (sys.args.length === 0) {
    sys.print('usage: wc FILE...');
    return 2;
  }
  let status = 0;
  for (const path of sys.args) {
    const bytes = yield* sys.readFile(path);
    if (typeof bytes === 'number') {
      sys.print(`wc: ${path}: ${sys.errnoName(bytes)}`);
      status = 1;
      continue;
    }
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const words = text.split(/\s+/).filter((w) => w.length > 0).length;
    sys.print(`${lines} ${words} ${bytes.length} ${path}`);
  }
  return status;
}
