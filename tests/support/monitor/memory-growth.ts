/** Memory growth judged by the slope of a least-squares line through the samples, with its 95% interval. */
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
}

// Two-sided 97.5% quantiles of Student's t for small degrees of freedom; 1.96 beyond.
const T975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
const tQuantile = (df: number) => (df < T975.length ? T975[df]! : df < 30 ? 2.05 : df < 60 ? 2.0 : 1.96);

/**
 * Fits memory (MB) against time (s). "growing" when the whole 95% interval of the slope lies above the
 * budget (maxRelativePerHour of the mean); "stable" when the whole interval lies below it;
 * "inconclusive" when the interval straddles it (too few or too noisy samples).
 */
export function memoryGrowth(points: { t: number; memoryMB: number }[], maxRelativePerHour: number): MemoryGrowth {
  const n = points.length;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanY = points.reduce((a, p) => a + p.memoryMB, 0) / n;
  const seconds = n ? points[n - 1]!.t - points[0]!.t : 0;
  if (n < 3 || seconds <= 0) {
    return { samples: n, seconds, meanMB: meanY || 0, slopeMBPerHour: Number.NaN, ciMBPerHour: [Number.NaN, Number.NaN], relativePerHour: Number.NaN, verdict: 'inconclusive', reason: `only ${n} samples over ${seconds} s` };
  }
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.t - meanT) ** 2;
    sxy += (p.t - meanT) * (p.memoryMB - meanY);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (const p of points) sse += (p.memoryMB - (meanY + slope * (p.t - meanT))) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const half = tQuantile(n - 2) * se;
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
  return { samples: n, seconds, meanMB: meanY, slopeMBPerHour: slope * perHour, ciMBPerHour: [lo, hi], relativePerHour: (slope * perHour) / meanY, verdict, reason };
}
