import { describe, expect, it } from 'vitest';
import { diskConfigFromLines, diskFaultFromLine, type ScriptLine, type ScriptValue } from '../../../drivers/disk/script.js';
import { parseBootScript } from '../../../cli/boot/parse.js';

const line = (positional: string[], words: string[], values: Record<string, ScriptValue>): ScriptLine =>
  ({ positional, words, values: new Map(Object.entries(values)) });

describe('boot-script lines to a disk configuration', () => {
  it('maps every disk key and the faults that name the disk', () => {
    const config = diskConfigFromLines(
      line(['disk0'], [], { image: 'build/root.img', create: 16 << 20, 'block-size': 1024, model: 'hp97560', sched: 'sstf', size: 4096 }),
      [
        line(['disk0'], ['write-error'], { block: [120] }),
        line(['disk0'], ['read-error'], { block: [7, 9], count: 2 }),
        line(['disk0'], [], { 'crash-after-writes': 50 }),
        line(['disk0'], ['torn-write'], { nth: 3, block: [12] }),
        line(['disk0'], ['kill-driver'], { at: 5_000_000 }),
        line(['disk1'], ['read-error'], { block: [1] }),
      ]);
    expect(config).toEqual({
      name: 'disk0', image: 'build/root.img', createBytes: 16 << 20, sizeBytes: 4096, blockSize: 1024, model: 'hp97560', sched: 'sstf',
      faults: [
        { kind: 'write-error', blocks: [120] },
        { kind: 'read-error', blocks: [7, 9], count: 2 },
        { kind: 'crash-after-writes', writes: 50 },
        { kind: 'torn-write', nth: 3, block: 12 },
      ],
    });
  });

  it('leaves driver-level faults to others and refuses an unnamed kind', () => {
    expect(diskFaultFromLine(line(['disk0'], ['crash-driver'], {}))).toBeNull();
    expect(() => diskFaultFromLine(line(['disk0'], [], {}))).toThrow(/fault disk0: name a kind/);
  });

  it('fits the lines the boot-script parser produces', () => {
    const script = parseBootScript('disk disk0 create=1M sched=clook\nfault disk0 write-error block=120,121\n', 'x.boot');
    const disk = script.directives.find((d) => d.keyword === 'disk')!;
    const faults = script.directives.filter((d) => d.keyword === 'fault');
    expect(diskConfigFromLines(disk, faults)).toEqual({ name: 'disk0', createBytes: 1 << 20, sched: 'clook', faults: [{ kind: 'write-error', blocks: [120, 121] }] });
  });
});
