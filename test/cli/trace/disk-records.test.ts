import { describe, expect, it } from 'vitest';
import { viewTrace } from '../../../cli/commands/trace.js';
import { bootTrace } from './boot-trace.js';
import { collectOutput } from './helpers.js';

const SCRIPT = `disk disk0 create=2M block-size=1024 model=hp97560
fs root=disk0 cache=16
process init uid=0
    write /a.txt "hello"
    sync
`;

async function view(path: string, flags: Record<string, unknown>): Promise<string[]> {
  const out = collectOutput();
  await viewTrace(path, { all: true, ...flags }, out);
  return out.text().split('\n').filter((l) => l !== '');
}

describe('the disk driver\'s records in the trace tools (issue 19 item 2)', () => {
  const { path, records } = bootTrace(SCRIPT);

  it('disk and mechanism state records name the driver process and the request they serve', () => {
    const disk = records.filter((r) => r.ev === 'disk');
    const mech = records.filter((r) => r.ev === 'state' && r.machine === 'disk');
    expect(disk.length).toBeGreaterThan(0);
    expect(mech.length).toBe(disk.length * 4);
    for (const r of [...disk, ...mech]) {
      expect(r.proc).toBe('disk0');
      // The cause is the DEV_GATHER/DEV_SCATTER the driver received.
      const req = records.find((m) => m.ev === 'send' && m.id === r.cause);
      expect(req?.dst).toBe('disk0');
      expect(['DEV_GATHER', 'DEV_SCATTER']).toContain(req?.type);
    }
  });

  it('trace --actor disk0 shows the seeks and the mechanism', async () => {
    const lines = await view(path, { actor: ['disk0'] });
    const n = records.filter((r) => r.ev === 'disk').length;
    expect(lines.filter((l) => l.includes('[disk] disk0:')).length).toBe(n);
    expect(lines.filter((l) => l.includes('[state] disk0: disk')).length).toBe(n * 4);
  });

  it('trace --cause on a request keeps its seek, rotation and transfer', async () => {
    const req = records.find((m) => m.ev === 'send' && m.dst === 'disk0' && m.type === 'DEV_GATHER')!;
    const lines = await view(path, { cause: String(req.id) });
    const diskLines = lines.filter((l) => l.includes('[disk] disk0:'));
    expect(diskLines.length).toBe(records.filter((r) => r.ev === 'disk' && r.cause === req.id).length);
    expect(diskLines.length).toBeGreaterThan(0);
    expect(lines.map((l) => /disk (\w+) -> (\w+)/.exec(l)?.[2]).filter(Boolean)).toEqual(['seeking', 'rotating', 'transferring', 'idle']);
  });
});
