/*
 * The built-in policies by name (the boot script's `sched policy=NAME`).
 *   POLICIES          name -> SchedPolicy
 *   policyNamed(n)    the policy, or undefined
 */
import { lotteryPolicy } from './lottery.js';
import { minixPolicy } from './minix.js';
import { mlfqPolicy } from './mlfq.js';
import type { SchedPolicy } from './policy.js';
import { rrPolicy } from './rr.js';
import { ownValue } from '../../lib/own.js';

export const POLICIES: Readonly<Record<string, SchedPolicy>> = {
  minix: minixPolicy,
  rr: rrPolicy,
  mlfq: mlfqPolicy,
  lottery: lotteryPolicy,
};

export const POLICY_NAMES = Object.keys(POLICIES);

export function policyNamed(name: string): SchedPolicy | undefined {
  return ownValue(POLICIES, name);
}
