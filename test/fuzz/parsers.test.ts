import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseBootScript } from '../../cli/boot/parse.js';
import { parseTraceText } from '../../cli/trace/reader.js';
import { parsePolicy } from '../../servers/security/parse.js';
import { expectClearError, FUZZ_SEED, mutate, runs } from './budget.js';

const BOOT = ['examples/hello.boot', 'examples/crash.boot'].map((f) => readFileSync(f, 'utf8')).join('\n')
  + 'fault disk0 kill-driver at=5ms\nfault disk0 write-error block=3,4 count=2\nsecurity policy=examples/policy/base.conf mode=enforcing\ncpu quantum=10ms ipc-cost=200ns\n';
const POLICY = readFileSync('examples/policy/base.conf', 'utf8');
const TRACE = [
  '{"seq":1,"t":0,"ev":"header","format":"mksim-trace","version":1,"script":"x.boot","seed":1,"config":{}}',
  '{"seq":2,"t":0,"ev":"spawn","proc":"fs","endpoint":4,"priority":4}',
  '{"seq":3,"t":200,"ev":"send","id":1,"src":"init","dst":"fs","type":"FS_OPEN","cause":null,"msg":{"path":"/a"}}',
  '{"seq":4,"t":400,"ev":"deliver","id":1,"src":"init","dst":"fs","type":"FS_OPEN","cause":null}',
  '{"seq":5,"t":900,"ev":"reply","id":2,"src":"fs","dst":"init","type":"FS_REPLY","cause":1,"re":1,"msg":{"status":0}}',
].join('\n');

describe('bad input to the parsers gives a clear error, never a crash', () => {
  it('boot-script parser: mutated scripts parse or fail with file:line:column', () => {
    fc.assert(fc.property(mutate(BOOT), (text) => expectClearError(() => parseBootScript(text, 'fuzz.boot'))), { numRuns: runs(300), seed: FUZZ_SEED });
  });

  it('boot-script parser: arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => expectClearError(() => parseBootScript(text, 'fuzz.boot'))), { numRuns: runs(200), seed: FUZZ_SEED });
  });

  it('policy parser: mutated policies parse or fail with file:line:column', () => {
    fc.assert(fc.property(mutate(POLICY), (text) => expectClearError(() => parsePolicy(text, 'fuzz.conf'))), { numRuns: runs(300), seed: FUZZ_SEED });
  });

  it('trace reader: mutated traces read or fail naming the line and field', () => {
    fc.assert(fc.property(mutate(TRACE), (text) => expectClearError(() => parseTraceText(text, 'fuzz.jsonl'))), { numRuns: runs(300), seed: FUZZ_SEED });
  });
});
