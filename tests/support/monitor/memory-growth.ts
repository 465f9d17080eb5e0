import { leastSquares, slopeSeAutocorrelated, studentTQuantile } from '../shared/statistics.ts';

/**
 * Memory growth judged by the slope of a least-squares line through the samples, with its 95% interval, made robust
 * to autocorrelated samples (Newey-West, lag from the data).
 */
export interface MemoryGrowth {
  samples: number;
  seconds: number;
  meanMB: number;
  slopeMBPerHour: number;
  /** 95% confidence interval of the slope. */
  ciMBPerHour: [number, number];
  /** Slope as a share of the mean, per hour (0.1 = 10%/h). */
  relativePerHour: number;
  verdict: 'growing' | 'stable' | 'inconclusive';
  reason: string;
  /** Lags of residual autocorrelation the interval allowed for (0: samples independent). */
  lag?: number;
  /** Seconds at the start left out as warm-up (a slope that fell there), and the slopes before and after (MB/h). */
  warmup?: { seconds: number; samples: number; beforeMBPerHour: number; afterMBPerHour: number };
}

type Point = { t: number; memoryMB: number };
const WARMUP_Z = 4;

/**
 * Where a gateway's warm-up ends, from the series itself: caches and pools fill fast at first, then memory levels
 * off, so the series bends once. Two lines fitted either side of each candidate break (in the first half only: at
 * least half the run is judged), the break with the least squared error wins; it is kept only when the slope before
 * it is higher than after it by far more than both slopes' autocorrelation-robust errors allow (z > 4: the search
 * picks the likeliest break, so z of a series without one runs far above 1.96; docs/soak.md),
 * else nothing is left out. Leaving out a warm-up that was not one costs samples, never bias: a steady leak has the
 * same slope in either part.
 */
export function findWarmup(points: readonly Point[]): { index: number; beforeMBPerHour: number; afterMBPerHour: number } | undefined {
  const n = points.length;
  const minPart = Math.max(10, Math.ceil(n * 0.02));
  if (n < 2 * minPart + 2) return undefined;
  const ts = points.map((p) => p.t);
  const ys = points.map((p) => p.memoryMB);
  // Running sums, so that each candidate's two fits cost O(1): the search is O(n) however long the soak.
  const t0 = ts[0]!;
  const y0 = ys[0]!;
  const sums = [{ t: 0, y: 0, tt: 0, yy: 0, ty: 0 }];
  for (let i = 0; i < n; i++) {
    const t = ts[i]! - t0;
    const y = ys[i]! - y0;
    const p = sums[i]!;
    sums.push({ t: p.t + t, y: p.y + y, tt: p.tt + t * t, yy: p.yy + y * y, ty: p.ty + t * y });
  }
  const sse = (from: number, to: number) => {
    const a = sums[from]!;
    const b = sums[to]!;
    const m = to - from;
    const sxx = b.tt - a.tt - (b.t - a.t) ** 2 / m;
    const syy = b.yy - a.yy - (b.y - a.y) ** 2 / m;
    const sxy = b.ty - a.ty - ((b.t - a.t) * (b.y - a.y)) / m;
    return sxx > 0 ? syy - (sxy * sxy) / sxx : syy;
  };
  let best: { index: number; sse: number } | undefined;
  for (let k = minPart; k <= Math.floor(n / 2); k++) {
    const total = sse(0, k) + sse(k, n);
    if (!best || total < best.sse) best = { index: k, sse: total };
  }
  if (!best) return undefined;
  const before = partSlope(ts.slice(0, best.index), ys.slice(0, best.index));
  const after = partSlope(ts.slice(best.index), ys.slice(best.index));
  const z = (before.slope - after.slope) / Math.hypot(before.se, after.se);
  if (!(z > WARMUP_Z)) return undefined;
  return { index: best.index, beforeMBPerHour: before.slope * 3600, afterMBPerHour: after.slope * 3600 };
}

function partSlope(xs: number[], ys: number[]): { slope: number; se: number } {
  const fit = leastSquares(xs, ys);
  return { slope: fit.slope, se: slopeSeAutocorrelated(xs, ys, fit).se };
}


