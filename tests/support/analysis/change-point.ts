// Change points in a history of nightly figures: a shift that every single comparison with "the last run"
// misses because it came in small steps, or hid in one run's noise. One split at a time, like E-divisive
// with a single cut: the split that most lowers the L1 cost (each side described by its own median) is kept
// only when a permutation test says such a split would be rare in a series with no change at all.
import { seededRandom } from './random.ts';
import { median } from '../shared/statistics.ts';

export interface ChangePoint {
  /** Index of the first value after the change. */
  index: number;
  before: number;
  after: number;
  /** after / before - 1 (medians). */
  change: number;
  /** Share of shuffled series with a split at least this strong. */
  p: number;
}

/** Median absolute deviation, scaled to a standard deviation for normal data. */
export function mad(xs: number[]): number {
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
}

/** Sum of absolute deviations from the median: the cost of describing xs by one level. */
function l1Cost(xs: number[]): number {
  const m = median(xs);
  return xs.reduce((acc, x) => acc + Math.abs(x - m), 0);
}

/**
 * The strongest split of xs (each side at least `minSide` long): the one that lowers the L1 cost most when
 * each side gets its own level, in units of the series' spread.
 */
function bestSplit(xs: number[], minSide: number): { index: number; stat: number } {
  let best = { index: -1, stat: 0 };
  const spread = mad(xs) || 1e-12;
  const whole = l1Cost(xs);
  for (let i = minSide; i <= xs.length - minSide; i++) {
    const stat = (whole - l1Cost(xs.slice(0, i)) - l1Cost(xs.slice(i))) / spread;
    if (stat > best.stat) best = { index: i, stat };
  }
  return best;
}

/**
 * The most likely change point of `xs` (oldest first), or undefined when there is none at significance
 * `alpha` or the series is shorter than 2 x minSide. `minChange` ignores shifts smaller than that share.
 */
export function findChangePoint(xs: number[], o: { alpha?: number; permutations?: number; minSide?: number; minChange?: number } = {}): ChangePoint | undefined {
  const minSide = o.minSide ?? 3;
  if (xs.length < 2 * minSide) return undefined;
  const observed = bestSplit(xs, minSide);
  if (observed.index < 0) return undefined;
  const permutations = o.permutations ?? 999;
  const random = seededRandom(xs.length * 7919 + Math.round(xs.reduce((a, b) => a + b, 0) * 1000));
  const shuffled = [...xs];
  let atLeast = 0;
  for (let k = 0; k < permutations; k++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    if (bestSplit(shuffled, minSide).stat >= observed.stat) atLeast++;
  }
  const p = (atLeast + 1) / (permutations + 1);
  const before = median(xs.slice(0, observed.index));
  const after = median(xs.slice(observed.index));
  const change = before !== 0 ? after / before - 1 : 0;
  if (p > (o.alpha ?? 0.01) || Math.abs(change) < (o.minChange ?? 0)) return undefined;
  return { index: observed.index, before, after, change, p };
}
