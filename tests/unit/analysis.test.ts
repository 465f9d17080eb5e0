import { describe, expect, it } from 'vitest';
import { findKnee, judgeLevel, type LevelMeasurement } from '../support/analysis/knee-search.ts';
import { latencyDrift, recoveryAfterSpike } from '../support/analysis/recovery.ts';
import { sizingFromLevels } from '../support/analysis/sizing.ts';
import type { SeriesPoint } from '../support/engine/result.ts';

/** A target that holds up to `capacity` req/s at 20 ms p95, then queues: p95 grows and the achieved rate stalls. */
function fakeTarget(capacity: number) {
  const offered: number[] = [];
  const measure = async (rate: number): Promise<LevelMeasurement> => {
    offered.push(rate);
    const over = rate > capacity;
    return {
      achieved: over ? capacity : rate, p50: over ? 400 : 10, p95: over ? 900 : 20, p99: over ? 1200 : 30,
      errorRate: 0, dropped: 0, extra: { gatewayCpuPercent: 5 + 0.9 * Math.min(rate, capacity), gatewayMemoryMB: 300 + 0.2 * Math.min(rate, capacity) },
    };
  };
  return { measure, offered };
}

const slo = { p95Ms: 300, errorRate: 0.01 };

describe('knee search', () => {
  it('grows geometrically, then bisects to the maximum sustainable rate', async () => {
    const t = fakeTarget(130);
    const r = await findKnee(t.measure, { startRate: 10, maxRate: 1000, refineSteps: 4, resolution: 0.05, slo });
    expect(t.offered).toEqual([10, 20, 40, 80, 160, 120, 140, 130, 135]);
    expect(r.knee).toBe(130);
    expect(r.breaking).toBe(135);
    expect(r.levels.map((l) => l.rate)).toEqual([10, 20, 40, 80, 120, 130, 135, 140, 160]);
    expect(r.summary).toMatch(/maximum sustainable rate 130\/s; 135\/s broke the SLO \(p95 900 ms > 300 ms\)$/);
  });

  it('says so when even the start rate breaks the SLO, and when nothing broke', async () => {
    const low = await findKnee(fakeTarget(5).measure, { startRate: 10, maxRate: 100, slo });
    expect(low.knee).toBeNull();
    expect(low.summary).toMatch(/not sustainable even at 10\/s/);
    const high = await findKnee(fakeTarget(1e6).measure, { startRate: 10, maxRate: 50, slo });
    expect(high.levels.map((l) => l.rate)).toEqual([10, 20, 40, 50]);
    expect(high.breaking).toBeNull();
    expect(high.summary).toMatch(/above 50\/s/);
  });

  it('steps down from a start rate that already breaks, to minRate, then bisects above the rate that held', async () => {
    const t = fakeTarget(30);
    const r = await findKnee(t.measure, { startRate: 50, maxRate: 5000, minRate: 1, refineSteps: 3, slo });
    expect(t.offered.slice(0, 2)).toEqual([50, 25]);
    expect(r.knee).toBeGreaterThanOrEqual(25);
    expect(r.knee).toBeLessThanOrEqual(30);
    expect(r.summary).toMatch(/^maximum sustainable rate \d+\/s/);
    const none = fakeTarget(0.5);
    const nothing = await findKnee(none.measure, { startRate: 50, maxRate: 5000, minRate: 1, slo });
    expect(none.offered).toEqual([50, 25, 12, 6, 3, 1]);
    expect(nothing.knee).toBeNull();
    expect(nothing.summary).toMatch(/not sustainable even at 1\/s/);
  });

  it('counts errors and the achieved share against the SLO', () => {
    const base = { achieved: 100, p50: 5, p95: 10, p99: 20, errorRate: 0, dropped: 0, extra: {} };
    expect(judgeLevel(100, base, slo).pass).toBe(true);
    expect(judgeLevel(100, { ...base, errorRate: 0.02 }, slo).broke).toEqual(['errors 2.00% > 1.00%']);
    expect(judgeLevel(100, { ...base, achieved: 90 }, slo).broke).toEqual(['achieved 90/s < 95% of 100/s']);
  });

  it('rejects a search that cannot run', async () => {
    await expect(findKnee(fakeTarget(1).measure, { startRate: 0, maxRate: 10, slo })).rejects.toThrow(/startRate/);
  });
});

