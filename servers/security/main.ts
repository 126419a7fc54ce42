/*
 * The security server (Flask's security server as an actor): load the
 * policy at boot, then answer decisions from the call table.
 *   securityServer(config)   the Program of the security actor; throws ParseError
 *                            (file:line:column) if the boot policy does not compile
 *   SecurityConfig           { policyText?, policyPath, mode }
 */
import { readFileSync } from 'node:fs';
import type { ActorContext, KernelCall } from '../../kernel/index.js';
import { serve } from '../../lib/server.js';
import { loadPolicy } from './compile.js';
import { createModeMachine, type SecurityMode } from './mode.js';
import { securityCallTable, type SecurityState } from './table.js';

export interface SecurityConfig {
  /** The policy.conf text; read from policyPath when absent. */
  readonly policyText?: string;
  /** Where the policy came from: error messages and the trace name it. */
  readonly policyPath: string;
  readonly mode: SecurityMode;
}

export function securityServer(config: SecurityConfig) {
  // Compiled when the system image is built, so a bad policy stops the boot with file:line:column.
  const text = config.policyText ?? readFileSync(config.policyPath, 'utf8');
  const policy = loadPolicy(text, config.policyPath);
  return function* securityMain(ctx: ActorContext): Generator<KernelCall, void, any> {
    const state: SecurityState = { ctx, policy, seqno: 1, mode: createModeMachine(config.mode), clients: new Set(), procs: new Map() };
    ctx.trace('log', { msg: 'policy loaded', policy: config.policyPath, types: policy.types.length, seqno: state.seqno, mode: config.mode });
    yield* serve(securityCallTable(state), { errorReplyType: 'SEC_REPLY' });
  };
}
