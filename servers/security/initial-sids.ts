/*
 * Initial SIDs by position, as the Linux kernel numbers them: the n-th `sid` declaration of a policy is SID n
 * (policydb_load_isids keys each initial context by `c->sid[0]`, its position), whatever name the policy gives it.
 *   initialSidContext(policy, name)   the context of the kernel's initial SID called `name` in Linux's table
 *                                     (SECINITSID_KERNEL = 1, ...): the policy's context at that position; one
 *                                     the policy leaves undefined reads as the unlabeled SID's, as Linux's
 *                                     sidtab_search falls back to SECINITSID_UNLABELED (null if that is undefined too)
 * The names below are Linux's initial_sid_to_string (and refpolicy's initial_sids file) in order; only the
 * position matters to the kernel, the names only to people reading a policy.
 */
import type { CompiledPolicy, SecurityContext } from './policy.js';

export const LINUX_INITIAL_SIDS: readonly string[] = [
  'kernel', 'security', 'unlabeled', 'fs', 'file', 'file_labels', 'init', 'any_socket', 'port', 'netif', 'netmsg', 'node',
  'igmp_packet', 'icmp_socket', 'tcp_socket', 'sysctl_modprobe', 'sysctl', 'sysctl_fs', 'sysctl_kernel', 'sysctl_net',
  'sysctl_net_unix', 'sysctl_vm', 'sysctl_dev', 'kmod', 'policy', 'scmp_packet', 'devnull',
];

export function initialSidContext(policy: Pick<CompiledPolicy, 'initialSids'>, name: string): SecurityContext | null {
  const n = LINUX_INITIAL_SIDS.indexOf(name);
  if (n < 0) return null;
  return atPosition(policy, n) ?? (n === UNLABELED ? null : atPosition(policy, UNLABELED));
}

/** SECINITSID_UNLABELED's index: an initial SID the policy leaves undefined reads as it (sidtab_search's fallback). */
const UNLABELED = 2;

function atPosition(policy: Pick<CompiledPolicy, 'initialSids'>, n: number): SecurityContext | null {
  let i = 0;
  // Declaration order is the Map's insertion order (compile.ts sets each `sid NAME` as it is declared).
  for (const context of policy.initialSids.values()) if (i++ === n) return context;
  return null;
}
