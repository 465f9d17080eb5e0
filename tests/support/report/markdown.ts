import { gateHeadline, VERDICT_COLUMNS, verdictCells, type GateHeadline } from '../budget/verdict-table.ts';
import { textTable } from '../shared/text-table.ts';
import { inconclusiveCase, judgedCase } from '../shared/ab-outcome.ts';
import { outsideErrorsLine, type RunReport } from './run-report.ts';

const ms = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(1)}`);

const caseCounts = (report: RunReport): string => {
  const n = (state: string) => report.cases.filter((c) => c.state === state).length;
  return `${n('passed')} passed, ${n('failed')} failed, ${report.cases.length - n('passed') - n('failed')} skipped`;
};

/** summary.md: fit for $GITHUB_STEP_SUMMARY. */
export function toMarkdown(report: RunReport): string {
  const r = report.run;
  const failed = report.cases.filter((c) => c.state === 'failed');
  const passed = report.cases.filter((c) => c.state === 'passed');
  const lines: string[] = [];
  // Errors outside the cases first (no case count can say the run failed), then a gate's verdict: its cases fail
  // because of it, so their count follows it (gateSection).
  const outside = outsideErrorsLine(report);
  const gate = gateHeadline(report.cases.flatMap((c) => c.record?.ab ?? []));
  if (outside) lines.push(`## mcp-perf: ❌ ${outside} — profile \`${r.profile}\``, ...(gate ? [] : ['', `Cases: ${caseCounts(report)}.`]));
  else if (gate) lines.push(`## mcp-perf regression gate — profile \`${r.profile}\``);
  else lines.push(`## mcp-perf: ${failed.length ? `❌ ${failed.length} failed` : '✅ all passed'} (${passed.length} passed, ${report.cases.length - passed.length - failed.length} skipped) — profile \`${r.profile}\``);
  lines.push('');
  const gw = r.stack?.gateway;
  lines.push(...(gate ? gateSection(report, gate) : []), ...comparisonSection(report));
  lines.push(`Stack: **${r.stack?.provider ?? 'unknown'}**${gw ? `, ${gw.kind} ${gw.version} with ${gw.workers} workers` : ''}; calibration p50 ${r.calibrationP50 ?? 'n/a'} ms; ${r.environment.cpus} CPUs; run \`${r.id}\`.`);
  if (r.settings) lines.push('', `Settings: ${Object.entries(r.settings).map(([k, v]) => `\`${k}=${v}\``).join(' ') || 'all at their defaults'}.`);
  lines.push('');
  lines.push('| case | scenario | state | rate/s | p50 ms | p95 ms | p99 ms | errors | SLO | baseline |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---|---|');
  for (const c of report.cases) {
    const results = c.record?.results ?? [];
    if (results.length === 0) {
      lines.push(`| ${c.name} | | ${c.state} | | | | | | | |`);
      continue;
    }
    for (const res of results) {
      const checks = c.record!.checks.filter((k) => k.scenario === res.scenario);
      const slo = checks.filter((k) => k.kind === 'slo');
      const base = checks.filter((k) => k.kind === 'baseline');
      const mark = (xs: typeof checks) => (xs.length === 0 ? '-'
        : xs.every((x) => x.advisory) ? `${xs.every((x) => x.pass) ? 'within band' : 'outside band'} (not judged)`
          : xs.every((x) => x.pass) ? 'pass' : '**FAIL**');
      lines.push(`| ${c.name} | ${res.scenario} | ${c.state} | ${res.rate.achieved} | ${ms(res.latency.p50)} | ${ms(res.latency.p95)} | ${ms(res.latency.p99)} | ${(res.errorRate * 100).toFixed(2)}% | ${mark(slo)} | ${mark(base)} |`);
    }
  }
  for (const c of report.cases) {
    for (const t of c.record?.tables ?? []) {
      lines.push('', `### ${c.name}: ${t.title}`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
      for (const row of t.rows) lines.push(`| ${row.join(' | ')} |`);
    }
  }
  if (r.errors?.length) lines.push('', '### Errors outside the cases', '', `\`\`\`\n${r.errors.join('\n\n').slice(0, 4000)}\n\`\`\``);
  if (failed.length) {
    lines.push('', '### Failures', '');
    for (const c of failed) lines.push(`<details><summary>${c.name}</summary>\n\n\`\`\`\n${c.errors.join('\n\n').slice(0, 4000)}\n\`\`\`\n</details>`);
  }
  if (report.recommendations.length) {
    lines.push('', '### Recommendations', '');
    for (const rec of report.recommendations) lines.push(`- **${rec.symptom}** (${rec.case}): ${rec.evidence}. ${rec.advice}.`);
  }
  lines.push('', 'Full report: `report.html` in the run\'s artifact.');
  return `${lines.join('\n')}\n`;
}

/**
 * The summary's verdict line, which the pipelines read (scripts/lib/workflow-verdicts.sh, workflows-act.sh): one
 * place writes it so a reworded headline cannot pass here and fail there unseen.
 */
export function gateVerdictLine(head: GateHeadline): string {
  const icon = { regression: '❌', invalid: '⚠️', inconclusive: '⚠️', 'no regression': '✅' }[head.kind];
  return `### Regression gate: ${icon} ${head.text}`;
}

