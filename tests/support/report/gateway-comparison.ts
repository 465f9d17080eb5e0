import type { RunResult } from '../engine/result.ts';
import type { MonitorRecord } from '../shared/case-record.ts';
import { textTable } from '../shared/text-table.ts';
import type { RunReport } from './run-report.ts';

/** One gateway's run of the same cases. */
export interface GatewayRun {
  gateway: string;
  report: RunReport;
}

/** One load phase's headline figures on one gateway. */
export interface PhaseFigures {
  achievedPerS: number;
  p50: number;
  p95: number;
  p99: number;
  errorPercent: number;
  /** Mean gateway CPU over the phase, % of one core (NaN when it was not sampled). */
  cpuPercent: number;
  /** Gateway CPU per completed call: what a call costs, whatever the rate. */
  cpuMsPerCall: number;
  memoryMB: number;
}

function gatewayCpu(monitor: MonitorRecord | undefined): { cpuPercent: number; memoryMB: number } {
  const samples = monitor?.samples.filter((s) => s.target === 'gateway' && Number.isFinite(s.cpuPercent)) ?? [];
  if (!samples.length) return { cpuPercent: Number.NaN, memoryMB: Number.NaN };
  return { cpuPercent: samples.reduce((a, s) => a + s.cpuPercent, 0) / samples.length, memoryMB: Math.max(...samples.map((s) => s.memoryMB)) };
}

export function phaseFigures(result: RunResult, monitor: MonitorRecord | undefined): PhaseFigures {
  const { cpuPercent, memoryMB } = gatewayCpu(monitor);
  const done = result.counts.completed;
  return {
    achievedPerS: result.rate.achieved, p50: result.latency.p50, p95: result.latency.p95, p99: result.latency.p99,
    errorPercent: done ? (100 * (done - result.counts.ok)) / done : 0,
    cpuPercent,
    // % of one core x 10 = ms of CPU per second, divided by the calls completed per second.
    cpuMsPerCall: result.rate.achieved > 0 ? (cpuPercent * 10) / result.rate.achieved : Number.NaN,
    memoryMB,
  };
}

const round = (n: number, digits = 1) => (Number.isFinite(n) ? String(+n.toFixed(digits)) : 'n/a');

/** Every load phase of a run by scenario name, and the case-level headlines: each figure a case recorded (knee,
 * recovery time, scaling ratio, overhead), then what only a note says (spike recovery, sizing, a knee not found). */
export function runFigures(report: RunReport): { phases: Map<string, PhaseFigures>; headlines: Map<string, string> } {
  const phases = new Map<string, PhaseFigures>();
  const headlines = new Map<string, string>();
  for (const c of report.cases) {
    const record = c.record;
    if (!record) continue;
    for (const r of record.results) phases.set(r.scenario, phaseFigures(r, record.monitors.find((m) => m.scenario === r.scenario)));
    for (const f of record.figures ?? []) headlines.set(f.name, `${round(f.value, 2)} ${f.unit}`);
    const hasKnee = (record.figures ?? []).some((f) => f.name.startsWith('PERF-03'));
    for (const note of record.notes) {
      // Runs written before figures were recorded, and a search that found no knee, have only the note.
      if (note.startsWith('PERF-03: ') && !hasKnee) headlines.set('PERF-03 knee rate', note.slice('PERF-03: '.length));
      if (note.startsWith('PERF-04: ')) headlines.set('PERF-04 spike recovery', note.slice('PERF-04: '.length));
      if (note.startsWith('resource sizing: ')) headlines.set('sizing (fitted below the knee)', note.slice('resource sizing: '.length));
    }
  }
  return { phases, headlines };
}

/** Side-by-side tables: each phase run on every gateway, then the headlines; phases only some ran are listed last. */
export function gatewayComparison(runs: GatewayRun[]): { text: string; markdown: string; shared: number } {
  const figures = runs.map((r) => ({ gateway: r.gateway, ...runFigures(r.report), report: r.report }));
  const names = [...new Set(figures.flatMap((f) => [...f.phases.keys()]))];
  const shared = names.filter((n) => figures.every((f) => f.phases.has(n)));
  const only = names.filter((n) => !shared.includes(n));
  const header = ['phase', 'gateway', 'calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %', 'gw CPU %', 'CPU ms/call', 'gw MB'];
  const rows: string[][] = [];
  for (const name of shared) {
    figures.forEach((f, i) => {
      const p = f.phases.get(name)!;
      rows.push([i === 0 ? name : '', f.gateway, round(p.achievedPerS), round(p.p50), round(p.p95), round(p.p99), round(p.errorPercent, 2), round(p.cpuPercent), round(p.cpuMsPerCall), round(p.memoryMB, 0)]);
    });
  }
  const headlineNames = [...new Set(figures.flatMap((f) => [...f.headlines.keys()]))];
  const headlineRows = headlineNames.flatMap((h) => figures.map((f, i) => [i === 0 ? h : '', f.gateway, f.headlines.get(h) ?? 'not measured']));
  const runsLine = figures.map((f) => `${f.gateway}: run ${f.report.run.id} (${f.report.run.profile}), ` +
    `${f.report.cases.filter((c) => c.state === 'passed').length} passed, ${f.report.cases.filter((c) => c.state === 'failed').length} failed, ` +
    `${f.report.cases.filter((c) => c.state === 'skipped').length} skipped; calibration ${f.report.run.calibrationP50 ?? 'n/a'} ms`);
  const onlyLine = only.map((n) => `${n} (${figures.filter((f) => f.phases.has(n)).map((f) => f.gateway).join(', ')} only)`);
  const text = [
    ...runsLine,
    '',
    textTable([header, ...rows], new Set([2, 3, 4, 5, 6, 7, 8, 9])),
    '',
    textTable([['headline', 'gateway', 'figure'], ...headlineRows]),
    ...(onlyLine.length ? ['', `run on one gateway only: ${onlyLine.join('; ')}`] : []),
  ].join('\n');
  const md = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const markdown = [
    '# Gateways side by side',
    '',
    ...runsLine.map((l) => `- ${l}`),
    '',
    md(header), md(header.map(() => '---')), ...rows.map(md),
    '',
    md(['headline', 'gateway', 'figure']), md(['---', '---', '---']), ...headlineRows.map(md),
    ...(onlyLine.length ? ['', `Run on one gateway only: ${onlyLine.join('; ')}.`] : []),
    '',
  ].join('\n');
  return { text, markdown, shared: shared.length };
}
