/*
 * The SELinux lab (docs/labs/selinux.md): examples/selinux-passwd.boot,
 * enforcing and permissive; the transcripts `mksim boot` prints, the domain
 * transition in the trace, and the AVC lookups per object manager; then
 * examples/selinux-su.boot (su, passwd as root, the passwd class, setuid).
 *   selinuxLab   the registry entry
 */
import { serializeRecord, type TraceRecord } from '../../kernel/index.js';
import { isAvcCacheRecord, isAvcDenial } from '../trace/stats.js';
import { examplePath, runBoot, type BootRunResult } from './boot-run.js';
import { fenced, fixed, mdTable } from './markdown.js';
import { barChart } from './svg.js';
import type { LabSpec } from './types.js';

const SCRIPT = 'examples/selinux-passwd.boot';
const SU_SCRIPT = 'examples/selinux-su.boot';

const isAudit = (line: string): boolean => line.startsWith('type=AVC') || line.startsWith('type=USER_AVC');

interface ModeFigures {
  readonly mode: string;
  readonly exitCode: number;
  readonly denials: number;
  readonly granted: number;
  readonly avcCache: { proc: string; lookups: number; hits: number; misses: number }[];
}

function figures(mode: string, run: BootRunResult): ModeFigures {
  const avc = run.records.filter((r) => r.ev === 'avc');
  const byProc = new Map<string, { hits: number; misses: number }>();
  for (const r of run.records.filter(isAvcCacheRecord)) {
    const proc = String(r.proc);
    const entry = byProc.get(proc) ?? { hits: 0, misses: 0 };
    if (r.op === 'hit') entry.hits++;
    else if (r.op === 'miss') entry.misses++;
    byProc.set(proc, entry);
  }
  return {
    mode, exitCode: run.exitCode,
    denials: avc.filter(isAvcDenial).length,
    granted: avc.filter((r) => !isAvcDenial(r)).length,
    avcCache: [...byProc].sort(([a], [b]) => a.localeCompare(b)).map(([proc, c]) => ({ proc, lookups: c.hits + c.misses, ...c })),
  };
}

/** The records that show pw's exec changing domain: fork, PM asking the security server, the new context, the write it allows. */
function transition(records: readonly TraceRecord[]): string[] {
  const wanted = (r: TraceRecord): boolean =>
    (r.ev === 'proc' && (r.op === 'fork' && r.child === 'pw' || r.op === 'exec-context' || r.op === 'exec' && r.program === 'passwd'))
    || (r.ev === 'send' && (r.type === 'SEC_EXEC' || r.type === 'FS_PM_SETCON' && (r as { msg?: { exec?: boolean } }).msg?.exec === true))
    || (r.ev === 'avc' && !isAvcDenial(r) && r.comm === 'pw');
  return records.filter(wanted).map((r) => serializeRecord(r).trimEnd());
}

/** The userspace object managers' questions on class passwd and the answers: compute_av sent, the reply, the avc record. */
function passwdClass(records: readonly TraceRecord[]): string[] {
  const asked = new Set<unknown>();
  const lines: string[] = [];
  for (const r of records) {
    const msg = (r as { msg?: { tclass?: unknown } }).msg;
    if (r.ev === 'send' && r.type === 'SEC_COMPUTE_AV' && msg?.tclass === 'passwd') asked.add(r.id);
    const answer = r.ev === 'reply' || r.ev === 'send' ? asked.has((r as { cause?: unknown }).cause) && r.src === 'security' : false;
    if ((r.ev === 'send' && asked.has(r.id)) || answer || (r.ev === 'avc' && r.tclass === 'passwd')) lines.push(serializeRecord(r).trimEnd());
  }
  return lines;
}

export const selinuxLab: LabSpec = {
  name: 'selinux',
  title: 'type enforcement and a domain transition (passwd)',
  doc: 'selinux.md',
  plotDescription: 'AVC decisions logged, enforcing vs permissive',
  run() {
    const path = examplePath('selinux-passwd.boot');
    const enforcing = runBoot(path, { records: true });
    const permissive = runBoot(path, { records: true, sets: ['security.mode=permissive'] });
    const e = figures('enforcing', enforcing);
    const p = figures('permissive', permissive);
    const su = runBoot(examplePath('selinux-su.boot'), { records: true });
    const suText = fenced([
      `$ mksim boot ${SU_SCRIPT} --audit build/su-audit.log`,
      ...su.stdout,
      ...su.stderr.filter((l) => !isAudit(l)),
      '$ echo $?',
      String(su.exitCode),
      '$ cat build/su-audit.log',
      ...su.stderr.filter(isAudit),
    ]);
    const enforcingText = fenced([
      `$ mksim boot ${SCRIPT} --audit build/audit.log`,
      ...enforcing.stdout,
      ...enforcing.stderr.filter((l) => !isAudit(l)),
      '$ echo $?',
      String(enforcing.exitCode),
      '$ cat build/audit.log',
      ...enforcing.stderr.filter(isAudit),
    ]);
    // stdout first, then stderr (the AVC lines and the summary), as `2>&1` into a file orders them only by chance.
    const permissiveText = fenced([
      `$ mksim boot ${SCRIPT} --set security.mode=permissive --trace build/pwp.jsonl`,
      ...permissive.stdout,
      ...permissive.stderr,
    ]);
    const avcTable = mdTable(
      [{ title: 'mode' }, { title: 'object manager' }, { title: 'AVC lookups', align: 'right' }, { title: 'hits', align: 'right' }, { title: 'misses (SEC_COMPUTE_AV)', align: 'right' }, { title: 'hit ratio', align: 'right' }],
      [e, p].flatMap((m) => m.avcCache.map((c) => [m.mode, c.proc, c.lookups, c.hits, c.misses, fixed(c.hits / c.lookups, 2)])),
    );
    const plot = barChart({
      title: 'selinux-passwd.boot: AVC decisions logged', yLabel: 'avc records',
      bars: ['denied', 'granted (auditallow)'],
      groups: [e, p].map((m) => ({ label: m.mode, values: [m.denials, m.granted] })),
    });
    return {
      sections: [
        { name: 'enforcing', title: 'Enforcing', text: enforcingText },
        { name: 'transition', title: 'The transition in the trace (enforcing)', text: fenced(transition(enforcing.records)) },
        { name: 'avc-cache', title: 'AVC lookups per object manager', text: avcTable },
        { name: 'permissive', title: 'Permissive', text: permissiveText },
        { name: 'su', title: 'su, passwd as root, an administrator, setuid', text: suText },
        { name: 'passwd-class', title: 'The passwd class in the trace', text: fenced(passwdClass(su.records)) },
      ],
      data: [e, p, figures('su', su)],
      plot,
    };
  },
};