/** The regression gate's verdicts first: what a pull request's reader needs. */
function gateSection(report: RunReport, head: GateHeadline): string[] {
  const outcomes = report.cases.flatMap((c) => c.record?.ab ?? []).filter((o) => !o.arms);
  const invalid = outcomes.filter((o) => !judgedCase(o));
  const d = report.run.ab;
  const lines = [gateVerdictLine(head), ''];
  if (d) lines.push(`base \`${d.base}\` against head \`${d.head}\`, measured in alternating rounds on one runner (${report.run.environment.cpus} CPUs).`, '');
  lines.push(`Cases: ${caseCounts(report)}.`, '');
  for (const f of head.findings) lines.push(`- **${f}**`);
  if (head.findings.length) lines.push('');
  lines.push(`| case | ${VERDICT_COLUMNS.join(' | ')} |`, `|---|${VERDICT_COLUMNS.map(() => '---').join('|')}|`);
  for (const o of outcomes) {
    for (const v of o.verdicts) lines.push(`| ${o.case} | ${verdictCells(v, o.arms).map((cell) => (cell === 'REGRESSION' ? '**REGRESSION**' : cell)).join(' | ')} |`);
    lines.push(`| ${o.case} | ${o.errors.text} | | | | | | | |`);
  }
  lines.push('', 'A metric regresses only when its whole 95% interval lies beyond the allowed change; the interval holds the spread of the rounds and the run-to-run noise A/A runs measured ("run-to-run"; "not measured": the rounds alone); "detectable" is the change this run would have caught 4 times in 5.', '');
  for (const o of outcomes.filter((x) => x.load)) lines.push(`- ${o.case}: each round at ${o.load}`);
  for (const o of invalid) lines.push(`- ${o.case} INVALID: ${o.invalid.join('; ')}`);
  for (const o of outcomes.filter(inconclusiveCase)) lines.push(`- ${o.case}, on its own, could not have caught a regression of the gate's size: ${o.inconclusive}`);
  for (const o of outcomes.filter((x) => x.discarded.length && !x.invalid.length)) lines.push(`- ${o.case}: ${o.discarded.length} round(s) discarded and run again (the generator set the pace): ${o.discarded.join('; ')}`);
  return lines;
}

/** Two arms measured side by side on one stack (protocol eras): findings, not a gate's verdict. */
function comparisonSection(report: RunReport): string[] {
  const compared = report.cases.flatMap((c) => c.record?.ab ?? []).filter((o) => o.arms);
  if (compared.length === 0) return [];
  const lines = ['### Comparisons (two ways of calling, side by side on one stack; findings, not a gate)', '', `| case | ${VERDICT_COLUMNS.join(' | ')} |`, `|---|${VERDICT_COLUMNS.map(() => '---').join('|')}|`];
  for (const o of compared) {
    for (const v of o.verdicts) lines.push(`| ${o.case} (base: ${o.arms!.base}; head: ${o.arms!.head}) | ${verdictCells(v, o.arms).join(' | ')} |`);
    lines.push(`| ${o.case} | ${o.errors.text} | | | | | | | |`);
  }
  return [...lines, ''];
}

/** The end-of-run lines a person reads in ten seconds. */
export function toTerminal(report: RunReport, dir: string): string {
  const rows: string[][] = [['', 'scenario', 'rate/s', 'p50', 'p95', 'p99', 'errors', 'checks']];
  for (const c of report.cases) {
    for (const res of c.record?.results ?? []) {
      const checks = c.record!.checks.filter((k) => k.scenario === res.scenario);
      const judged = checks.filter((k) => !k.advisory);
      const failedChecks = judged.filter((k) => !k.pass).map((k) => k.kind);
      const outsideBand = checks.some((k) => k.advisory && !k.pass) ? ', baseline outside band (not judged)' : '';
      rows.push([c.state === 'failed' ? 'FAIL' : 'ok', res.scenario.slice(0, 48), String(res.rate.achieved), ms(res.latency.p50), ms(res.latency.p95), ms(res.latency.p99), `${(res.errorRate * 100).toFixed(2)}%`,
        judged.length === 0 && !outsideBand ? '-' : failedChecks.length ? `failed: ${[...new Set(failedChecks)].join(', ')}${outsideBand}` : `${judged.length} passed${outsideBand}`]);
    }
    if (!c.record?.results.length && c.state !== 'passed') rows.push([c.state === 'failed' ? 'FAIL' : c.state, c.name.slice(0, 48), '', '', '', '', '', '']);
  }
  const table = textTable(rows, new Set([2, 3, 4, 5, 6]));
  const failed = report.cases.filter((c) => c.state === 'failed').length;
  const recs = report.recommendations.map((r) => `  ! ${r.symptom} (${r.case}): ${r.evidence}`).join('\n');
  const outcomes = report.cases.flatMap((c) => c.record?.ab ?? []);
  const gate = gateHeadline(outcomes);
  // A gate run leads with its verdict (its cases fail because of it); the table follows only where phases ran alone.
  const measured = report.cases.some((c) => c.record?.results.length) ? `latencies in ms\n${table}\n` : '';
  const outside = outsideErrorsLine(report);
  if (outside) return `\nmcp-perf ${report.run.profile}: ${outside}\ncases: ${caseCounts(report)}\n${measured}report: ${dir}/report.html\n`;
  if (gate) return `\nmcp-perf ${report.run.profile} regression gate: ${gate.text}\n${gate.findings.map((f) => `  - ${f}\n`).join('')}cases: ${caseCounts(report)}\n${measured}${recs ? `${recs}\n` : ''}report: ${dir}/report.html\n`;
  return `\nmcp-perf ${report.run.profile}: ${failed ? `${failed} case(s) FAILED` : 'all cases passed'} — latencies in ms\n${table}\n${recs ? `${recs}\n` : ''}report: ${dir}/report.html\n`;
}
