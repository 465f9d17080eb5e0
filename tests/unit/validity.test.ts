import { describe, expect, it } from 'vitest';
import { lagLimitMs, runValidity } from '../support/budget/validity.ts';
import type { LatencySummary } from '../support/engine/histogram.ts';
import type { RunResult } from '../support/engine/result.ts';

const summary = (p50: number, p99: number): LatencySummary => ({ count: 100, min: 0, mean: p50, p50, p90: p99, p95: p99, p99, p999: p99, max: p99 });

/** A phase with the given latency p50 and scheduler lag p99; nothing else amiss. */
function phase(p50: number, lagP99: number, extra: Partial<RunResult> = {}): RunResult {
  return {
    scenario: 'validity', executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'intended-start', startedAt: '', durationMs: 6000, workers: 1,
    rate: { target: 8, achieved: 8 }, counts: { started: 48, completed: 48, ok: 48, failed: 0, dropped: 0, interrupted: 0 },
    errorRate: 0, errorsByClass: {}, errors: {}, errorSamples: {}, latency: summary(p50, p50 * 2), service: summary(p50, p50 * 2), schedulerLag: summary(1, lagP99),
    operations: {}, bytes: { in: 0, out: 0 }, vus: { peakInFlight: 3, max: 100 }, series: [],
    generator: { threads: 1, cpuPercent: 20, eventLoopUtilization: 0.2 }, ...extra,
  };
}

describe('run validity: when the load generator, not the target, set the pace', () => {
  it('allows 20 ms of scheduler lag p99 where calls are fast, and fails a phase past it', () => {
    expect(runValidity(phase(40, 19)).valid).toBe(true);
    const late = runValidity(phase(40, 24.5));
    expect(late.valid).toBe(false);
    expect(late.reasons).toEqual(['scheduler lag p99 24.5 ms (> 20 ms): iterations started late']);
  });

  it('allows a quarter of the p50 where calls are slow, and fails a phase past that', () => {
    expect(lagLimitMs(phase(160, 0))).toBe(40);
    expect(runValidity(phase(160, 39.8)).valid).toBe(true); // a stolen core's stall on a slow runner
    const late = runValidity(phase(106.5, 31.9));
    expect(late.valid).toBe(false);
    expect(late.reasons[0]).toBe('scheduler lag p99 31.9 ms (> 26.6 ms, a quarter of its p50): iterations started late');
  });

  it('fails a starved generator even though its lateness raised the p50 it is measured against', () => {
    // 50 ms calls started 100 ms late at the median and 300 ms at p99: the p50 reads 150 ms.
    expect(runValidity(phase(150, 300)).valid).toBe(false);
  });

  it('fails a busy load thread and iterations the engine dropped', () => {
    expect(runValidity(phase(40, 1, { generator: { threads: 1, cpuPercent: 99, eventLoopUtilization: 0.95 } })).reasons[0]).toMatch(/busy 95% of the phase/);
    expect(runValidity(phase(40, 1, { counts: { started: 48, completed: 46, ok: 46, failed: 0, dropped: 2, interrupted: 0 } })).reasons[0]).toMatch(/2 iteration\(s\) dropped with at most 3 of 100 VUs/);
    expect(runValidity(phase(40, 1, { counts: { started: 48, completed: 46, ok: 46, failed: 0, dropped: 2, interrupted: 0 }, vus: { peakInFlight: 100, max: 100 } })).valid).toBe(true);
  });
});
