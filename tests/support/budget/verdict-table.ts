import { textTable } from '../shared/text-table.ts';
import { gateInconclusive, judgedCase, regressedCase, type AbOutcome, type AbVerdictRow } from '../shared/ab-outcome.ts';
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

/** The gate's verdict over a run's A/B cases, as a pull request's reader needs it first. */
export interface GateHeadline {
  kind: 'regression' | 'invalid' | 'inconclusive' | 'no regression';
  /** One line: "REGRESSION in 1 of 3 case(s)", ... */
  text: string;
  /** What regressed, one line per metric: the case, the metric, the change, its interval and the allowed limit. */
  findings: string[];
}

/**
 * The gate's headline from a run's A/B outcomes; undefined when the run had no gate case. Two arms measured side
 * by side (protocol eras) are comparisons, not gates: they are left out. A regression outranks an INVALID case.
 */
export function gateHeadline(all: readonly AbOutcome[]): GateHeadline | undefined {
  const outcomes = all.filter((o) => !o.arms);
  if (outcomes.length === 0) return undefined;
  const regressed = outcomes.filter(regressedCase);
  const invalid = outcomes.filter((o) => !judgedCase(o));
  const alsoInvalid = invalid.length ? `; ${invalid.length} INVALID (the load generator, not the gateway, set the pace)` : '';
  const findings = regressed.flatMap((o) => [
    ...o.verdicts.filter((v) => v.status === 'regression').map((v) =>
      `${o.case}: ${v.metric} ${changeText(v.ratio)} (${v.base} to ${v.head} ${v.unit}; 95% interval ${changeText(v.ci[0])} .. ${changeText(v.ci[1])}; allowed ${worseLimitText(v.direction, v.allowed)})`),
    ...(o.errors.status === 'regression' ? [`${o.case}: ${o.errors.text}`] : []),
  ]);
  if (regressed.length) return { kind: 'regression', text: `REGRESSION in ${regressed.length} of ${outcomes.length} case(s)${alsoInvalid}`, findings };
  if (invalid.length) return { kind: 'invalid', text: `${invalid.length} of ${outcomes.length} case(s) INVALID (the load generator, not the gateway, set the pace); no regression in the others`, findings };
  if (gateInconclusive(outcomes)) return { kind: 'inconclusive', text: `INCONCLUSIVE: no regression found, but no case could have caught one of the gate's size`, findings };
  return { kind: 'no regression', text: `no regression in ${outcomes.length} case(s): every metric's interval within its allowed change`, findings };
}
