/*
 * The file commands of the boot language, end to end: `mksim boot` on a
 * script with a disk and the FS server; processes act with their own
 * credentials (a uid 1000 process gets EACCES on root's 0600 file), through
 * descriptors named in the script. The image passes fsck.minix -f after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootScript } from '../../../cli/commands/boot.js';

const dir = mkdtempSync(join(tmpdir(), 'mksim-fscmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boot(name: string, body: string): { code: number; out: string[]; image: string } {
  const image = join(dir, `${name}.img`);
  const script = join(dir, `${name}.boot`);
  writeFileSync(script, `disk disk0 image=${image} create=4M block-size=1024\nfs root=disk0 cache=64\n\n${body}`);
  const out: string[] = [];
  const code = bootScript(script, { seed: '1' }, (l) => out.push(l), (l) => out.push(`ERR ${l}`));
  return { code, out, image };
}

describe('file commands in boot scripts', () => {
  it('descriptors by name, ln -s, mv, chmod, chown, cd and pipes, with each process its own credentials', () => {
    const { code, out, image } = boot('cmds', `process init uid=0
    mkdir /home 0755
    mkdir /home/alice 0755
    chown 1000:1000 /home/alice
    write /shadow "root:x"
    chmod 0600 /shadow
    open log /home/alice/log O_WRONLY|O_CREAT|O_APPEND
    chown 1000:1000 /home/alice/log
    writefd log "from init, "
    spawn alice
    wait alice
    writefd log "end"
    close log
    cat /home/alice/log
    ln -s /home/alice/log /lnk
    ln /shadow /shadow2
    lstat /lnk
    stat /lnk
    stat /shadow2
    ln -s /nowhere /dangling
    lstat /dangling
    expect ENOENT stat /dangling
    ls /
    rm /dangling
    mv /lnk /lnk2
    cat /lnk2
    expect ENOENT cat /lnk
    pipe r w
    writefd w "through a pipe"
    read r 100
    rm /shadow2
    sync

process alice uid=1000 gid=1000
    cd /home/alice
    write notes.txt "hello, world"
    cat notes.txt
    ls
    expect EACCES cat /shadow
    expect EACCES write /shadow "x"
    expect EPERM chown 0 notes.txt
    expect EPERM chmod 0777 /shadow
    open log log O_WRONLY|O_APPEND
    writefd log "alice, "
    close log
    open f notes.txt O_RDONLY
    lseek f 7
    read f 5
    close f
    expect EBADF read f 1
    expect EACCES open g /shadow O_RDONLY
`);
    expect(out.filter((l) => /: [a-z]+: E[A-Z]+$/.test(l))).toEqual([]);
    expect(out.filter((l) => !l.startsWith('ERR'))).toEqual(expect.arrayContaining([
      'alice: hello, world',
      'alice: log  notes.txt',
      'alice: world',
      'init: from init, alice, end',
      'init: from init, alice, end',
      expect.stringMatching(/^init: \/lnk: inode \d+ symlink mode 0777 links 1 uid 0 gid 0 size 15$/),
      // stat follows the link to /home/alice/log ("from init, alice, end"), lstat does not.
      expect.stringMatching(/^init: \/lnk: inode \d+ file mode 0644 links 1 uid 1000 gid 1000 size 21$/),
      expect.stringMatching(/^init: \/dangling: inode \d+ symlink mode 0777 links 1 uid 0 gid 0 size 8$/),
      'init: dangling  home  lnk  shadow  shadow2',
      expect.stringMatching(/^init: \/shadow2: inode \d+ file mode 0600 links 2 uid 0 gid 0 size 6$/),
      'init: through a pipe',
    ]));
    expect(code).toBe(0);
    expect(spawnSync('fsck.minix', ['-f', image]).status).toBe(0);
  });

  it('lock --wait blocks a second process until the holder closes', () => {
    const { code, out } = boot('locks', `process init uid=0
    write /db "data"
    open d /db O_RDWR
    lock d wr
    spawn waiter
    sleep 5ms
    echo releasing
    close d
    wait waiter

process waiter uid=0
    open d /db O_RDWR
    expect EAGAIN lock d wr
    lock d wr 0 0 --wait
    echo granted
`);
    expect(out.filter((l) => l.includes('releasing') || l.includes('granted'))).toEqual(['init: releasing', 'waiter: granted']);
    expect(code).toBe(0);
  });
});

describe('fsync NAME', () => {
  it('writes the open file to disk before it returns: a power cut right after leaves the data, unlike without it', async () => {
    const { recordWorkload } = await import('../../../cli/crashtest/record.js');
    const { parseBootScript } = await import('../../../cli/boot/parse.js');
    const { readAllFiles } = await import('../../../cli/crashtest/files.js');
    const { imageAfter } = await import('../../../cli/crashtest/record.js');
    const script = (fsync: boolean): string => `disk disk0 create=256K block-size=1024 model=ramdisk\nfs root=disk0 cache=64\nprocess init uid=0
    open f /data O_WRONLY|O_CREAT
    writefd f "durable"
    ${fsync ? 'fsync f' : 'echo no-fsync'}
    echo after
    expect EBADF fsync nosuch
    close f
`;
    for (const fsync of [true, false]) {
      const rec = recordWorkload(parseBootScript(script(fsync), 'fsync.boot'), { seed: 1, scriptPath: 'fsync.boot' });
      expect(rec.exits.map((e) => e.status)).toEqual([0]);
      const at = rec.console.find((m) => m.text === 'after')!.afterWrites;
      const files = readAllFiles(imageAfter(rec, at));
      if (fsync) {
        expect(rec.syncPoints).toEqual([at]);
        expect(files instanceof Map && files.has('/data')).toBe(true);
      } else {
        expect(rec.syncPoints).toEqual([]);
        expect(at).toBe(0);
      }
    }
  });
});
