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
}


/**
 * Fits memory (MB) against time (s). "growing" when the whole 95% interval of the slope lies above the
 * budget (maxRelativePerHour of the mean); "stable" when the whole interval lies below it;
 * "inconclusive" when the interval straddles it (too few or too noisy samples).
 */
export function memoryGrowth(points: { t: number; memoryMB: number }[], maxRelativePerHour: number): MemoryGrowth {
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
    ? `even the low end of the 95% interval (${lo.toFixed(1)} MB/h) exceeds the budget (${budget.toFixed(1)} MB/h)`
    : verdict === 'stable'
      ? `even the high end of the 95% interval (${hi.toFixed(1)} MB/h) is below the budget (${budget.toFixed(1)} MB/h)`
      : `the 95% interval (${lo.toFixed(1)} to ${hi.toFixed(1)} MB/h) contains the budget (${budget.toFixed(1)} MB/h): run longer to decide`;
  return { samples: n, seconds, meanMB: meanY, slopeMBPerHour: slope * perHour, ciMBPerHour: [lo, hi], relativePerHour: (slope * perHour) / meanY, verdict, reason, lag };
}
