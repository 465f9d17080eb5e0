import { textTable } from '../shared/text-table.ts';
import type { AbVerdictRow } from '../shared/ab-outcome.ts';
import { changeText, worseChangeText, worseLimitText } from './paired.ts';

export const VERDICT_COLUMNS = ['metric', 'base', 'head', 'head/base', '95% interval', 'run-to-run', 'allowed', 'detectable', 'verdict'];

/** The run-to-run noise folded into the interval: "±6.2% (7 A/A)", or "not measured". */
export function runToRunText(v: Pick<AbVerdictRow, 'runToRunSd' | 'runToRunRuns'>): string {
  return v.runToRunRuns ? `±${(Math.expm1(v.runToRunSd) * 100).toFixed(1)}% (${v.runToRunRuns} A/A)` : 'not measured';
}

/**
 * The verdict in words: a gate's (REGRESSION, improvement, no regression), or, for two arms measured side by side
 * (a comparison, not a gate), which arm the interval shows worse or better beyond the allowed change.
 */
function statusText(v: AbVerdictRow, arms?: Arms): string {
  if (!arms) return v.status === 'regression' ? 'REGRESSION' : v.status;
  if (v.status === 'regression') return `${arms.head} worse`;
  if (v.status === 'improvement') return `${arms.head} better`;
  return v.status === 'no regression' ? 'no change shown' : v.status;
}

/** The two arms of a comparison, by side: what base and head stand for. */
export interface Arms {
  base: string;
  head: string;
}

/** One verdict as table cells: medians, head/base with its interval, what was allowed and what could have been seen. */
export function verdictCells(v: AbVerdictRow, arms?: Arms): string[] {
  return [
    `${v.metric} (${v.unit})`, String(v.base), String(v.head), changeText(v.ratio), `${changeText(v.ci[0])} .. ${changeText(v.ci[1])}`, runToRunText(v),
    worseLimitText(v.direction, v.allowed),
    Number.isFinite(v.detectable) ? worseChangeText(v.direction, v.detectable) : 'n/a',
    statusText(v, arms),
  ];
}

/** The verdict table in plain text. */
export function formatVerdicts(rows: AbVerdictRow[], arms?: Arms): string {
  return textTable([VERDICT_COLUMNS, ...rows.map((v) => verdictCells(v, arms))]);
}
