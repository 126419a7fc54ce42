/*
 * smbd: a "vulnerable" file server for the SELinux memory-controls example
 * (examples/selinux-samba.boot). It reads requests from a spool file, one a
 * line, and serves each through a heap buffer:
 *   GET PATH   read the file into the heap buffer and print its size
 *   EXPLOIT    a crafted request: the overflow's payload asks for an executable heap
 *              (mprotect heap rwx), as the seed's Samba story has it; SELinux's
 *              process:execheap decides. The server goes on serving either way.
 *   smbd SPOOL   (argv: the spool file)
 */
import { errnoName } from '../../kernel/errno.js';
import { readFile } from '../syscalls/fs.js';
import * as vm from '../syscalls/vm.js';
import type { SysGen, UserProcess } from '../user/process.js';

/** Requests served at most (a bound on the loop). */
const MAX_REQUESTS = 1000;
const BUFFER_BYTES = 16 * 1024;

export function* smbd(proc: UserProcess): SysGen<number> {
  const spool = proc.ctx.args[0];
  if (spool === undefined) { proc.print('usage: smbd SPOOL'); return 2; }
  const heap = yield* vm.brk(proc, BUFFER_BYTES);
  if (heap < 0) { proc.print(`smbd: brk: ${errnoName(heap)}`); return 1; }
  const where = yield* vm.region(proc, 'heap');
  if (typeof where === 'number') return 1;
  const text = yield* readFile(proc, spool);
  if (typeof text === 'number') { proc.print(`smbd: ${spool}: ${errnoName(text)}`); return 1; }
  const requests = new TextDecoder().decode(text).split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, MAX_REQUESTS);
  for (const request of requests) {
    const [verb, arg] = request.split(/\s+/);
    if (verb === 'GET' && arg !== undefined) {
      const data = yield* readFile(proc, arg);
      if (typeof data === 'number') { proc.print(`smbd: GET ${arg}: ${errnoName(data)}`); continue; }
      // The buffer is the heap's first bytes: what the request overflows.
      const bytes = data.subarray(0, BUFFER_BYTES);
      for (let off = 0; off < bytes.length; off += where.pageSize) {
        yield* vm.store(proc, where.addr + off, bytes.subarray(off, Math.min(bytes.length, off + where.pageSize)));
      }
      proc.print(`smbd: GET ${arg}: ${data.length} bytes`);
    } else if (verb === 'EXPLOIT') {
      // The overflow has written its shellcode into the heap; to run it, the heap must be executable.
      const r = yield* vm.mprotect(proc, 'heap', vm.PROT_READ | vm.PROT_WRITE | vm.PROT_EXEC);
      proc.print(r < 0 ? `smbd: exploit failed: mprotect heap rwx: ${errnoName(r)}` : 'smbd: exploit succeeded: the heap is executable (the shellcode would run)');
    } else {
      proc.print(`smbd: bad request: ${request.slice(0, 80)}`);
    }
  }
  proc.print(`smbd: served ${requests.length} requests`);
  return 0;
}
