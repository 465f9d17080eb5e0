import type { RunResult } from '../engine/result.ts';

/**
 * When a phase measured the load generator rather than the target. Stated once, applied to every phase:
 * - the busiest load thread's event loop was busy more than 90% of the phase (it set the pace);
 * - scheduler lag p99 above 20 ms and above a quarter of the phase's latency p50 (iterations started so late that
 *   the lateness is a visible part of what was measured: 20 ms against calls of 5-80 ms; on a slow runner whose
 *   calls take 150 ms, a stolen core's 30 ms stall is not, and the A/B pairing takes it as noise);
 * - iterations dropped while fewer than maxVUs were in flight (the engine, not the target, lost them).
 */
export const VALIDITY = { maxEventLoopUtilization: 0.9, maxLagP99Ms: 20, maxLagShareOfP50: 0.25 } as const;

/** The scheduler lag p99 a phase may show: 20 ms, or a quarter of its latency p50 where that is more. */
export function lagLimitMs(r: RunResult): number {
  return Math.max(VALIDITY.maxLagP99Ms, VALIDITY.maxLagShareOfP50 * (Number.isFinite(r.latency.p50) ? r.latency.p50 : 0));
}

export interface Validity {
  valid: boolean;
  reasons: string[];
}

export function runValidity(r: RunResult): Validity {
  const reasons: string[] = [];
  const g = r.generator;
  if (g && g.eventLoopUtilization > VALIDITY.maxEventLoopUtilization) {
    reasons.push(`the load thread was busy ${(g.eventLoopUtilization * 100).toFixed(0)}% of the phase (> ${VALIDITY.maxEventLoopUtilization * 100}%; process CPU ${g.cpuPercent}% of a core): the generator set the pace`);
  }
  const lagLimit = lagLimitMs(r);
  if (r.schedulerLag.count > 0 && r.schedulerLag.p99 > lagLimit) {
    const limitText = lagLimit > VALIDITY.maxLagP99Ms ? `${+lagLimit.toFixed(1)} ms, a quarter of its p50` : `${VALIDITY.maxLagP99Ms} ms`;
    reasons.push(`scheduler lag p99 ${r.schedulerLag.p99} ms (> ${limitText}): iterations started late`);
  }
  if (r.counts.dropped > 0 && r.vus.peakInFlight < r.vus.max) {
    reasons.push(`${r.counts.dropped} iteration(s) dropped with at most ${r.vus.peakInFlight} of ${r.vus.max} VUs in flight: dropped by the engine, not for want of VUs`);
  }
  return { valid: reasons.length === 0, reasons };
}

/**
 * A closed-model phase whose slowest iteration is far above its p99 held a stall the percentiles cannot
 * show: while its VUs waited they sent nothing, so the stall is one sample (coordinated omission, as in
 * k6). Says so, with what to run instead; undefined for open-model phases and when nothing stands out.
 */
export function closedModelStall(r: RunResult): string | undefined {
  if (r.model !== 'closed' || r.latency.count < 100) return undefined;
  const { p99, max } = r.latency;
  if (max < 100 || max < 10 * p99) return undefined;
  return `closed model: the slowest iteration took ${max} ms, ${(max / Math.max(p99, 0.001)).toFixed(0)}x the p99 of ${p99} ms. ` +
    'While the VUs waited they sent nothing, so a stall of the target counts as one sample and the percentiles hide it ' +
    '(coordinated omission): run the phase at a constant arrival rate to see what callers would have waited';
}
