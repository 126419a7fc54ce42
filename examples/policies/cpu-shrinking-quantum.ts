// A CPU scheduling policy for the SCHED server (boot script: `sched policy=policies/cpu-shrinking-quantum.ts`).
// Every process stays in its best queue; one that uses its whole quantum gets half of it next
// time (down to a floor), so CPU-bound processes switch more often and the others wait less.
// The interface is servers/sched/policy.ts SchedPolicy; docs/extending.md walks through it.

interface Proc { readonly endpoint: number; readonly name: string; readonly maxPriority: number; readonly priority: number; readonly quantumNs: number; readonly baseQuantumNs: number }

const MIN_QUANTUM_NS = 1_000_000;

export default {
  name: 'shrinking-quantum',
  init: (p: Proc) => ({ priority: p.maxPriority, quantumNs: p.baseQuantumNs }),
  noQuantum: (p: Proc) => ({ priority: p.maxPriority, quantumNs: Math.max(MIN_QUANTUM_NS, Math.floor(p.quantumNs / 2)) }),
};
