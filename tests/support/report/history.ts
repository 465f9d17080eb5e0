// The nightly history: every run's headline figures, one entry per run, and the change points over the trailing
// runs of each series (a profile on one gateway at one MCP revision), which flag shifts a single comparison misses.
import { findChangePoint } from '../analysis/change-point.ts';
import type { RunReport } from './run-report.ts';
import { COLORS, esc, lineChart } from './svg-chart.ts';

export interface Figures {
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  rate: number;
  /** The gateway's CPU time per completed call (ms), where the phase was monitored. */
  cpuMsPerCall?: number;
  /** The gateway's memory at its highest in the phase (MB). */
  memoryMB?: number;
}

/**
 * A figure measured side by side within the run (the gate's head against a pinned reference, or two MCP revisions
 * on one stack): its ratio, second to first, and the ratio's 95% interval. Measured in alternating rounds on one
 * machine, it leaves out what moves a runner's plain figures from night to night (its speed, its neighbours).
 */
export interface SideBySide {
  ratio: number;
  ci: [number, number];
  /** +1: a rising ratio is worse (latency, CPU per call); -1: a falling one (throughput). */
  worse: 1 | -1;
}

/** The key under which every case's gateway CPU per call, side by side, is pooled (their geometric mean). */
export const POOLED_CPU = 'all cases: gateway CPU per call';

export interface HistoryEntry {
  run: string;
  startedAt: string;
  profile: string;
  commit?: string;
  gateway?: string;
  /** The MCP revision the run spoke to the gateway. */
  revision?: string;
  figures: Record<string, Figures>;
  /** By "case: metric": figures measured side by side in the run, when it had any (perf:ab, protocol eras). */
  sideBySide?: Record<string, SideBySide>;
}

export interface History {
  schema: 1;
  entries: HistoryEntry[];
}

export const MAX_ENTRIES = 400;
/** +1: a rise is worse; -1: a fall is worse. */
export const WORSE: Record<keyof Figures, 1 | -1> = { p50: 1, p95: 1, p99: 1, errorRate: 1, rate: -1, cpuMsPerCall: 1, memoryMB: 1 };

/** One run's entry: every passed or failed case's phases, by scenario. */
export function entryFrom(report: RunReport, commit?: string): HistoryEntry {
  const figures: Record<string, Figures> = {};
  for (const c of report.cases) {
    if (c.state !== 'passed' && c.state !== 'failed') continue;
    for (const r of c.record?.results ?? []) {
      const samples = c.record?.monitors.find((m) => m.scenario === r.scenario)?.samples.filter((s) => s.target === 'gateway') ?? [];
      const cpu = samples.map((s) => s.cpuPercent).filter(Number.isFinite);
      const calls = r.counts?.completed ?? 0;
      // Mean CPU (% of a core) over the phase, times its length, per completed call.
      const cpuMsPerCall = cpu.length && calls ? (cpu.reduce((a, b) => a + b, 0) / cpu.length / 100) * r.durationMs / calls : undefined;
      figures[r.scenario] = {
        p50: r.latency.p50, p95: r.latency.p95, p99: r.latency.p99, errorRate: r.errorRate, rate: r.rate.achieved,
        ...(cpuMsPerCall !== undefined ? { cpuMsPerCall: +cpuMsPerCall.toFixed(3) } : {}),
        ...(samples.length ? { memoryMB: Math.max(...samples.map((s) => s.memoryMB)) } : {}),
      };
    }
  }
  const sideBySide = sideBySideFigures(report);
  const gw = report.run.stack?.gateway;
  const revision = gw?.protocol?.revision ?? abRevision(report);
  return {
    run: report.run.id, startedAt: report.run.startedAt, profile: report.run.profile, ...(commit ? { commit } : {}),
    ...(gw ? { gateway: `${gw.kind} ${gw.version}` } : {}), ...(revision ? { revision } : {}), figures,
    ...(Object.keys(sideBySide).length ? { sideBySide } : {}),
  };
}

/**
 * The MCP revision an A/B run's cases spoke, from their names (`... [MCP 2026-07-28]`): an A/B run negotiates none on
 * its stack, and without it a gate run on 2026-07-28 would join the 2025-06-18 series (the pooled CPU ratio is
 * named the same on both).
 */
function abRevision(report: RunReport): string | undefined {
  for (const o of report.cases.flatMap((c) => c.record?.ab ?? [])) {
    const named = /\[MCP ([0-9-]+)\]/.exec(o.case)?.[1];
    if (named) return named;
  }
  return undefined;
}

/**
 * A run's side-by-side figures, and the gate cases' gateway CPU per call pooled into one (the geometric mean of
 * their ratios and of their interval ends), which is steadier than any one case's when two or more have it.
 */
