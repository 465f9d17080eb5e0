import { gateHeadline, VERDICT_COLUMNS, verdictCells } from '../budget/verdict-table.ts';
import type { RunResult } from '../engine/result.ts';
import type { AbOutcome } from '../shared/ab-outcome.ts';
import type { MonitorRecord } from '../shared/case-record.ts';
import { outsideErrorsLine, type CaseReport, type RunReport } from './run-report.ts';
import { COLORS, esc, intervalChart, lineChart } from './svg-chart.ts';


function resultCharts(r: RunResult, m: MonitorRecord | undefined): string {
  const charts = [
    lineChart(`${r.scenario}: latency over time`, 'ms', [
      { name: 'p50', color: COLORS[0]!, points: r.series.map((p) => [p.t, p.p50]) },
      { name: 'p95', color: COLORS[1]!, points: r.series.map((p) => [p.t, p.p95]) },
      { name: 'p99', color: COLORS[2]!, points: r.series.map((p) => [p.t, p.p99]) },
    ]),
    lineChart(`${r.scenario}: throughput and errors`, 'per second', [
      { name: 'requests', color: COLORS[3]!, points: r.series.map((p) => [p.t, p.requests]) },
      { name: 'errors', color: COLORS[2]!, points: r.series.map((p) => [p.t, p.errors]) },
      { name: 'dropped', color: COLORS[4]!, points: r.series.map((p) => [p.t, p.dropped]) },
    ]),
  ];
  if (m && m.samples.length) {
    const targets = [...new Set(m.samples.map((s) => s.target))];
    const rest = m.machine?.length ? [
      { name: 'rest of the machine', points: m.machine.map((s): [number, number] => [s.t, s.othersPercent]) },
      { name: 'stolen (hypervisor)', points: m.machine.map((s): [number, number] => [s.t, s.stealPercent]) },
    ] : [];
    charts.push(lineChart(`${r.scenario}: system under test CPU`, '% of one core', [
      ...targets.map((t) => ({ name: t, points: m.samples.filter((s) => s.target === t).map((s): [number, number] => [s.t, s.cpuPercent]) })),
      ...rest,
    ].map((series, i) => ({ ...series, color: COLORS[i % COLORS.length]! }))));
    charts.push(lineChart(`${r.scenario}: system under test memory`, 'MB', targets.map((t, i) => ({
      name: t, color: COLORS[i % COLORS.length]!, points: m.samples.filter((s) => s.target === t).map((s): [number, number] => [s.t, s.memoryMB]),
    }))));
    if (m.postgres?.length) {
      const states = [...new Set(m.postgres.flatMap((p) => Object.keys(p.byState)))];
      charts.push(lineChart(`${r.scenario}: Postgres connections by state`, 'connections', states.map((st, i) => ({
        name: st, color: COLORS[i % COLORS.length]!, points: m.postgres!.map((p): [number, number] => [p.t, p.byState[st] ?? 0]),
      }))));
    }
  }
  return charts.join('\n');
}

/** The change head/base - 1 a verdict allows at most, in % ("<= +5%" for latency is 5, ">= -4.8%" for throughput is -4.8). */
const limitPercent = (v: AbOutcome['verdicts'][number]) => (v.direction === 'higher-is-worse' ? v.allowed : 1 / (1 + v.allowed) - 1) * 100;

/** An A/B case drawn: every metric's change with its interval and limit, then each metric round by round, base beside head. */
function abCharts(o: AbOutcome): string {
  const names = o.arms ?? { base: 'base', head: 'head' };
  const lanes = o.verdicts.filter((v) => Number.isFinite(v.ratio)).map((v) => ({
    label: v.metric, change: (v.ratio - 1) * 100, lo: (v.ci[0] - 1) * 100, hi: (v.ci[1] - 1) * 100, limit: limitPercent(v), bad: v.status === 'regression' && !o.arms,
  }));
  const change = intervalChart(`${o.case}: ${names.head} against ${names.base}, change with its 95% interval (dashed: the allowed change)`, lanes);
  const rounds = o.verdicts.filter((v) => v.rounds?.base.length).map((v) => lineChart(`${v.metric} per round`, v.unit, [
    { name: names.base, color: COLORS[0]!, points: v.rounds!.base.map((y, i): [number, number] => [i + 1, y]) },
    { name: names.head, color: v.status === 'regression' && !o.arms ? COLORS[2]! : COLORS[1]!, points: v.rounds!.head.map((y, i): [number, number] => [i + 1, y]) },
  ], 370, 200, { unit: '', name: 'round' }));
  return [change, ...rounds].join('\n');
}

