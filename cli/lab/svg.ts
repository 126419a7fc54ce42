/*
 * Plots as plain SVG text, the same bytes on every run (no fonts measured,
 * no dates, numbers printed with fixed decimals).
 *   lineChart(spec)   series of (x, y) points; optional log scales
 *   barChart(spec)    groups of bars (one bar per series in each group)
 *   stackCharts(svgs) several charts in one document, one under the other
 * Axes get five ticks; colours come from one fixed palette, in series order.
 */

const WIDTH = 720;
const HEIGHT = 400;
const LEFT = 70;
const RIGHT = 200;
const TOP = 40;
const BOTTOM = 60;
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
/** Series or groups a plot may hold: more would be unreadable (and a bound on the text). */
const MAX_SERIES = 16;
const MAX_POINTS = 1000;

export interface Series {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly logX?: boolean;
  readonly logY?: boolean;
}

export interface BarChartSpec {
  readonly title: string;
  readonly yLabel: string;
  /** Bar names, one per bar of every group (the legend). */
  readonly bars: readonly string[];
  readonly groups: ReadonlyArray<{ readonly label: string; readonly values: readonly number[] }>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** A tick label: short, with no float noise. */
function tickText(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(1);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

interface Axis {
  map(v: number): number;
  ticks: number[];
}

function axis(lo: number, hi: number, log: boolean, from: number, to: number): Axis {
  if (log) {
    const a = Math.floor(Math.log10(Math.max(lo, 1e-12)));
    const b = Math.max(a + 1, Math.ceil(Math.log10(Math.max(hi, 1e-12))));
    const ticks: number[] = [];
    for (let e = a; e <= b && ticks.length < 12; e++) ticks.push(10 ** e);
    return { map: (v) => from + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * (to - from), ticks };
  }
  const low = Math.min(0, lo);
  const span = hi > low ? hi - low : 1;
  const step = niceStep(span / 5);
  const top = Math.ceil(hi / step) * step || step;
  const bottom = Math.floor(low / step) * step;
  const ticks: number[] = [];
  for (let v = bottom; v <= top + step / 2 && ticks.length < 12; v += step) ticks.push(Number(v.toPrecision(12)));
  return { map: (v) => from + ((v - bottom) / (top - bottom)) * (to - from), ticks };
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function yAxis(y: Axis, label: string, x0: number, x1: number): string[] {
  const out = [`<line x1="${x0}" y1="${TOP}" x2="${x0}" y2="${HEIGHT - BOTTOM}" stroke="black"/>`];
  for (const t of y.ticks) {
    const py = num(y.map(t));
    out.push(`<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#ddd"/>`);
    out.push(`<text x="${x0 - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(tickText(t))}</text>`);
  }
  out.push(`<text transform="translate(16 ${(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  return out;
}

function legend(labels: readonly string[]): string[] {
  return labels.flatMap((l, i) => {
    const y = TOP + 10 + i * 18;
    return [
      `<rect x="${WIDTH - RIGHT + 14}" y="${y - 6}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${WIDTH - RIGHT + 32}" y="${y}" dominant-baseline="middle">${esc(l)}</text>`,
    ];
  });
}

function checkSize(count: number, points: number): void {
  if (count === 0 || count > MAX_SERIES) throw new Error(`plot: ${count} series (1 to ${MAX_SERIES})`);
  if (points > MAX_POINTS) throw new Error(`plot: ${points} points (at most ${MAX_POINTS})`);
}

export function lineChart(spec: LineChartSpec): string {
  checkSize(spec.series.length, spec.series.reduce((n, s) => n + s.points.length, 0));
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const x = axis(Math.min(...xs), Math.max(...xs), spec.logX === true, LEFT, WIDTH - RIGHT);
  const y = axis(Math.min(...ys), Math.max(...ys), spec.logY === true, HEIGHT - BOTTOM, TOP);
  const body = yAxis(y, spec.yLabel, LEFT, WIDTH - RIGHT);
  body.push(`<line x1="${LEFT}" y1="${HEIGHT - BOTTOM}" x2="${WIDTH - RIGHT}" y2="${HEIGHT - BOTTOM}" stroke="black"/>`);
  const xTicks = spec.logX === true ? [...new Set(xs)].sort((a, b) => a - b) : x.ticks;
  for (const t of xTicks) {
    body.push(`<text x="${num(x.map(t))}" y="${HEIGHT - BOTTOM + 18}" text-anchor="middle">${esc(tickText(t))}</text>`);
  }
  body.push(`<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 14}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const pts = s.points.map(([px, py]) => `${num(x.map(px))},${num(y.map(py))}`);
    body.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of pts) {
      const [cx, cy] = p.split(',');
      body.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
    }
  });
  body.push(...legend(spec.series.map((s) => s.label)));
  return frame(spec.title, body);
}

export function barChart(spec: BarChartSpec): string {
  checkSize(spec.groups.length, spec.groups.length * spec.bars.length);
  const values = spec.groups.flatMap((g) => g.values);
  const y = axis(Math.min(...values), Math.max(...values), false, HEIGHT - BOTTOM, TOP);
  const body = yAxis(y, spec.yLabel, LEFT, WIDTH - RIGHT);
  body.push(`<line x1="${LEFT}" y1="${HEIGHT - BOTTOM}" x2="${WIDTH - RIGHT}" y2="${HEIGHT - BOTTOM}" stroke="black"/>`);
  const groupWidth = (WIDTH - RIGHT - LEFT) / spec.groups.length;
  const barWidth = (groupWidth * 0.8) / Math.max(1, spec.bars.length);
  const base = y.map(0);
  spec.groups.forEach((g, gi) => {
    const gx = LEFT + gi * groupWidth + groupWidth * 0.1;
    g.values.forEach((v, bi) => {
      const top = y.map(v);
      body.push(`<rect x="${num(gx + bi * barWidth)}" y="${num(Math.min(top, base))}" width="${num(barWidth * 0.9)}" height="${num(Math.abs(base - top))}" fill="${PALETTE[bi % PALETTE.length]}"><title>${esc(`${g.label} ${spec.bars[bi] ?? ''}: ${tickText(v)}`)}</title></rect>`);
    });
    body.push(`<text x="${num(LEFT + (gi + 0.5) * groupWidth)}" y="${HEIGHT - BOTTOM + 18}" text-anchor="middle">${esc(g.label)}</text>`);
  });
  body.push(...legend(spec.bars));
  return frame(spec.title, body);
}

/** Several charts in one SVG document, one under the other (a lab with more than one plot). */
export function stackCharts(charts: readonly string[]): string {
  if (charts.length === 0 || charts.length > MAX_SERIES) throw new Error(`plot: ${charts.length} charts (1 to ${MAX_SERIES})`);
  const height = HEIGHT * charts.length;
  const open = '<svg xmlns="http://www.w3.org/2000/svg" ';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    ...charts.map((c, i) => c.trimEnd().replace(open, `<svg x="0" y="${i * HEIGHT}" `)),
    '</svg>',
    '',
  ].join('\n');
}
