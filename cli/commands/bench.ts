/*
 * `mksim bench [NAME] [--json]`: run one benchmark or all, print each
 * result as a table or as one JSON line per benchmark (with `measured`: what
 * its figures are).
 */
import type { Command } from 'commander';
import { benchmarks } from '../../bench/registry.js';
import { UsageError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description('run benchmarks (each figure beside a baseline measured in the same run)')
    .argument('[name]', `one of: ${benchmarks.map((b) => b.name).join(', ')}`)
    .option('--json', 'one JSON line per benchmark')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const chosen = name === undefined ? benchmarks : benchmarks.filter((b) => b.name === name);
      if (chosen.length === 0) throw new UsageError(`unknown benchmark '${name}' (known: ${benchmarks.map((b) => b.name).join(', ')})`);
      for (const b of chosen) {
        const result = await b.run();
        if (opts.json) {
          // Every line names what it measured: the benchmark's description.
          process.stdout.write(JSON.stringify({ ...result, measured: b.description }) + '\n');
        } else {
          process.stdout.write(`${b.name}: ${b.description}\n`);
          const width = Math.max(...Object.keys(result).map((k) => k.length));
          for (const [k, v] of Object.entries(result)) {
            if (k === 'bench') continue;
            const text = typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
            process.stdout.write(`  ${k.padEnd(width)}  ${text}\n`);
          }
        }
      }
    });
}