function caseSection(c: CaseReport): string {
  const rec = c.record;
  const parts = [`<section class="case ${c.state}"><h2>${esc(c.name)} <span class="state">${c.state}</span></h2><p class="file">${esc(c.file)}, ${(c.durationMs / 1000).toFixed(1)} s</p>`];
  if (c.errors.length) parts.push(`<pre class="error">${esc(c.errors.join('\n\n').slice(0, 6000))}</pre>`);
  for (const r of rec?.results ?? []) {
    const l = r.latency;
    parts.push(`<h3>${esc(r.scenario)}</h3><p>${r.executor}, ${(r.durationMs / 1000).toFixed(0)} s, rate ${r.rate.achieved}/s${r.rate.target === null ? '' : ` (target ${r.rate.target}/s)`}; ` +
      `${r.counts.completed} done, ${r.counts.failed} failed, ${r.counts.dropped} dropped; latency${r.latencyTiming === 'intended-start' ? ' from intended start' : ''} p50 ${l.p50} / p90 ${l.p90} / p95 ${l.p95} / p99 ${l.p99} / max ${l.max} ms; ` +
      `error rate ${(r.errorRate * 100).toFixed(3)}%${Object.keys(r.errors).length ? ` (${esc(JSON.stringify(r.errors))})` : ''}</p>`);
    for (const check of rec!.checks.filter((k) => k.scenario === r.scenario)) {
      parts.push(`<table class="checks ${check.kind}"><caption>${check.kind === 'slo' ? 'SLO' : 'Baseline comparison'}: ${check.advisory ? `${check.pass ? 'within' : 'outside'} its band, reported, not judged (PERF_BASELINE=judge)` : check.pass ? 'pass' : 'FAIL'}</caption><tr><th>metric</th><th>target</th><th>measured</th><th>margin</th><th></th></tr>` +
        check.rows.map((row) => `<tr class="${row.pass ? 'pass' : 'fail'}"><td>${esc(row.metric)}</td><td>${esc(row.target)}</td><td>${esc(row.measured)}</td><td>${esc(row.margin)}</td><td>${row.pass ? 'ok' : 'FAIL'}</td></tr>`).join('') + '</table>');
    }
    const monitor = rec!.monitors.find((m) => m.scenario === r.scenario);
    parts.push(`<div class="charts">${resultCharts(r, monitor)}</div>`);
    if (monitor?.topStatements?.length) {
      parts.push(`<table class="statements"><caption>Database time by statement during this phase (pg_stat_statements)</caption><tr><th>calls</th><th>total ms</th><th>mean ms</th><th>statement</th></tr>` +
        monitor.topStatements.map((st) => `<tr><td>${st.calls}</td><td>${st.totalMs}</td><td>${st.meanMs}</td><td><code>${esc(st.query)}</code></td></tr>`).join('') + '</table>');
    }
    if (monitor) parts.push(`<p class="note">Sampling: ${monitor.cost.samples} samples, ${monitor.cost.samples ? (monitor.cost.ms / monitor.cost.samples).toFixed(0) : 0} ms each${monitor.errors.length ? `; ${esc(monitor.errors.join('; '))}` : ''}.</p>`);
  }
  for (const o of rec?.ab ?? []) {
    parts.push(`<table class="checks ab"><caption>A/B verdicts, ${o.verdicts[0]?.n ?? 0} alternating rounds${o.load ? ` at ${esc(o.load)}` : ''} (${Number.isFinite(o.idleGatewayCpuPercent.mean) ? `idle side's gateway CPU ${o.idleGatewayCpuPercent.mean}% mean` : 'one stack, no idle side'})</caption><tr>${VERDICT_COLUMNS.map((col) => `<th>${esc(col)}</th>`).join('')}</tr>` +
      o.verdicts.map((v) => `<tr class="${v.status === 'regression' && !o.arms ? 'fail' : 'pass'}">${verdictCells(v, o.arms).map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`).join('') +
      `<tr class="${o.errors.status === 'regression' ? 'fail' : 'pass'}"><td colspan="${VERDICT_COLUMNS.length}">${esc(o.errors.text)}</td></tr></table>`);
    if (o.invalid.length) parts.push(`<pre class="error">INVALID: ${esc(o.invalid.join('\n'))}</pre>`);
    parts.push(`<div class="charts">${abCharts(o)}</div>`);
  }
  for (const t of rec?.tables ?? []) {
    parts.push(`<table class="derived"><caption>${esc(t.title)}</caption><tr>${t.columns.map((col) => `<th>${esc(col)}</th>`).join('')}</tr>` +
      t.rows.map((row) => `<tr>${row.map((cell) => `<td>${esc(String(cell))}</td>`).join('')}</tr>`).join('') + '</table>');
  }
  for (const note of rec?.notes ?? []) parts.push(`<p class="note">${esc(note)}</p>`);
  parts.push('</section>');
  return parts.join('\n');
}

