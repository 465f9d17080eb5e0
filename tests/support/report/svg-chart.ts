export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/** A line chart as inline SVG, drawn at generation time: axes, gridlines, a legend, a title per point. */
export function lineChart(title: string, yLabel: string, series: ChartSeries[], width = 760, height = 240): string {
  const pad = { l: 56, r: 16, t: 28, b: 36 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<figure class="chart empty"><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const xMax = Math.max(...all.map(([x]) => x), 1);
  const xMin = Math.min(...all.map(([x]) => x), 0);
  const yMax = niceMax(Math.max(...all.map(([, y]) => y)));
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const sx = (x: number) => pad.l + ((x - xMin) / (xMax - xMin || 1)) * w;
  const sy = (y: number) => pad.t + h - (y / yMax) * h;
  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    grid.push(`<line x1="${pad.l}" x2="${pad.l + w}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" class="grid"/><text x="${pad.l - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${+y.toFixed(2)}</text>`);
  }
  const step = niceMax((xMax - xMin) / 6);
  for (let x = Math.ceil(xMin / step) * step; x <= xMax + 1e-9; x += step) {
    const label = step >= 1 ? `${Math.round(x)}s` : `${+x.toFixed(2)}s`;
    grid.push(`<text x="${sx(x).toFixed(1)}" y="${pad.t + h + 16}" text-anchor="middle">${label}</text>`);
  }
  const lines = series.map((s) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) return '';
    const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    const dots = pts.length <= 120 ? pts.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${s.color}"><title>${esc(s.name)} at ${x}s: ${+y.toFixed(3)} ${esc(yLabel)}</title></circle>`).join('') : '';
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6" class="series"/>${dots}`;
  }).join('');
  const legend = series.map((s, i) => `<g transform="translate(${pad.l + i * 130},${height - 8})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14">${esc(s.name)}</text></g>`).join('');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<text x="12" y="16" class="axis-label">${esc(yLabel)}</text>${grid.join('')}${lines}${legend}</svg></figure>`;
}
