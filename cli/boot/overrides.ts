/*
 * Command-line overrides of a boot script's directives, for labs that
 * compare one script under two configurations:
 *   mksim boot examples/elevator.boot --set fs.elevator=off --set disk0.sched=sstf
 *   applyOverrides(script, ["fs.elevator=off", ...])  -> a new BootScript
 * TARGET is a directive keyword (fs, clock, cpu, security) or a disk's name;
 * values are checked against the directive's spec, as in the script.
 *   addFaults(script, ["disk0 kill-driver nth=3", ...])  --fault: a fault line each
 */
import { ParseError } from '../../lib/parse-error.js';
import { ownValue } from '../../lib/own.js';
import { parseBootScript, parseValue } from './parse.js';
import { DIRECTIVE_SPECS, type BootScript, type Directive } from './script.js';
import { UsageError } from '../errors.js';

export function applyOverrides(script: BootScript, overrides: readonly string[]): BootScript {
  // Several hosts: HOST.TARGET.KEY=VALUE sets one host's directive, TARGET.KEY=VALUE every host's.
  if (script.hosts !== undefined && script.hosts.length > 0) {
    let hosts = script.hosts;
    for (const text of overrides) {
      const dot = text.indexOf('.');
      const named = hosts.find((h) => h.name === text.slice(0, dot));
      hosts = hosts.map((h) => (named === undefined || h === named
        ? { ...h, script: applyOverrides({ ...h.script, hosts: [] }, [named === undefined ? text : text.slice(dot + 1)]) } : h));
    }
    return { ...script, hosts };
  }
  let directives = [...script.directives];
  for (const text of overrides) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*?)\.([a-z-]+)=(.*)$/.exec(text);
    if (m === null) throw new UsageError(`--set ${text}: expected TARGET.KEY=VALUE, e.g. fs.elevator=off or disk0.sched=sstf`);
    const [, target, key, value] = m as unknown as [string, string, string, string];
    const isDisk = directives.some((d) => d.keyword === 'disk' && d.positional[0] === target);
    const keyword = isDisk ? 'disk' : target;
    const spec = ownValue(DIRECTIVE_SPECS, keyword);
    if (spec === undefined || keyword === 'fault') {
      throw new UsageError(`--set ${text}: '${target}' is not a directive (${Object.keys(DIRECTIVE_SPECS).filter((k) => k !== 'disk' && k !== 'fault').join(', ')}) or a disk of this script`);
    }
    const keySpec = ownValue(spec.keys, key);
    if (keySpec === undefined) throw new UsageError(`--set ${text}: ${keyword} has no key '${key}' (known: ${Object.keys(spec.keys).join(', ')})`);
    const where = { file: '--set', line: 1, column: target.length + key.length + 3, sourceLine: text };
    let parsed;
    try {
      parsed = parseValue(value, keySpec, key, where);
    } catch (e) {
      if (e instanceof ParseError) throw new UsageError(`--set ${text}: ${e.detail}`);
      throw e;
    }
    const index = directives.findIndex((d) => d.keyword === keyword && (!isDisk || d.positional[0] === target));
    const base: Directive = index >= 0 ? directives[index]! : {
      keyword, positional: [], words: [], values: new Map(), keyPos: new Map(), pos: { file: '--set', line: 1, column: 1 },
    };
    const values = new Map(base.values);
    values.set(key, parsed);
    const updated: Directive = { ...base, values };
    directives = index >= 0 ? directives.map((d, i) => (i === index ? updated : d)) : [...directives, updated];
  }
  return { ...script, directives };
}

/** `--fault "disk0 write-error block=120"`: each is parsed as the script's `fault` line would be. */
export function addFaults(script: BootScript, faults: readonly string[]): BootScript {
  if (faults.length === 0) return script;
  const added = faults.map((text) => {
    try {
      return parseBootScript(`fault ${text}`, '--fault').directives[0]!;
    } catch (e) {
      if (e instanceof ParseError) throw new UsageError(`--fault ${text}: ${e.detail}`);
      throw e;
    }
  });
  return { ...script, directives: [...script.directives, ...added] };
}
