import type { SeriesPoint } from '../engine/result.ts';
import { median } from '../shared/statistics.ts';

export interface RecoveryOptions {
  /** Seconds (from the phase start) when the calm period before the spike ends. */
  spikeStart: number;
  /** Seconds when the spike's rate is back to the base rate. */
  spikeEnd: number;
  /** Consecutive healthy seconds that count as recovered (default 5). */
  holdSeconds?: number;
  /** Healthy: per-second p95 at most this multiple of the calm p95 (default 2) ... */
  factor?: number;
  /** ... or at most this many ms above it, whichever is larger (default 20). */
  floorMs?: number;
}

export interface Recovery {
  /** Median per-second p95 before the spike. */
  calmP95: number;
  /** Per-second p95 at or below this is healthy. */
  thresholdMs: number;
  /** Worst per-second p95 during or after the spike. */
  peakP95: number;
  /** Seconds from the end of the spike to the first of `holdSeconds` healthy seconds; null if it never recovered. */
  recoverySeconds: number | null;
  errorsDuringSpike: number;
  droppedDuringSpike: number;
}

/**
 * Recovery after a spike, read off the per-second series: the calm p95 before it sets the bar, and the
 * recovery time is how long after the spike ends the series stays healthy (p95 under the bar, no errors,
 * nothing dropped) for `holdSeconds` in a row. A second with no completed request is not healthy.
 */
export function recoveryAfterSpike(series: SeriesPoint[], o: RecoveryOptions): Recovery {
  const hold = o.holdSeconds ?? 5;
  const calm = series.filter((p) => p.t > 1 && p.t <= o.spikeStart && p.requests > 0);
  if (calm.length === 0) throw new Error(`no completed requests before the spike (t <= ${o.spikeStart} s): cannot tell what "recovered" means`);
  const calmP95 = median(calm.map((p) => p.p95));
  const thresholdMs = Math.max(calmP95 * (o.factor ?? 2), calmP95 + (o.floorMs ?? 20));
  const after = series.filter((p) => p.t > o.spikeStart);
  const during = series.filter((p) => p.t > o.spikeStart && p.t <= o.spikeEnd);
  const healthy = (p: SeriesPoint) => p.requests > 0 && p.p95 <= thresholdMs && p.errors === 0 && p.dropped === 0;
  let recoverySeconds: number | null = null;
  const tail = series.filter((p) => p.t > o.spikeEnd);
  for (let i = 0; i + hold <= tail.length; i++) {
    if (tail.slice(i, i + hold).every(healthy)) {
      recoverySeconds = tail[i]!.t - 1 - o.spikeEnd;
      break;
    }
  }
  return {
    calmP95: +calmP95.toFixed(3), thresholdMs: +thresholdMs.toFixed(3), peakP95: Math.max(0, ...after.map((p) => p.p95)), recoverySeconds,
    errorsDuringSpike: during.reduce((n, p) => n + p.errors, 0), droppedDuringSpike: during.reduce((n, p) => n + p.dropped, 0),
  };
}

export interface Drift {
  firstP95: number;
  lastP95: number;
  /** lastP95 / firstP95. */
  ratio: number;
  secondsPerWindow: number;
}

/** Latency drift over a constant-rate phase: median per-second p95 of the last third against the first third. */
export function latencyDrift(series: SeriesPoint[]): Drift {
  const points = series.filter((p) => p.requests > 0);
  const third = Math.floor(points.length / 3);
  if (third < 3) throw new Error(`latency drift needs at least 9 seconds with completed requests, got ${points.length}`);
  const firstP95 = median(points.slice(0, third).map((p) => p.p95));
  const lastP95 = median(points.slice(-third).map((p) => p.p95));
  return { firstP95, lastP95, ratio: +(lastP95 / firstP95).toFixed(3), secondsPerWindow: third };
}