/**
 * Fits memory (MB) against time (s), after the warm-up when asked to find one (`warmup: 'detect'`). "growing" when the whole 95% interval of the slope lies above the
 * budget (maxRelativePerHour of the mean); "stable" when the whole interval lies below it;
 * "inconclusive" when the interval straddles it (too few or too noisy samples).
 */
export function memoryGrowth(all: readonly Point[], maxRelativePerHour: number, options: { warmup?: 'detect' | 'none'; unit?: string } = {}): MemoryGrowth {
  const unit = options.unit ?? 'MB';
  const cut = options.warmup === 'detect' ? findWarmup(all) : undefined;
  const points = cut ? all.slice(cut.index) : all;
  const warmup = cut ? { seconds: points[0]!.t - all[0]!.t, samples: cut.index, beforeMBPerHour: cut.beforeMBPerHour, afterMBPerHour: cut.afterMBPerHour } : undefined;
  const n = points.length;
  const meanY = points.reduce((a, p) => a + p.memoryMB, 0) / n;
  const seconds = n ? points[n - 1]!.t - points[0]!.t : 0;
  if (n < 3 || seconds <= 0) {
    return { samples: n, seconds, meanMB: meanY || 0, slopeMBPerHour: Number.NaN, ciMBPerHour: [Number.NaN, Number.NaN], relativePerHour: Number.NaN, verdict: 'inconclusive', reason: `only ${n} samples over ${seconds} s` };
  }
  const ts = points.map((p) => p.t);
  const mbs = points.map((p) => p.memoryMB);
  const fit = leastSquares(ts, mbs);
  const slope = fit.slope;
  // Samples a second apart are not independent: the interval allows for their autocorrelation.
  const { se, df, lag } = slopeSeAutocorrelated(ts, mbs, fit);
  const half = studentTQuantile(0.975, df) * se;
  const perHour = 3600;
  const budget = maxRelativePerHour * meanY;
  const lo = (slope - half) * perHour;
  const hi = (slope + half) * perHour;
  const verdict = lo > budget ? 'growing' : hi < budget ? 'stable' : 'inconclusive';
  const reason = verdict === 'growing'
    ? `even the low end of the 95% interval (${lo.toFixed(1)} ${unit}/h) exceeds the budget (${budget.toFixed(1)} ${unit}/h)`
    : verdict === 'stable'
      ? `even the high end of the 95% interval (${hi.toFixed(1)} ${unit}/h) is below the budget (${budget.toFixed(1)} ${unit}/h)`
      : `the 95% interval (${lo.toFixed(1)} to ${hi.toFixed(1)} ${unit}/h) contains the budget (${budget.toFixed(1)} ${unit}/h): run longer to decide`;
  return { samples: n, seconds, meanMB: meanY, slopeMBPerHour: slope * perHour, ciMBPerHour: [lo, hi], relativePerHour: (slope * perHour) / meanY, verdict, reason, lag, ...(warmup ? { warmup } : {}) };
}

/**
 * A connection leak, judged like memory but against what the pools allow: connections a pool opens lazily rise
 * for hours and stop at the pools' capacity (docs/soak.md has a soak where they did); a leak is a count that would pass the
 * capacity within `horizonHours` (24: the plan's day) at its slope. A run of minutes sees the pools' first steps
 * (three connections opened in 30 minutes read as 5/h), so shorter profiles judge a shorter horizon: gross leaks
 * only, as their memory budgets do. Without a known capacity, 5% of the mean per hour.
 */
export function connectionGrowth(points: readonly { t: number; count: number }[], capacity?: number, horizonHours = 24): MemoryGrowth {
  const series = points.map((p) => ({ t: p.t, memoryMB: p.count }));
  const mean = series.reduce((a, p) => a + p.memoryMB, 0) / (series.length || 1);
  const highest = Math.max(0, ...series.map((p) => p.memoryMB));
  const perHour = capacity && capacity > highest ? (capacity - highest) / horizonHours : 0.05 * mean;
  return memoryGrowth(series, mean > 0 ? perHour / mean : 0.05, { warmup: 'detect', unit: 'connections' });
}
