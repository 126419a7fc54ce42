// wc: print the lines, words and bytes of a file, as `wc FILE` does:
//   "   LINES   WORDS   BYTES FILE"  (each count right-aligned in 7 columns, a space after each)
// Exit 0; if the file cannot be opened, print "wc: FILE: ERRNO" and exit 1.
// sys.open/read/close are the system calls (docs/boot-scripts.md, types/mksim-program.d.ts);
// a call returns a negative errno on failure.
export default function* (sys) {
  const path = sys.args[0];
  const fd = yield* sys.open(path, 0);
  if (fd < 0) {
    sys.print(`wc: ${path}: ${fd}`);   // TODO: the errno's name (ENOENT), not its number
    return 1;
  }
  // TODO: read the whole file (in chunks: a read returns at most what the buffer holds, 0 at the end)
  // and count lines (newlines), words (runs of non-space characters) and bytes.
  const buffer = new Uint8Array(16);
  const n = yield* sys.read(fd, buffer);
  yield* sys.close(fd);
  sys.print(`${String(0).padStart(7)} ${String(0).padStart(7)} ${String(n).padStart(7)} ${path}`);
  return 0;
}
