import { describe, expect, it } from 'vitest';
import { EINVAL, type Envelope } from '../../../kernel/index.js';
import { validateRequest } from '../../../servers/fs/table.js';

const req = (fields: Record<string, unknown>): Envelope => ({ source: 9, ...fields }) as unknown as Envelope;

describe('the FS request check (validateRequest)', () => {
  it('passes well-formed requests and refuses a wrong field type with EINVAL, per request type', () => {
    const good: Record<string, unknown>[] = [
      { type: 'FS_LSEEK', fd: 3, offset: 0, whence: 0 },
      { type: 'FS_DUP2', fd: 3, fd2: 1 },
      { type: 'FS_OPEN', path: '/f', flags: 2 },
      { type: 'FS_CREATE', path: '/f', mode: 0o644, uid: 1 },
      { type: 'FS_SETFSCREATE', context: null },
      { type: 'FS_SOCKET', kind: 'dgram' },
      { type: 'FS_FCNTL', fd: 1, cmd: 2, lock: { type: 1, whence: 0, start: 0, len: 10 } },
    ];
    for (const m of good) expect(validateRequest(req(m)), String(m.type)).toBe(0);
    const bad: Record<string, unknown>[] = [
      { type: 'FS_LSEEK', fd: 3, offset: 0.5, whence: 0 },
      { type: 'FS_DUP2', fd: 3 },
      { type: 'FS_OPEN', path: 7, flags: 2 },
      { type: 'FS_CREATE', path: '/f', mode: -1 },
      { type: 'FS_SETFSCREATE', context: 3 },
      { type: 'FS_SOCKET', kind: 'raw' },
      { type: 'FS_FCNTL', fd: 1, cmd: 2, lock: { type: 1 } },
      { type: 'FS_STAT' },
    ];
    for (const m of bad) expect(validateRequest(req(m)), String(m.type)).toBe(EINVAL);
  });

  it('leaves a type it has no check for (or a type that is no string) to the table', () => {
    expect(validateRequest(req({ type: 'FS_SYNC' }))).toBe(0);
    expect(validateRequest(req({ type: 'toString' }))).toBe(0);
    expect(validateRequest(req({ type: 42 }))).toBe(0);
  });
});
