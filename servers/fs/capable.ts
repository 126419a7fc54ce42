/*
 * Capabilities in the FS: the superuser's overrides, each asked of the
 * policy as Linux's capable() asks SELinux (selinux_capable ->
 * cred_has_capability: the `capability` class, source = target = the
 * caller's own context). Root in a confined domain needs the rule.
 *   capable(fs, who, cap)      yield*: true when the caller is root and (with MAC) the policy grants capability:cap
 *   Capability, CAPABILITY_NR  the names this FS asks for and their Linux numbers (the audit line's capability=)
 * mksim simplification: root (uid 0) holds every capability, as Linux's cap_capable for a root process.
 */
import type { KernelCall } from '../../kernel/index.js';
import { macCheckContext, subjectOf } from './mac.js';
import type { FsState, Who } from './state.js';

export type Capability = 'chown' | 'dac_override' | 'dac_read_search' | 'fowner' | 'fsetid' | 'sys_chroot';

/** include/uapi/linux/capability.h */
export const CAPABILITY_NR: Readonly<Record<Capability, number>> = {
  chown: 0, dac_override: 1, dac_read_search: 2, fowner: 3, fsetid: 4, sys_chroot: 18,
};

export function* capable(fs: FsState, who: Who, cap: Capability): Generator<KernelCall, boolean, any> {
  // cap_capable first: without the capability SELinux is never asked (and nothing is logged).
  if (who.uid !== 0) return false;
  if (fs.mac === undefined) return true;
  const self = subjectOf(fs, who);
  return (yield* macCheckContext(fs, who, self, 'capability', cap, 0, undefined, { capability: CAPABILITY_NR[cap] })) === 0;
}