describe('sizing from the stress table', () => {
  it('fits CPU and memory per 100 req/s over the sustainable levels only', async () => {
    const r = await findKnee(fakeTarget(130).measure, { startRate: 10, maxRate: 1000, slo });
    const s = sizingFromLevels(r.levels)!;
    expect(s.cpuPercentPer100).toBeCloseTo(90, 5);
    expect(s.memoryMBPer100).toBeCloseTo(20, 5);
    expect(s.memoryBaseMB).toBe(300);
    expect(s.text).toMatch(/0\.90 cores\) per 100 req\/s; memory 300 MB \+ 20 MB per 100 req\/s/);
  });

  it('needs two sustainable levels', () => {
    expect(sizingFromLevels([])).toBeUndefined();
  });
});

const point = (t: number, p95: number, extra: Partial<SeriesPoint> = {}): SeriesPoint => ({ t, requests: 10, errors: 0, dropped: 0, p50: p95 / 2, p95, p99: p95, inFlight: 0, vus: 1, ...extra });

describe('recovery after a spike', () => {
  it('measures from the end of the spike to the first of N healthy seconds', () => {
    // calm 1..10 s at 30 ms, spike 11..20 s at 800 ms with errors, then 6 s of draining before it is calm again.
    const series = [
      ...Array.from({ length: 10 }, (_, i) => point(i + 1, 30)),
      ...Array.from({ length: 10 }, (_, i) => point(i + 11, 800, { errors: 2 })),
      ...Array.from({ length: 6 }, (_, i) => point(i + 21, 400 - i * 40)),
      ...Array.from({ length: 20 }, (_, i) => point(i + 27, 32)),
    ];
    const r = recoveryAfterSpike(series, { spikeStart: 10, spikeEnd: 20 });
    expect(r.calmP95).toBe(30);
    expect(r.thresholdMs).toBe(60);
    expect(r.recoverySeconds).toBe(6);
    expect(r.errorsDuringSpike).toBe(20);
    expect(r.peakP95).toBe(800);
  });

  it('a brief healthy second does not count, and a target that never recovers gives null', () => {
    const series = [
      ...Array.from({ length: 10 }, (_, i) => point(i + 1, 30)),
      point(11, 900), point(12, 900), point(13, 30), point(14, 900),
      ...Array.from({ length: 10 }, (_, i) => point(i + 15, 900)),
    ];
    expect(recoveryAfterSpike(series, { spikeStart: 10, spikeEnd: 12 }).recoverySeconds).toBeNull();
    const idle = [...Array.from({ length: 10 }, (_, i) => point(i + 1, 30)), ...Array.from({ length: 10 }, (_, i) => point(i + 11, 0, { requests: 0 }))];
    expect(recoveryAfterSpike(idle, { spikeStart: 10, spikeEnd: 12 }).recoverySeconds).toBeNull();
  });

  it('refuses a series with nothing before the spike', () => {
    expect(() => recoveryAfterSpike([point(5, 30)], { spikeStart: 2, spikeEnd: 4 })).toThrow(/before the spike/);
  });
});

describe('latency drift', () => {
  it('compares the last third with the first', () => {
    const series = Array.from({ length: 30 }, (_, i) => point(i + 1, i < 10 ? 20 : i < 20 ? 25 : 40));
    expect(latencyDrift(series)).toMatchObject({ firstP95: 20, lastP95: 40, ratio: 2, secondsPerWindow: 10 });
    expect(() => latencyDrift(series.slice(0, 5))).toThrow(/at least 9 seconds/);
  });
});
