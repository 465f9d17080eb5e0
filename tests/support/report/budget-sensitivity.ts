import { runFigures } from './gateway-comparison.ts';
import type { RunReport } from './run-report.ts';

/** One check row of one run: an SLO or baseline row, as its case recorded it. */
export interface CheckCell { key: string; pass: boolean; judged: boolean; figure: string }

/** One run of a perf file on a gateway slowed by `size` ms of CPU per MCP request. */
export interface SlowedRun { size: number; runId: string; checks: CheckCell[]; cpuMsPerCall: Record<string, number> }

/**
 * Every check row a run recorded, keyed so the same row of another run meets it, and each case's own verdict: it
 * holds the assertions no row records (a ceiling on a difference, a ratio, a drift), its figure the first failure.
 */
export function checkCells(report: RunReport): CheckCell[] {
  return report.cases.filter((c) => c.state === 'passed' || c.state === 'failed').flatMap((c) => [
    ...(c.record?.checks ?? []).flatMap((k) => k.rows.map((row) => ({
      // SLO targets are fixed ("< 150 ms"); a baseline row's target carries this run's band, so only its metric keys it.
      key: `${k.scenario}${k.slo?.operation ? ` [${k.slo.operation}]` : ''} | ${k.kind === 'slo' ? `SLO ${row.metric} ${row.target}` : `${k.kind} ${row.metric}`}`,
      pass: row.pass,
      judged: row.judged !== false && !k.advisory,
      figure: row.measured.split(/;| \(/)[0]!.trim(),
    }))),
    { key: `${c.name} | case verdict`, pass: c.state === 'passed', judged: true, figure: c.state === 'passed' ? 'passed' : firstLine(c.errors[0] ?? 'failed') },
  ]);
}

const firstLine = (text: string): string => {
  const line = text.split('\n')[0]!.replace(/^(AssertionError|Error): /, '').trim();
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
};

/** The gateway's CPU per completed call in each load phase of a run that sampled it. */
export function gatewayCpuPerCall(report: RunReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [scenario, figures] of runFigures(report).phases) if (Number.isFinite(figures.cpuMsPerCall)) out[scenario] = figures.cpuMsPerCall;
  return out;
}

/**
 * The table of every check at every size: its verdict and figure per size, and "fails from": the smallest size that
 * failed it in every run, with every larger size failing it too or stopping its case before it (an earlier check
 * failed). Sizes are ms of extra CPU per MCP request, 0 the unslowed gateway.
 */
export function sensitivityTable(runs: SlowedRun[]): string[][] {
  const sizes = [...new Set(runs.map((r) => r.size))].sort((a, b) => a - b);
  const at = (size: number) => runs.filter((r) => r.size === size);
  const cell = (key: string, size: number) => {
    const seen = at(size).map((r) => r.checks.find((c) => c.key === key));
    const reached = seen.filter((c): c is CheckCell => c !== undefined);
    if (!reached.length) return { text: '- (not reached)', failedAll: false, failedOrUnreached: true };
    const failed = reached.filter((c) => c.judged && !c.pass).length;
    const verdict = reached.every((c) => !c.judged) ? 'not judged' : failed === 0 ? 'ok' : failed === reached.length ? 'FAIL' : `FAIL ${failed}/${reached.length}`;
    const missing = seen.length > reached.length ? ` (+${seen.length - reached.length} not reached)` : '';
    return { text: `${verdict} ${reached.map((c) => c.figure).join(', ')}${missing}`, failedAll: failed === seen.length, failedOrUnreached: failed === reached.length };
  };
  const keys = [...new Set(runs.flatMap((r) => r.checks.map((c) => c.key)))];
  const rows = keys.map((key) => {
    const cells = sizes.map((s) => cell(key, s));
    let from: number | undefined;
    for (let i = sizes.length - 1; i >= 0 && cells[i]!.failedOrUnreached; i--) if (cells[i]!.failedAll) from = sizes[i];
    return [key, ...cells.map((c) => c.text), from === undefined ? 'never here' : from === 0 ? 'fails unslowed' : `+${from} ms`];
  });
  const scenarios = [...new Set(runs.flatMap((r) => Object.keys(r.cpuMsPerCall)))];
  const cpuRows = scenarios.map((s) => [`${s} | gateway CPU ms per call`, ...sizes.map((size) => at(size).map((r) => r.cpuMsPerCall[s]?.toFixed(1) ?? '-').join(', ')), '']);
  return [['case | check', ...sizes.map((s) => (s === 0 ? 'unslowed' : `+${s} ms CPU per MCP request`)), 'fails from'], ...cpuRows, ...rows];
}
