import type { NormalizedStage } from './scenario.ts';

interface Segment {
  startMs: number;
  durationMs: number;
  fromRate: number;
  toRate: number;
  /** Arrivals (cumulative) before this segment, per millisecond units. */
  arrivalsBefore: number;
}

/**
 * When each iteration of an open-model scenario is due. Rates are piecewise linear (per second)
 * across stages; iteration i is due at the time t where the integral of the rate from 0 to t equals i,
 * so arrivals are spread evenly and the count over a run is exact.
 */
export class ArrivalSchedule {
  readonly total: number;
  readonly durationMs: number;
  private readonly segments: Segment[];
  private cursor = 0;

  constructor(startRatePerSec: number, stages: NormalizedStage[]) {
    this.segments = [];
    let at = 0;
    let rate = startRatePerSec / 1000;
    let arrivals = 0;
    for (const stage of stages) {
      const toRate = stage.target / 1000;
      this.segments.push({ startMs: at, durationMs: stage.durationMs, fromRate: rate, toRate, arrivalsBefore: arrivals });
      arrivals += ((rate + toRate) / 2) * stage.durationMs;
      at += stage.durationMs;
      rate = toRate;
    }
    this.durationMs = at;
    this.total = Math.max(0, Math.ceil(arrivals - 1e-9));
  }

  /** Milliseconds from the start at which iteration i (0-based) is due. Call with non-decreasing i for O(1). */
  timeOf(i: number): number {
    if (i >= this.total) return Number.POSITIVE_INFINITY;
    let seg = this.segments[this.cursor]!;
    if (i < seg.arrivalsBefore) this.cursor = 0;
    while (this.cursor < this.segments.length - 1) {
      seg = this.segments[this.cursor]!;
      const next = this.segments[this.cursor + 1]!;
      if (i < next.arrivalsBefore - 1e-9) break;
      this.cursor++;
    }
    seg = this.segments[this.cursor]!;
    const d = i - seg.arrivalsBefore;
    if (d <= 0) return seg.startMs;
    const accel = (seg.toRate - seg.fromRate) / seg.durationMs;
    const disc = seg.fromRate * seg.fromRate + 2 * accel * d;
    const denom = seg.fromRate + Math.sqrt(Math.max(0, disc));
    const tau = denom > 0 ? (2 * d) / denom : seg.durationMs;
    return seg.startMs + Math.min(tau, seg.durationMs);
  }

  /** The target rate (per second) at time t. */
  rateAt(tMs: number): number {
    for (const seg of this.segments) {
      if (tMs <= seg.startMs + seg.durationMs) {
        const f = seg.durationMs > 0 ? (tMs - seg.startMs) / seg.durationMs : 1;
        return (seg.fromRate + (seg.toRate - seg.fromRate) * Math.max(0, f)) * 1000;
      }
    }
    return (this.segments.at(-1)?.toRate ?? 0) * 1000;
  }
}

/** The number of VUs a ramping-vus scenario wants at time t (linear between stage targets). */
export function vusAt(startVUs: number, stages: NormalizedStage[], tMs: number): number {
  let from = startVUs;
  let at = 0;
  for (const stage of stages) {
    if (tMs < at + stage.durationMs) {
      const f = stage.durationMs > 0 ? (tMs - at) / stage.durationMs : 1;
      return Math.round(from + (stage.target - from) * Math.max(0, f));
    }
    at += stage.durationMs;
    from = stage.target;
  }
  return from;
}
