import { textTable } from '../report/text-table.ts';
import { changeText, worseLimitText, type AbVerdictRow } from './paired.ts';

/** The verdict table: each metric's medians, head/base with its interval, what was allowed and what could have been seen. */
export function formatVerdicts(rows: AbVerdictRow[]): string {
  return textTable([
    ['metric', 'base', 'head', 'head/base', '95% interval', 'allowed', 'detectable', 'verdict'],
    ...rows.map((v) => [
      `${v.metric} (${v.unit})`, String(v.base), String(v.head), changeText(v.ratio), `${changeText(v.ci[0])} .. ${changeText(v.ci[1])}`,
      worseLimitText(v.direction, v.allowed),
      Number.isFinite(v.detectable) ? worseLimitText(v.direction, v.detectable).slice(3) : 'n/a',
      v.status === 'regression' ? 'REGRESSION' : v.status,
    ]),
  ]);
}