function sideBySideFigures(report: RunReport): Record<string, SideBySide> {
  const out: Record<string, SideBySide> = {};
  const cpu: SideBySide[] = [];
  for (const o of report.cases.flatMap((c) => c.record?.ab ?? [])) {
    if (o.invalid.length) continue;
    for (const v of o.verdicts) {
      if (!(v.ratio > 0) || !(v.ci[0] > 0) || !(v.ci[1] > 0)) continue;
      const f: SideBySide = { ratio: +v.ratio.toFixed(5), ci: [+v.ci[0].toFixed(5), +v.ci[1].toFixed(5)], worse: v.direction === 'lower-is-worse' ? -1 : 1 };
      out[`${o.case}: ${v.metric}`] = f;
      if (!o.arms && v.metric === 'gateway CPU per call') cpu.push(f);
    }
  }
  if (cpu.length >= 2) {
    const geo = (xs: number[]) => +Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length).toFixed(5);
    out[POOLED_CPU] = { ratio: geo(cpu.map((f) => f.ratio)), ci: [geo(cpu.map((f) => f.ci[0])), geo(cpu.map((f) => f.ci[1]))], worse: 1 };
  }
  return out;
}

/** The series a history holds: runs of one profile, on one gateway, at one MCP revision (kept apart). */
export function seriesOf(entries: readonly HistoryEntry[]): { key: string; entries: HistoryEntry[] }[] {
  const keyOf = (e: HistoryEntry) => `${e.profile} | ${e.gateway ?? 'unknown gateway'} | MCP ${e.revision ?? '2025-06-18'}`;
  return [...new Set(entries.map(keyOf))].map((key) => ({ key, entries: entries.filter((e) => keyOf(e) === key) }));
}

/** 'head/base': a side-by-side ratio (HistoryEntry.sideBySide), whose key is the shift's scenario. */
export type ShiftMetric = keyof Figures | 'head/base';

export interface Shift {
  series: string;
  scenario: string;
  metric: ShiftMetric;
  worse: boolean;
  before: number;
  after: number;
  change: number;
  p: number;
  /** The first run after the change. */
  from: HistoryEntry;
  /** Its index in the series' trailing window. */
  index: number;
}

/** Change points over the last `window` runs of every series, scenario and metric. */
export function shifts(history: History, o: { window: number; minChange: number; alpha: number }): Shift[] {
  const out: Shift[] = [];
  for (const s of seriesOf(history.entries)) {
    const entries = s.entries.slice(-o.window);
    // One series' change point, if any: `having` the runs that have the figure, `at` the figure in each.
    const look = (scenario: string, metric: ShiftMetric, having: HistoryEntry[], at: (e: HistoryEntry) => number, worseSign: 1 | -1) => {
      const cp = findChangePoint(having.map(at), { alpha: o.alpha, minChange: o.minChange });
      if (cp) out.push({ series: s.key, scenario, metric, worse: Math.sign(cp.after - cp.before) === worseSign, before: cp.before, after: cp.after, change: cp.change, p: cp.p, from: having[cp.index]!, index: entries.indexOf(having[cp.index]!) });
    };
    for (const scenario of [...new Set(entries.flatMap((e) => Object.keys(e.figures)))]) {
      for (const metric of Object.keys(WORSE) as (keyof Figures)[]) {
        const having = entries.filter((e) => typeof e.figures[scenario]?.[metric] === 'number' && Number.isFinite(e.figures[scenario]![metric]));
        look(scenario, metric, having, (e) => e.figures[scenario]![metric]!, WORSE[metric]);
      }
    }
    for (const key of [...new Set(entries.flatMap((e) => Object.keys(e.sideBySide ?? {})))]) {
      const having = entries.filter((e) => e.sideBySide?.[key]);
      look(key, 'head/base', having, (e) => e.sideBySide![key]!.ratio, having[0]!.sideBySide![key]!.worse);
    }
  }
  return out;
}


/**
 * The trend page: one self-contained HTML file (inline SVG, no network) with every figure of every scenario over
 * the runs of each series, and each change point marked on its chart (a dashed line at the first run after it).
 */
