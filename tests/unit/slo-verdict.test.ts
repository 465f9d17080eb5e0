import { describe, expect, it } from 'vitest';
import { checkSlo } from '../support/budget/slo.ts';
import { criticalCount } from '../support/analysis/binomial.ts';
import { binomialUpperTail } from '../support/shared/statistics.ts';
import { countAtOrAbove, encodeHistogram, newHistogram, recordMs, summarize } from '../support/engine/histogram.ts';
import type { RunResult } from '../support/engine/result.ts';

/** A run whose every latency is given: n samples, `slow` of them at `slowMs`, the rest at `fastMs`. */
function runOf(n: number, fastMs: number, slow: number, slowMs: number): RunResult {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, i < slow ? slowMs : fastMs);
  const lat = summarize(h);
  return {
    scenario: 'slo case', executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'intended-start', startedAt: '', durationMs: 25_000, workers: 1,
    rate: { target: 6, achieved: 6 }, counts: { started: n, completed: n, ok: n, failed: 0, dropped: 0, interrupted: 0 },
    errorRate: 0, errorsByClass: {}, errors: {}, errorSamples: {}, latency: lat, service: lat, schedulerLag: lat,
    operations: { 'tools/call': { count: n, ok: n, failed: 0, errorRate: 0, errors: {}, latency: lat, service: lat, bytesIn: 0, bytesOut: 0, latencyHistogram: encodeHistogram(h) } },
    bytes: { in: 0, out: 0 }, vus: { peakInFlight: 1, max: 5 }, series: [],
  };
}

const p95Of = (r: RunResult, budget = '1s') => checkSlo(r, { p95: budget })[0]!;

describe('binomial tail', () => {
  it('matches exact values and finds the count that shows a budget missed at the 5% level', () => {
    expect(binomialUpperTail(3, 5, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialUpperTail(5, 5, 0.5)).toBeCloseTo(1 / 32, 12);
    expect(binomialUpperTail(0, 10, 0.1)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.1)).toBe(0);
    expect(criticalCount(150, 0.05)).toBe(13);
    expect(binomialUpperTail(13, 150, 0.05)).toBeLessThanOrEqual(0.05);
    expect(binomialUpperTail(12, 150, 0.05)).toBeGreaterThan(0.05);
    expect(criticalCount(100, 0.01)).toBe(4);
  });
});

describe('latency budgets judged by the share of samples beyond them', () => {
  it('counts the samples at or beyond a limit from the histogram', () => {
    const h = newHistogram();
    for (let i = 1; i <= 200; i++) recordMs(h, i * 10);
    expect(countAtOrAbove(h, 1000)).toBe(101);
    expect(countAtOrAbove(h, 2001)).toBe(0);
    expect(countAtOrAbove(h, 1)).toBe(200);
  });

  it('fails a budget clearly missed: 20 of 150 calls (13%) beyond a p95 budget of 1 s', () => {
    const check = p95Of(runOf(150, 100, 20, 1500));
    expect(check.pass).toBe(false);
    expect(check.measured).toMatch(/20 of 150 at or beyond 1000 ms/);
    expect(check.margin).toMatch(/fails from 13 of 150 beyond \(8\.667%, 5% allowed\)/);
  });

  it('fails a gateway made slow across the board, however short the run', () => {
    expect(p95Of(runOf(40, 1500, 0, 0)).pass).toBe(false);
    expect(checkSlo(runOf(300, 120, 0, 0), { p50: '100ms' })[0]!.pass).toBe(false);
  });

  it('does not fail on a point estimate at the budget that a few samples explain, and says so', () => {
    // 8 of 150 beyond: the p95 reads 1008 ms, yet a gateway exactly at its budget gives 8 or more in 48% of runs.
    const check = p95Of(runOf(150, 100, 8, 1008));
    expect(check.pass).toBe(true);
    expect(check.measured).toMatch(/^1008.13 ms; 8 of 150 .*not significantly \(13 needed\): run longer/);
  });

  it('passes a budget met, and judges the run by its point estimate when it carries no histogram', () => {
    expect(p95Of(runOf(150, 100, 5, 1500)).pass).toBe(true);
    const bare = { ...runOf(150, 100, 8, 1008), operations: {} };
    expect(p95Of(bare)).toMatchObject({ pass: false, measured: '1008.13 ms (weak: 7 sample(s) beyond p95)' });
  });
});
