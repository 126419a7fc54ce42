/*
 * The built-in replacement policies by name (`vm replacement=NAME`).
 *   REPLACEMENT_NAMES            fifo, lru, clock, optimal
 *   replacementPolicy(name)      the factory, or undefined
 */
import { clockPolicy } from './clock.js';
import { fifoPolicy } from './fifo.js';
import { lruPolicy } from './lru.js';
import { optimalPolicy } from './optimal.js';
import type { PolicyFactory } from './policy.js';

const FACTORIES: Readonly<Record<string, PolicyFactory>> = { fifo: fifoPolicy, lru: lruPolicy, clock: clockPolicy, optimal: optimalPolicy };

export const REPLACEMENT_NAMES: readonly string[] = Object.keys(FACTORIES);

export function replacementPolicy(name: string): PolicyFactory | undefined {
  return Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
}

export type { PolicyContext, PolicyFactory, ReplacementPolicy } from './policy.js';
