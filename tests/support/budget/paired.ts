// Paired A/B statistics: each round measures base and head back to back, so a round's log ratio
// ln(head/base) carries the change and little of the machine's drift. The shift of those log ratios is
// estimated by Hodges-Lehmann (median of Walsh averages) with the exact Wilcoxon signed-rank interval:
// distribution-free, and one stalled round moves it by one rank, not by its size.
import type { Direction, ErrorCount, ErrorRateVerdict, PairedStatus, PairedVerdict } from '../shared/ab-outcome.ts';
import { median, normalCdf, normalQuantile, shiftInterval } from '../shared/statistics.ts';

export interface PairedOptions {
  direction: Direction;
  /** A change (worse by this fraction) that is still not a regression (default 0.05). */
  allowed?: number;
  /** Two-sided confidence of the interval (default 0.95; the regression test is its one-sided half). */
  confidence?: number;
  /**
   * Run-to-run standard deviation of ln(head/base) beyond what the rounds show (budget/run-to-run.ts, measured by
   * A/A runs): added to the interval, whose every side becomes sqrt(side^2 + (z * sd)^2). Default 0.
   */
  runToRunSd?: number;
}

const Z_80 = 0.8416;

/** z of a two-sided interval of `confidence` (1.96 for 0.95). */
export const twoSidedZ = (confidence: number) => normalQuantile(1 - (1 - confidence) / 2);

/** Judges paired rounds of one metric. `pairs` are [base, head] figures of the same round. */
export function pairedVerdict(pairs: readonly (readonly [number, number])[], o: PairedOptions): PairedVerdict {
  const allowed = o.allowed ?? 0.05;
  const confidence = o.confidence ?? 0.95;
  const usable = pairs.filter(([b, h]) => b > 0 && h > 0 && Number.isFinite(b) && Number.isFinite(h));
  const d = usable.map(([b, h]) => Math.log(h / b));
  const runToRunSd = o.runToRunSd ?? 0;
  if (!(runToRunSd >= 0)) throw new RangeError(`pairedVerdict: runToRunSd must be >= 0, got ${runToRunSd}`);
  const within = shiftInterval(d, confidence);
  if (!within) return { n: usable.length, allowed, direction: o.direction, runToRunSd, ratio: d.length ? Math.exp(median(d)) : Number.NaN, ci: [Number.NaN, Number.NaN], achievedConfidence: 0, detectable: Number.NaN, status: 'too few rounds' };
  return { n: usable.length, ...judgeShift(within, { direction: o.direction, allowed, runToRunSd }) };
}

/** A within-run interval of ln(head/base): its Hodges-Lehmann estimate, bounds and the confidence they achieved. */
export type ShiftInterval = NonNullable<ReturnType<typeof shiftInterval>>;

/**
 * The verdict on a within-run interval: widened by the run-to-run sd, then judged against the allowed change.
 * Also used to judge a finished run again with another run-to-run sd (budget/run-to-run.ts, rejudge).
 */
export function judgeShift(within: ShiftInterval, o: Required<Pick<PairedOptions, 'direction' | 'allowed' | 'runToRunSd'>>): Omit<PairedVerdict, 'n'> {
  const { direction, allowed, runToRunSd } = o;
  const zConf = twoSidedZ(within.achieved);
  const widen = (side: number) => Math.sqrt(side ** 2 + (zConf * runToRunSd) ** 2);
  const s = { ...within, lo: within.estimate - widen(within.estimate - within.lo), hi: within.estimate + widen(within.hi - within.estimate) };
  // Worse = higher log ratio for latency, lower for throughput: judge on the bound nearest to "no change".
  const worseBound = direction === 'higher-is-worse' ? s.lo : -s.hi;
  const betterBound = direction === 'higher-is-worse' ? s.hi : -s.lo;
  const limit = Math.log(1 + allowed);
  const status: PairedStatus = worseBound > limit ? 'regression' : betterBound < -limit ? 'improvement' : 'no regression';
  // The one-sided test flags when the estimate exceeds the limit by the interval's half-width; to do so 80% of
  // the time the true change must be larger still by z(0.8) standard errors (half-width = z(conf) SE).
  const halfWidth = (s.hi - s.lo) / 2;
  const detectable = Math.exp(limit + halfWidth * (1 + Z_80 / zConf)) - 1;
  return { allowed, direction, runToRunSd, ratio: Math.exp(s.estimate), ci: [Math.exp(s.lo), Math.exp(s.hi)], achievedConfidence: s.achieved, detectable, status };
}

/** "+12.3%" / "-4.0%" for a ratio. */
export function changeText(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const pct = (ratio - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** "<= +5.0%" for latency, ">= -4.8%" for throughput: the head/base limit a worsening of `fraction` marks. */
export function worseLimitText(direction: Direction, fraction: number): string {
  return `${direction === 'higher-is-worse' ? '<=' : '>='} ${worseChangeText(direction, fraction)}`;
}

/** A worsening of `fraction` as the change it stands for: +20% for a latency, -16.7% for a throughput. */
export function worseChangeText(direction: Direction, fraction: number): string {
  return changeText(direction === 'higher-is-worse' ? 1 + fraction : 1 / (1 + fraction));
}

/**
 * Head's error rate against base's: a regression when head fails more often with p < 0.01 and by more than
 * `slack` (absolute, default 0.1 points), so neither one unlucky call nor a large but noisy sample decides.
 */
export function errorRateVerdict(base: ErrorCount, head: ErrorCount, slack = 0.001): ErrorRateVerdict {
  const rb = base.total ? base.failed / base.total : 0;
  const rh = head.total ? head.failed / head.total : 0;
  const pooled = (base.failed + head.failed) / Math.max(1, base.total + head.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(1, base.total) + 1 / Math.max(1, head.total)));
  const p = se > 0 ? 1 - normalCdf((rh - rb) / se) : rh > rb ? 0 : 1;
  const status = p < 0.01 && rh - rb > slack ? 'regression' : 'no regression';
  const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
  return { base, head, p, status, text: `errors: base ${pct(rb)} (${base.failed}/${base.total}), head ${pct(rh)} (${head.failed}/${head.total}); p = ${p < 0.001 ? '<0.001' : p.toFixed(3)}; ${status}` };
}
