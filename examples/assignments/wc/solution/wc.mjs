// The reference solution of examples/assignments/wc (hidden from students).
const ERRNO = { [-2]: 'ENOENT', [-13]: 'EACCES', [-21]: 'EISDIR' };

export default function* (sys) {
  const path = sys.args[0];
  const fd = yield* sys.open(path, 0);
  if (fd < 0) {
    sys.print(`wc: ${path}: ${ERRNO[fd] ?? fd}`);
    return 1;
  }
  // Big reads: one FS request per 4 KiB, not per byte.
  const buffer = new Uint8Array(4096);
  let lines = 0, words = 0, bytes = 0, inWord = false;
  for (;;) {
    const n = yield* sys.read(fd, buffer);
    if (n < 0) { yield* sys.close(fd); sys.print(`wc: ${path}: ${ERRNO[n] ?? n}`); return 1; }
    if (n === 0) break;
    bytes += n;
    for (let i = 0; i < n; i++) {
      const c = buffer[i];
      if (c === 10) lines++;
      const space = c === 32 || (c >= 9 && c <= 13);
      if (!space && !inWord) words++;
      inWord = !space;
    }
  }
  yield* sys.close(fd);
  const col = (v) => String(v).padStart(7);
  sys.print(`${col(lines)} ${col(words)} ${col(bytes)} ${path}`);
  return 0;
}
