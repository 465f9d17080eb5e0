import { describe, expect, it } from 'vitest';
import { Aggregator } from '../support/engine/aggregator.ts';
import { newHistogram, recordMs, summarize } from '../support/engine/histogram.ts';
import { MetricsRecorder } from '../support/engine/metrics.ts';
import { normalizeScenario } from '../support/engine/scenario.ts';

const scenario = normalizeScenario({ name: 'm', executor: 'constant-arrival-rate', rate: 10, duration: '3s', preAllocatedVUs: 1 });

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('Aggregator', () => {
  it('merges interval histograms from several threads into exactly the percentiles of one histogram', () => {
    const rand = lcg(7);
    const reference = newHistogram();
    const recorders = [new MetricsRecorder(), new MetricsRecorder(), new MetricsRecorder()];
    const agg = new Aggregator(recorders.length);
    for (let second = 0; second < 3; second++) {
      recorders.forEach((rec, source) => {
        for (let i = 0; i < 1000; i++) {
          const ms = 1 + rand() ** 3 * 500;
          recordMs(reference, ms);
          rec.recordStart(0.1);
          if (i % 100 === 0) rec.recordFailure('op', 'http_status:503', ms, ms, 'busy');
          else rec.recordSuccess('op', ms, ms, 10, 20);
        }
        agg.add(source, rec.flush());
      });
    }
    const result = agg.result(scenario, { startedAt: new Date(0), durationMs: 3000, workers: 3, interrupted: 0 });
    expect(result.latency).toEqual(summarize(reference));
    expect(result.counts).toMatchObject({ started: 9000, completed: 9000, ok: 8910, failed: 90 });
    expect(result.errors).toEqual({ 'http_status:503': 90 });
    expect(result.errorsByClass).toEqual({ http_status: 90 });
    expect(result.bytes).toEqual({ in: 8910 * 10, out: 8910 * 20 });
    expect(result.series.map((p) => p.requests)).toEqual([3000, 3000, 3000]);
    expect(result.errorSamples).toEqual({ 'http_status:503': 'busy' });
  });

  it('finalises a second only when every source has reported past it', () => {
    const seen: number[] = [];
    const agg = new Aggregator(2, (p) => seen.push(p.t));
    const a = new MetricsRecorder();
    const b = new MetricsRecorder();
    agg.add(0, a.flush());
    agg.add(0, a.flush());
    expect(seen).toEqual([]);
    agg.add(1, b.flush());
    expect(seen).toEqual([1]);
    agg.add(1, b.flush());
    expect(seen).toEqual([1, 2]);
  });
});
