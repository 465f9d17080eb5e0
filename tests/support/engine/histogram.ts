import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Latencies are recorded in integer microseconds, 3 significant digits, resizing as needed. */
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** Percentiles in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const ms = (us: number) => Math.round(us) / 1000;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue),
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.getValueAtPercentile(100)),
  };
}

/** Records a duration given in milliseconds (float) as integer microseconds. */
export function recordMs(h: Histogram, durationMs: number): void {
  h.recordValue(Math.max(1, Math.round(durationMs * 1000)));
}

/** How many recorded samples lie at or above `limitMs` (to the histogram's resolution, 3 significant digits). */
export function countAtOrAbove(h: Histogram, limitMs: number): number {
  const n = h.totalCount;
  const limit = Math.round(limitMs * 1000);
  let below = 0;
  let hi = n;
  while (below < hi) {
    const mid = Math.ceil((below + hi) / 2);
    if (h.getValueAtPercentile((100 * (mid - 0.5)) / n) < limit) below = mid;
    else hi = mid - 1;
  }
  return n - below;
}