export function trendPage(history: History, found: readonly Shift[], title = 'mcp-perf: the nightly history'): string {
  const sections = seriesOf(history.entries).map((s) => {
    // A change point drawn on its chart: a dashed line at the first run after it, saying which way and how far.
    const marker = (f: Shift, what: string) => ({ x: s.entries.indexOf(f.from) + 1, label: `${f.worse ? 'WORSE' : 'better'}: ${what}${f.change >= 0 ? '+' : ''}${(f.change * 100).toFixed(1)}% from ${f.from.run}` });
    const scenarios = [...new Set(s.entries.flatMap((e) => Object.keys(e.figures)))];
    const charts = scenarios.map((scenario) => {
      const at = (metric: keyof Figures) => s.entries.map((e, i): [number, number] => [i + 1, e.figures[scenario]?.[metric] ?? Number.NaN]);
      const marks = (metrics: ShiftMetric[]) => found.filter((f) => f.series === s.key && f.scenario === scenario && metrics.includes(f.metric))
        .map((f) => marker(f, `${f.metric} `));
      const figure = (name: string, unit: string, metrics: (keyof Figures)[]) => {
        const series = metrics.map((m, i) => ({ name: m, color: COLORS[i % COLORS.length]!, points: at(m) })).filter((x) => x.points.some(([, y]) => Number.isFinite(y)));
        return series.length ? lineChart(`${scenario}: ${name}`, unit, series, 540, 220, { unit: '', name: 'run', fromData: true, markers: marks(metrics) }) : '';
      };
      return `<h3>${esc(scenario)}</h3><div class="charts">${[
        figure('latency', 'ms', ['p50', 'p95', 'p99']), figure('throughput', 'calls/s', ['rate']), figure('gateway CPU per call', 'ms', ['cpuMsPerCall']),
        figure('gateway memory (highest)', 'MB', ['memoryMB']), figure('error rate', 'share', ['errorRate']),
      ].join('')}</div>`;
    }).join('\n');
    const keys = [...new Set(s.entries.flatMap((e) => Object.keys(e.sideBySide ?? {})))];
    const ratioCharts = keys.map((key) => {
      const at = (pick: (f: SideBySide) => number) => s.entries.map((e, i): [number, number] => {
        const f = e.sideBySide?.[key];
        return [i + 1, f ? (pick(f) - 1) * 100 : Number.NaN];
      });
      const markers = found.filter((f) => f.series === s.key && f.scenario === key)
        .map((f) => marker(f, ''));
      return lineChart(key, '% head against base', [
        { name: 'head/base', color: COLORS[0]!, points: at((f) => f.ratio) },
        { name: '95% interval, low', color: COLORS[2 % COLORS.length]!, points: at((f) => f.ci[0]) },
        { name: '95% interval, high', color: COLORS[2 % COLORS.length]!, points: at((f) => f.ci[1]) },
      ], 540, 220, { unit: '', name: 'run', fromData: true, markers });
    });
    const sideBySide = ratioCharts.length
      ? `<h3>measured side by side in each run (head against base, alternating rounds)</h3><div class="charts">${ratioCharts.join('')}</div>`
      : '';
    const list = found.filter((f) => f.series === s.key);
    const table = list.length
      ? `<table class="shifts"><tr><th></th><th>scenario</th><th>metric</th><th>before</th><th>after</th><th>change</th><th>from run</th><th>p</th></tr>${list.map((f) =>
        `<tr class="${f.worse ? 'fail' : ''}"><td>${f.worse ? 'WORSE' : 'better'}</td><td>${esc(f.scenario)}</td><td>${f.metric}</td><td>${+f.before.toFixed(3)}</td><td>${+f.after.toFixed(3)}</td><td>${f.change >= 0 ? '+' : ''}${(f.change * 100).toFixed(1)}%</td><td>${esc(f.from.run)}${f.from.commit ? ` (${esc(f.from.commit.slice(0, 10))})` : ''}</td><td>${f.p.toFixed(3)}</td></tr>`).join('')}</table>`
      : '<p class="steady">No change point in this series.</p>';
    const runs = s.entries.map((e, i) => `<li>run ${i + 1}: ${esc(e.run)}, ${esc(e.startedAt)}${e.commit ? `, ${esc(e.commit.slice(0, 10))}` : ''}</li>`).join('');
    return `<section><h2>${esc(s.key)}: ${s.entries.length} run(s)</h2>${table}\n${sideBySide}${charts}<details><summary>the runs</summary><ol>${runs}</ol></details></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1150px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-top:1px solid #ddd;padding-top:14px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}tr.fail td{background:#fee2e2}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure.chart{margin:0}figcaption{font-weight:600;font-size:13px}
svg.chart text{font-size:11px;fill:#444}svg.chart .grid{stroke:#eee}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${history.entries.length} run(s); ${found.filter((f) => f.worse).length} change point(s) for the worse, ${found.filter((f) => !f.worse).length} for the better. Each series is one profile on one gateway at one MCP revision.</p>
${sections.join('\n')}
<script>document.body.dataset.charts = String(document.querySelectorAll('svg.chart').length); document.body.dataset.markers = String(document.querySelectorAll('line.marker').length);</script>
</body></html>
`;
}
