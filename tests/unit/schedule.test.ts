import { describe, expect, it } from 'vitest';
import { ArrivalSchedule, vusAt } from '../support/engine/schedule.ts';

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly and counts exactly', () => {
    const s = new ArrivalSchedule(10, [{ durationMs: 1000, target: 10 }]);
    expect(s.total).toBe(10);
    expect(Array.from({ length: 10 }, (_, i) => s.timeOf(i))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(s.timeOf(10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('handles fractional rates', () => {
    const s = new ArrivalSchedule(0.5, [{ durationMs: 10_000, target: 0.5 }]);
    expect(s.total).toBe(5);
    expect(s.timeOf(4)).toBeCloseTo(8000, 6);
  });

  it('ramps linearly: arrivals follow the integral of the rate', () => {
    // 0 -> 100/s over 10 s: N(t) = 5 t^2 (t in s), 500 arrivals; i-th at sqrt(i/5) s.
    const s = new ArrivalSchedule(0, [{ durationMs: 10_000, target: 100 }]);
    expect(s.total).toBe(500);
    for (const i of [0, 1, 5, 20, 125, 499]) expect(s.timeOf(i)).toBeCloseTo(Math.sqrt(i / 5) * 1000, 6);
    let last = -1;
    for (let i = 0; i < s.total; i++) {
      const t = s.timeOf(i);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });

  it('chains stages: up, hold, down', () => {
    const s = new ArrivalSchedule(0, [{ durationMs: 2000, target: 100 }, { durationMs: 2000, target: 100 }, { durationMs: 2000, target: 0 }]);
    expect(s.total).toBe(100 + 200 + 100);
    expect(s.timeOf(100)).toBeCloseTo(2000, 6);
    expect(s.timeOf(200)).toBeCloseTo(3000, 6);
    expect(s.timeOf(300)).toBeCloseTo(4000, 6);
    // Ramp down: N(t) within the last stage = 100 tau - 25 tau^2; 75 arrivals at tau = 1 s.
    expect(s.timeOf(375)).toBeCloseTo(5000, 6);
    expect(s.rateAt(1000)).toBeCloseTo(50, 6);
    expect(s.rateAt(5000)).toBeCloseTo(50, 6);
  });

  it('skips a stage at rate zero', () => {
    const s = new ArrivalSchedule(0, [{ durationMs: 1000, target: 0 }, { durationMs: 1000, target: 10 }, { durationMs: 1000, target: 10 }]);
    expect(s.total).toBe(15);
    expect(s.timeOf(0)).toBe(1000);
    expect(s.timeOf(5)).toBeCloseTo(2000, 6);
  });

  it('splits across segments without losing or doubling an iteration', () => {
    const full = new ArrivalSchedule(100, [{ durationMs: 1000, target: 300 }]);
    const times: number[] = [];
    for (let seg = 0; seg < 3; seg++) {
      const s = new ArrivalSchedule(100, [{ durationMs: 1000, target: 300 }]);
      for (let i = seg; i < s.total; i += 3) times.push(s.timeOf(i));
    }
    expect(times.length).toBe(full.total);
    expect(times.sort((a, b) => a - b)).toEqual(Array.from({ length: full.total }, (_, i) => full.timeOf(i)));
  });
});

describe('vusAt', () => {
  it('interpolates VU targets', () => {
    const stages = [{ durationMs: 1000, target: 10 }, { durationMs: 1000, target: 10 }, { durationMs: 1000, target: 0 }];
    expect(vusAt(0, stages, 0)).toBe(0);
    expect(vusAt(0, stages, 500)).toBe(5);
    expect(vusAt(0, stages, 1500)).toBe(10);
    expect(vusAt(0, stages, 2500)).toBe(5);
    expect(vusAt(0, stages, 5000)).toBe(0);
  });
});
