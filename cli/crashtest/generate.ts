/*
 * Generated crash-consistency workloads (as CrashMonkey/ACE generate them): seeded sequences of
 * create, write, append, rename, link, unlink and mkdir, with `fsync NAME` and `sync` as
 * persistence points, and the model of what each persistence point made durable.
 *   generateWorkload(seed, robust)  -> GeneratedWorkload: the boot script, the calls, and per call
 *                                      the files it may change and (at persistence points) the tree
 *   MARKER                          each call is preceded by `echo @@i`, so the recording knows how
 *                                   many blocks had reached the disk when call i started
 * Every call is valid when it runs (the generator plays the workload on its model), so the workload
 * itself succeeds; fsync is a full persistence point because MINIX VFS `do_fsync` syncs the device.
 */
import { createHash } from 'node:crypto';
import { Prng } from '../../kernel/random.js';

export const MARKER = '@@';

export type Change = { readonly path: string } | { readonly id: number };

export interface GeneratedCall {
  /** The boot-script command. */
  readonly line: string;
  /** What the call may change: paths (and everything under them) and file identities (all their names). */
  readonly changes: readonly Change[];
  /** For a persistence point (sync, fsync): the files then, path -> sha256 of their contents. */
  readonly persisted: ReadonlyMap<string, { readonly id: number; readonly sha256: string }> | null;
}

export interface GeneratedWorkload {
  readonly seed: number;
  readonly script: string;
  readonly calls: readonly GeneratedCall[];
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Contents of `write --bytes N` (lib/shell patternBytes): a, b, ... z, a, ... */
const pattern = (n: number): string => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

export function generateWorkload(seed: number, robust: boolean): GeneratedWorkload {
  const prng = new Prng(seed);
  const text = (n: number): string => Array.from({ length: n }, () => ALPHABET[prng.below(ALPHABET.length)]).join('');
  const pick = <T>(xs: readonly T[]): T => xs[prng.below(xs.length)]!;
  const dirs = new Set<string>(['/']);
  const files = new Map<string, number>();
  const contents = new Map<number, string>();
  let nextId = 1;
  let names = 0;
  const calls: GeneratedCall[] = [];
  const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
  const fresh = (): string => join(pick([...dirs]), `n${names++}`);
  const call = (line: string, changes: Change[], persisted = false): void => {
    const snapshot = persisted ? new Map([...files].map(([p, id]) => [p, { id, sha256: sha256(contents.get(id)!) }])) : null;
    calls.push({ line, changes, persisted: snapshot });
  };
  const create = (path: string, data: string): void => { const id = nextId++; files.set(path, id); contents.set(id, data); };
  const under = (p: string, d: string): boolean => p === d || p.startsWith(`${d}/`);

  const length = 15 + prng.below(26);
  while (calls.length < length) {
    const r = prng.below(100);
    const fileList = [...files.keys()];
    if (r < 10 && dirs.size < 8) {
      const path = fresh();
      dirs.add(path);
      call(`mkdir ${path}`, [{ path }]);
    } else if (r < 30 || fileList.length === 0) {
      const path = fresh();
      if (prng.below(5) === 0) { const n = 1 + prng.below(12000); create(path, pattern(n)); call(`write --bytes ${n} ${path}`, [{ path }]); }
      else { const data = text(prng.below(2500)); create(path, data); call(`write ${path} "${data}"`, [{ path }]); }
    } else if (r < 38) {
      const path = pick(fileList);
      const id = files.get(path)!;
      const data = text(prng.below(2500));
      contents.set(id, data);
      call(`write ${path} "${data}"`, [{ id }]);
    } else if (r < 48) {
      const path = pick(fileList);
      const id = files.get(path)!;
      const data = text(1 + prng.below(1500));
      contents.set(id, contents.get(id)! + data);
      call(`write --append ${path} "${data}"`, [{ id }]);
    } else if (r < 62) {
      // Through a descriptor, fsync'd most of the time.
      const path = prng.below(3) === 0 ? fresh() : pick(fileList);
      if (!files.has(path)) create(path, '');
      const id = files.get(path)!;
      const name = `f${calls.length}`;
      call(`open ${name} ${path} O_WRONLY|O_CREAT|O_APPEND`, [{ path }, { id }]);
      for (let i = 0, n = 1 + prng.below(3); i < n; i++) {
        const data = text(1 + prng.below(1200));
        contents.set(id, contents.get(id)! + data);
        call(`writefd ${name} "${data}"`, [{ id }]);
      }
      if (prng.below(4) !== 0) call(`fsync ${name}`, [], true);
      call(`close ${name}`, []);
    } else if (r < 72) {
      // Rename a file (over a fresh name or another file) or a directory (not into itself).
      const dirList = [...dirs].filter((d) => d !== '/');
      if (dirList.length > 0 && prng.below(4) === 0) {
        const from = pick(dirList);
        const to = join(pick([...dirs].filter((d) => !under(d, from))), `n${names++}`);
        for (const d of [...dirs]) if (under(d, from)) { dirs.delete(d); dirs.add(to + d.slice(from.length)); }
        for (const [p, id] of [...files]) if (under(p, from)) { files.delete(p); files.set(to + p.slice(from.length), id); }
        call(`mv ${from} ${to}`, [{ path: from }, { path: to }]);
      } else {
        const from = pick(fileList);
        // Not over another name of the same file: rename(2) then does nothing.
        const others = fileList.filter((p) => files.get(p) !== files.get(from));
        const to = others.length > 0 && prng.below(3) === 0 ? pick(others) : fresh();
        const id = files.get(from)!;
        files.delete(from);
        files.set(to, id);
        call(`mv ${from} ${to}`, [{ path: from }, { path: to }]);
      }
    } else if (r < 80) {
      const from = pick(fileList);
      const to = fresh();
      files.set(to, files.get(from)!);
      call(`ln ${from} ${to}`, [{ path: to }]);
    } else if (r < 88) {
      const path = pick(fileList);
      files.delete(path);
      call(`rm ${path}`, [{ path }]);
    } else {
      call('sync', [], true);
    }
  }
  const body = calls.flatMap((c, i) => [`    echo ${MARKER}${i}`, `    ${c.line}`]);
  const script = [
    `# mksim crashtest --generate: workload seed ${seed}. Each call is preceded by \`echo ${MARKER}i\`, so the`,
    '# recording knows which calls had started when each block reached the disk.',
    'disk     disk0 create=1M block-size=1024 model=hp97560 sched=look',
    `fs       root=disk0 cache=32 robust=${robust ? 'on' : 'off'}`,
    'clock    mode=tickless',
    '',
    'process init uid=0',
    ...body,
    '',
  ].join('\n');
  return { seed, script, calls };
}