/** report.html: one self-contained file (inline CSS and SVG, no network). */
export function toHtml(report: RunReport): string {
  const run = report.run;
  const failed = report.cases.filter((c) => c.state === 'failed');
  const passed = report.cases.filter((c) => c.state === 'passed');
  const gw = run.stack?.gateway;
  const summaryRows = report.cases.flatMap((c) => (c.record?.results ?? []).map((r) => {
    const checks = c.record!.checks.filter((k) => k.scenario === r.scenario);
    const judged = checks.filter((k) => !k.advisory);
    const verdict = judged.length === 0 ? '-' : judged.every((k) => k.pass) ? 'pass' : 'FAIL';
    return `<tr class="${verdict === 'FAIL' ? 'fail' : ''}"><td>${esc(r.scenario)}</td><td>${r.rate.achieved}</td><td>${r.latency.p50}</td><td>${r.latency.p95}</td><td>${r.latency.p99}</td><td>${(r.errorRate * 100).toFixed(2)}%</td><td>${verdict}</td></tr>`;
  })).join('');
  const outcomes = report.cases.flatMap((c) => c.record?.ab ?? []);
  const gate = gateHeadline(outcomes);
  const abRows = outcomes.flatMap((o) => o.verdicts.map((v) => `<tr class="${v.status === 'regression' && !o.arms ? 'fail' : ''}"><td>${esc(o.case)}</td>${verdictCells(v, o.arms).map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`)).join('');
  const summary = summaryRows
    ? `<h2>Summary</h2>\n<table><tr><th>scenario</th><th>rate/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors</th><th>checks</th></tr>${summaryRows}</table>`
    : abRows ? `<h2>Summary</h2>\n<table><tr><th>case</th>${VERDICT_COLUMNS.map((col) => `<th>${esc(col)}</th>`).join('')}</tr>${abRows}</table>` : '';
  // Recommendations read single-stack phases; an A/B run has none, and "nothing stood out" beside a verdict misleads.
  const recs = report.recommendations.length
    ? `<h2>Recommendations</h2><ul>${report.recommendations.map((r) => `<li><b>${esc(r.symptom)}</b> (${esc(r.case)}): ${esc(r.evidence)}. ${esc(r.advice)}.</li>`).join('')}</ul>`
    : outcomes.length && !summaryRows ? '' : '<h2>Recommendations</h2><p>No symptom stood out in this run\'s data.</p>';
  const counts = `${failed.length ? `${failed.length} case(s) failed` : 'All cases passed'}: ${passed.length} passed, ${report.cases.length - passed.length - failed.length} skipped.`;
  const outside = outsideErrorsLine(report);
  const headline = outside
    ? `<p class="verdict bad" id="run-failed">${esc(outside)}</p><pre class="error">${esc((run.errors ?? []).join('\n\n').slice(0, 4000))}</pre>`
    : gate
    ? `<p class="verdict ${gate.kind === 'no regression' ? 'good' : 'bad'}" id="gate-verdict">Regression gate: ${esc(gate.text)}</p>` +
      (gate.findings.length ? `<ul class="findings">${gate.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : '') +
      (run.ab ? `<p>Base <code>${esc(run.ab.base)}</code> against head <code>${esc(run.ab.head)}</code>, in alternating rounds on one runner. ${counts}</p>` : `<p>${counts}</p>`)
    : `<p class="verdict ${failed.length ? 'bad' : 'good'}">${counts}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mcp-perf ${esc(run.profile)} ${esc(run.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-top:1px solid #ddd;padding-top:16px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}tr.fail td{background:#fee2e2}
.state{font-size:12px;padding:2px 6px;border-radius:4px;background:#e5e7eb}.failed .state{background:#fecaca}.passed .state{background:#bbf7d0}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure.chart{margin:0}figcaption{font-weight:600;font-size:13px}
svg.chart text{font-size:11px;fill:#444}svg.chart .grid{stroke:#eee}pre.error{background:#fef2f2;padding:8px;overflow:auto;white-space:pre-wrap}
.verdict{font-size:18px;font-weight:600}.verdict.bad{color:#b91c1c}.verdict.good{color:#15803d}
</style></head><body>
<h1>mcp-perf report: ${esc(run.profile)} profile</h1>
${headline}
<p>Run ${esc(run.id)}, ${esc(run.startedAt)} to ${esc(run.finishedAt)}. Stack: ${esc(run.stack?.provider ?? 'unknown')}${gw ? `, ${esc(gw.kind)} ${esc(gw.version)} with ${gw.workers} workers` : ''}. Calibration p50 ${run.calibrationP50 ?? 'n/a'} ms. ${run.environment.cpus} CPUs, Node ${esc(run.environment.node)}.</p>
${summary}
${recs}
${report.cases.map(caseSection).join('\n')}
<script>document.body.dataset.charts = String(document.querySelectorAll('svg.chart').length);</script>
</body></html>
`;
}
