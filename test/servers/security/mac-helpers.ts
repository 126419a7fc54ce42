/*
 * Helpers for the MAC tests: a small policy with rules added per test, and
 * a boot script run through `bootScript` in a temporary folder.
 *   testPolicy(rules)            a policy.conf: classes as base.conf, init_t unrestricted (and system_r may
 *                                change to user_r and staff_r: init starts the user blocks), user_t bare
 *   bootWith(script, policy, opts)   write both, boot, return exit code, stdout, stderr (audit lines) and the folder
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootScript } from '../../../cli/commands/boot.js';

export function testPolicy(rules: readonly string[]): string {
  return `
class process
class file
class dir
class fd
class lnk_file
class chr_file
class blk_file
class fifo_file
class sock_file
class filesystem
class security
class capability
sid kernel
sid security
sid unlabeled
sid file
common file { read write create unlink getattr setattr append rename link relabelfrom relabelto execute lock ioctl open }
class process { fork transition sigchld sigkill sigstop signull signal ptrace getsched setsched getattr setexec setfscreate getcap setcap execheap setcurrent dyntransition }
class file inherits file { execute_no_trans entrypoint }
class dir inherits file { add_name remove_name reparent search rmdir }
class fd { use }
class lnk_file inherits file
class chr_file inherits file { execute_no_trans entrypoint }
class blk_file inherits file
class fifo_file inherits file
class sock_file inherits file
class filesystem { mount remount unmount getattr relabelfrom relabelto associate }
class security { compute_av compute_create check_context load_policy setenforce }
class capability { chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap }
attribute domain;
attribute file_type;
type kernel_t, domain;
type init_t, domain;
type user_t, domain;
type newdom_t, domain;
type unlabeled_t, file_type;
type dir_t, file_type;
type file_t, file_type;
type new_t, file_type;
type named_t, file_type;
type exec_t, file_type;
type mnt_t, file_type;
permissive kernel_t;
role system_r;
role user_r;
role staff_r;
role system_r types { kernel_t init_t };
role user_r types { user_t newdom_t };
role staff_r types { user_t };
allow system_r { user_r staff_r };
allow init_t self:process *;
allow init_t self:capability *;
allow init_t domain:process *;
allow init_t file_type:dir *;
allow init_t file_type:file *;
allow init_t file_type:{ lnk_file chr_file blk_file fifo_file sock_file } *;
allow user_t unlabeled_t:dir search;
# No fs_use rule: the superblock's context is the initial SID unlabeled (security_fs_use).
allow file_type unlabeled_t:filesystem associate;
${rules.join('\n')}
user system_u roles { system_r object_r };
user user_u roles { user_r staff_r };
sid kernel system_u:system_r:kernel_t
sid security system_u:object_r:unlabeled_t
sid unlabeled system_u:object_r:unlabeled_t
sid file system_u:object_r:unlabeled_t
`;
}

export interface BootResult {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly audit: string[];
  readonly dir: string;
}

export function bootWith(script: string, policy: string | null, opts: { set?: string[]; trace?: string; dir?: string } = {}): BootResult {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mksim-mac-'));
  if (policy !== null) writeFileSync(join(dir, 'policy.conf'), policy);
  const path = join(dir, 'test.boot');
  writeFileSync(path, script);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = bootScript(path, { ...(opts.set ? { set: opts.set } : {}), ...(opts.trace ? { trace: opts.trace } : {}) }, (l) => stdout.push(l), (l) => stderr.push(l));
  return { code, stdout, stderr, audit: stderr.filter((l) => l.startsWith('type=AVC')), dir };
}
