/*
 * `mksim lab labeled-networking`: the transcripts and tables in
 * docs/labs/labeled-networking.md are what the lab prints (the one doc-region
 * check, test/support/lab-docs.ts), and the figures behind them say what the
 * doc claims: who reached whom in each mode, where the denials were logged,
 * and that a lossy link costs retransmissions but never the page.
 */
import { describe, expect, it } from 'vitest';
import { labeledNetworkingLab, type LossFigures, type PairFigures, type WireFigures } from '../../../cli/lab/labeled-networking.js';
import { expectDocMatches } from '../../support/lab-docs.js';

/** The lab runs 3 multi-host systems and 35 lossy-link runs; a loaded machine (2 cores shared) needs room. */
const SLOW_MS = 240_000;

describe('mksim lab labeled-networking', () => {
  it('the doc regions are what the lab prints; the pairs, the denials and the lossy link say what the doc says', () => {
    const result = labeledNetworkingLab.run({});
    expectDocMatches(labeledNetworkingLab, result);
    const data = result.data as { pairs: PairFigures[]; wire: WireFigures[]; loss: LossFigures[] };
    const pair = (run: string, browser: string, server: string): PairFigures | undefined =>
      data.pairs.find((p) => p.run === run && p.browser === browser && p.server === server);

    // Enforcing: each browser gets its own server's page; the crossed connect is refused on the desk (polmatch), nothing leaves it.
    expect(pair('enforcing', 'internal_browser_t', 'intranet')).toMatchObject({ result: '200 OK', serverSaw: 'GET /intranet', denials: 'none' });
    expect(pair('enforcing', 'internal_browser_t', 'internet')).toMatchObject({ result: 'EACCES', serverSaw: null, denials: 'desk: polmatch × 1' });
    expect(pair('enforcing', 'external_browser_t', 'intranet')).toMatchObject({ result: 'EACCES', serverSaw: null, denials: 'desk: polmatch × 1' });
    // Permissive: the crossed connections go through; both sides log what they would have denied.
    expect(pair('permissive', 'external_browser_t', 'intranet')).toMatchObject({ result: 'ok', serverSaw: '', denials: 'desk: polmatch × 1, intranet: recvfrom × 1' });
    // Only the desk permissive: the enforcing server drops every SYN (the first and MAX_RETRIES=15 more), the browser times out.
    const timedOut = pair('desk permissive', 'internal_browser_t', 'internet')!;
    expect(timedOut).toMatchObject({ result: 'ETIMEDOUT', serverSaw: null });
    expect(Number(/internet: recvfrom × (\d+)/.exec(timedOut.denials)?.[1])).toBeGreaterThanOrEqual(16);

    const [enforcing, permissive, deskOnly] = data.wire;
    // The desk's SYNs to each server: the browser's own connection and init's QUIT; permissive adds the crossed one; desk-only its 16 tries.
    expect(enforcing).toMatchObject({ run: 'enforcing', exitCode: 0, synsToIntranet: 2, synsToInternet: 2, denialsDesk: 2, denialsIntranet: 0, denialsInternet: 0 });
    expect(permissive).toMatchObject({ exitCode: 1, synsToIntranet: 3, synsToInternet: 3, denialsDesk: 2, denialsIntranet: 1, denialsInternet: 1 });
    expect(deskOnly).toMatchObject({ exitCode: 1, synsToIntranet: 2 + 16, synsToInternet: 2 + 16 });

    // The lossy link: every run delivers the 38-byte page whole and exits 0; no loss, no retransmission; more loss, more of them.
    expect(data.loss).toHaveLength(7 * 5);
    for (const f of data.loss) expect({ exit: f.exitCode, page: f.pageBytes }, `loss ${f.loss} seed ${f.seed}`).toEqual({ exit: 0, page: 38 });
    const at = (loss: number): LossFigures[] => data.loss.filter((f) => f.loss === loss);
    expect(at(0).every((f) => f.framesLost === 0 && f.retransmissions === 0)).toBe(true);
    const total = (loss: number): number => at(loss).reduce((n, f) => n + f.retransmissions, 0);
    expect(total(0.6)).toBeGreaterThan(total(0.2));
    expect(total(0.2)).toBeGreaterThan(0);

    // The plot: one line per seed and the mean; a second run in this process gives the same bytes.
    expect(result.plot).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(result.plot.match(/<polyline /g)).toHaveLength(6);
    expect(labeledNetworkingLab.run({}).plot).toBe(result.plot);
  }, SLOW_MS);
});
