export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
}

/** Text made safe inside HTML and SVG (element content and attribute values). */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The reports' series colours, in the order series take them. */
export const COLORS = ['#2563eb', '#ea580c', '#dc2626', '#16a34a', '#9333ea', '#0891b2', '#ca8a04'];

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/**
 * A line chart as inline SVG, drawn at generation time: axes, gridlines, a legend, a title per point. The y axis
 * starts at 0, or below it when a value is negative; the x axis at 0 unless `x.fromData` (runs counted from 1).
 */
export function lineChart(title: string, yLabel: string, series: ChartSeries[], width = 760, height = 240, x: { unit: string; name?: string; fromData?: boolean; markers?: { x: number; label: string }[] } = { unit: 's' }): string {
  const pad = { l: 56, r: 16, t: 28, b: 36 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<figure class="chart empty"><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const xMax = Math.max(...all.map(([x]) => x), 1);
  const xMin = x.fromData ? Math.min(...all.map(([px]) => px)) : Math.min(...all.map(([px]) => px), 0);
  const lowest = Math.min(...all.map(([, y]) => y));
  const highest = Math.max(...all.map(([, y]) => y));
  const yMin = lowest < 0 ? -niceMax(-lowest) : 0;
  // All negative: the top is 0; else a round number above the highest (niceMax gives 1 for nothing above 0).
  const yMax = lowest < 0 && highest <= 0 ? 0 : niceMax(highest);
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin || 1)) * w;
  const sy = (y: number) => pad.t + h - ((y - yMin) / (yMax - yMin || 1)) * h;
  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = yMin + ((yMax - yMin) * i) / 4;
    grid.push(`<line x1="${pad.l}" x2="${pad.l + w}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" class="grid"/><text x="${pad.l - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${+y.toFixed(2)}</text>`);
  }
  const step = niceMax((xMax - xMin) / 6);
  for (let at = Math.ceil(xMin / step) * step; at <= xMax + 1e-9; at += step) {
    const label = `${x.name ? `${x.name} ` : ''}${step >= 1 ? Math.round(at) : +at.toFixed(2)}${x.unit}`;
    grid.push(`<text x="${sx(at).toFixed(1)}" y="${pad.t + h + 16}" text-anchor="middle">${label}</text>`);
  }
  const lines = series.map((s) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) return '';
    const d = pts.map(([px, py], i) => `${i ? 'L' : 'M'}${sx(px).toFixed(1)},${sy(py).toFixed(1)}`).join('');
    const dots = pts.length <= 120 ? pts.map(([px, py]) => `<circle cx="${sx(px).toFixed(1)}" cy="${sy(py).toFixed(1)}" r="2" fill="${s.color}"><title>${esc(s.name)} at ${x.name ? `${x.name} ` : ''}${px}${x.unit}: ${+py.toFixed(3)} ${esc(yLabel)}</title></circle>`).join('') : '';
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6" class="series"/>${dots}`;
  }).join('');
  // Markers (a change point, say): a dashed vertical line at x, its label as the line's title and beside it.
  const marks = (x.markers ?? []).filter((m) => Number.isFinite(m.x)).map((m) => `<line x1="${sx(m.x).toFixed(1)}" x2="${sx(m.x).toFixed(1)}" y1="${pad.t}" y2="${pad.t + h}" stroke="#dc2626" stroke-dasharray="4,3" class="marker"><title>${esc(m.label)}</title></line>` +
    `<text x="${(sx(m.x) + 3).toFixed(1)}" y="${pad.t + 10}" fill="#dc2626">${esc(m.label.split(':')[0]!)}</text>`).join('');
  const legend = series.map((s, i) => `<g transform="translate(${pad.l + i * 130},${height - 8})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14">${esc(s.name)}</text></g>`).join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<text x="12" y="16" class="axis-label">${esc(yLabel)}</text>${grid.join('')}${lines}${marks}${legend}</svg></figure>`;
}

/** One lane of an interval chart: a change (head/base - 1, in %), its interval, and the limit it may not cross. */
export interface IntervalLane {
  label: string;
  change: number;
  lo: number;
  hi: number;
  /** The allowed change (e.g. +5 for latency, -4.8 for throughput): past it is worse than allowed. */
  limit: number;
  bad: boolean;
}

/**
 * Changes with their intervals as inline SVG, one lane each: the interval as a bar, the estimate as a dot, zero as
 * a grey line, and the allowed limit as a red dashed tick; a lane whose verdict is bad is drawn red.
 */
export function intervalChart(title: string, lanes: IntervalLane[], width = 760): string {
  if (lanes.length === 0) return '';
  const pad = { l: 220, r: 24, t: 28, b: 30 };
  const laneH = 30;
  const height = pad.t + pad.b + lanes.length * laneH;
  const values = lanes.flatMap((l) => [l.lo, l.hi, l.limit, 0]).filter(Number.isFinite);
  const span = Math.max(...values) - Math.min(...values) || 1;
  const xMin = Math.min(...values) - span * 0.08;
  const xMax = Math.max(...values) + span * 0.08;
  const w = width - pad.l - pad.r;
  const sx = (v: number) => pad.l + ((v - xMin) / (xMax - xMin)) * w;
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
  const parts = [`<line x1="${sx(0).toFixed(1)}" x2="${sx(0).toFixed(1)}" y1="${pad.t - 6}" y2="${height - pad.b + 4}" stroke="#9ca3af"/>`,
    `<text x="${sx(0).toFixed(1)}" y="${height - 8}" text-anchor="middle">0%</text>`];
  lanes.forEach((l, i) => {
    const y = pad.t + i * laneH + laneH / 2;
    const color = l.bad ? '#dc2626' : '#2563eb';
    parts.push(`<text x="${pad.l - 8}" y="${y + 4}" text-anchor="end">${esc(l.label)}</text>`);
    parts.push(`<line x1="${sx(l.limit).toFixed(1)}" x2="${sx(l.limit).toFixed(1)}" y1="${y - 11}" y2="${y + 11}" stroke="#dc2626" stroke-dasharray="3,2" class="limit"><title>allowed: ${pct(l.limit)}</title></line>`);
    parts.push(`<line x1="${sx(l.lo).toFixed(1)}" x2="${sx(l.hi).toFixed(1)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="5" stroke-linecap="round" class="interval"><title>95% interval ${pct(l.lo)} .. ${pct(l.hi)}</title></line>`);
    parts.push(`<circle cx="${sx(l.change).toFixed(1)}" cy="${y}" r="4.5" fill="#fff" stroke="${color}" stroke-width="2"><title>${esc(l.label)}: ${pct(l.change)} (95% interval ${pct(l.lo)} .. ${pct(l.hi)}; allowed ${pct(l.limit)})</title></circle>`);
    parts.push(`<text x="${(sx(l.hi) + 8).toFixed(1)}" y="${y + 4}" fill="${color}">${pct(l.change)}</text>`);
  });
  return `<figure class="chart interval"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg></figure>`;
}
