import { describe, expect, it } from 'vitest';
import { connectionGrowth, memoryGrowth } from '../support/monitor/memory-growth.ts';
import { leastSquares, studentTQuantile } from '../support/shared/statistics.ts';

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
}

const series = (seconds: number, base: number, mbPerHour: number, noiseMB: number, seed = 1) => {
  const r = lcg(seed);
  return Array.from({ length: seconds }, (_, t) => ({ t, memoryMB: base + (mbPerHour / 3600) * t + r() * 2 * noiseMB }));
};

/** A uniform generator good enough for simulation (mulberry32), and a Gaussian from it (Box-Muller). */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Memory that wanders but does not grow: AR(1) noise around a flat line (a heap between collections). */
const wandering = (seconds: number, rho: number, seed: number) => {
  const r = mulberry32(seed);
  let e = 0;
  return Array.from({ length: seconds }, (_, t) => {
    e = rho * e + Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
    return { t, memoryMB: 600 + e };
  });
};

describe('memoryGrowth', () => {
  it.each([0.5, 0.9, 0.95])('does not call flat memory growing when its samples are autocorrelated (AR(1), rho %s), as the plain interval did', (rho) => {
    let growingPlain = 0;
    let growing = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const points = wandering(600, rho, seed);
      // Budget 0: "growing" means the whole interval lies above a zero slope; a 95% interval does so 2.5% of the time.
      if (memoryGrowth(points, 0).verdict === 'growing') growing++;
      const fit = leastSquares(points.map((p) => p.t), points.map((p) => p.memoryMB));
      if (fit.slope - studentTQuantile(0.975, 598) * fit.slopeSe > 0) growingPlain++;
    }
    expect(growingPlain / runs).toBeGreaterThan(0.1);
    expect(growing / runs).toBeLessThanOrEqual(0.06);
  });

  it('still finds a leak under autocorrelated noise (2 MB/h on 600 MB over two hours, AR(1) rho 0.9)', () => {
    const found = [1, 2, 3, 4, 5].filter((seed) => {
      const points = wandering(7200, 0.9, seed).map((p) => ({ t: p.t, memoryMB: p.memoryMB + (2 / 3600) * p.t }));
      return memoryGrowth(points, 0).verdict === 'growing';
    });
    expect(found).toHaveLength(5);
  });


  it('finds a leak of 50%/h in ten noisy minutes', () => {
    const g = memoryGrowth(series(600, 200, 100, 5), 0.1);
    expect(g.verdict).toBe('growing');
    expect(g.slopeMBPerHour).toBeGreaterThan(80);
    expect(g.slopeMBPerHour).toBeLessThan(120);
  });

  it('calls flat noisy memory stable', () => {
    const g = memoryGrowth(series(600, 200, 0, 5), 0.1);
    expect(g.verdict).toBe('stable');
    expect(Math.abs(g.slopeMBPerHour)).toBeLessThan(10);
  });

  it('does not decide from a few seconds', () => {
    expect(memoryGrowth(series(10, 200, 0, 5), 0.1).verdict).toBe('inconclusive');
    expect(memoryGrowth(series(2, 200, 0, 5), 0.1).verdict).toBe('inconclusive');
  });

  it('ignores a first-vs-last jump that the trend does not support', () => {
    const points = series(600, 200, 0, 1);
    points[points.length - 1]!.memoryMB += 60; // one spike at the end
    expect(memoryGrowth(points, 0.1).verdict).not.toBe('growing');
  });

  // A gateway warming up: 60 MB filled with a 5-minute time constant, then flat, with AR(1) noise (rho 0.9, sd ~2.3 MB).
  const warming = (seconds: number, leakMBPerHour: number, seed: number) =>
    wandering(seconds, 0.9, seed).map((p) => ({ t: p.t, memoryMB: p.memoryMB + 60 * (1 - Math.exp(-p.t / 300)) + (leakMBPerHour / 3600) * p.t }));
  const budget = 0.1 / 24; // the plan's < 10% in 24 h, per hour

  it('leaves out a warm-up found in the series: two hours of warm-up then flat memory fail without it (not "stable") and are "stable" with it', () => {
    for (const seed of [1, 2, 3]) {
      const points = warming(7200, 0, seed);
      expect(memoryGrowth(points, budget).verdict).not.toBe('stable');
      const g = memoryGrowth(points, budget, { warmup: 'detect' });
      expect(g.verdict).toBe('stable');
      expect(g.warmup?.seconds).toBeGreaterThan(300);
      expect(g.warmup?.seconds).toBeLessThanOrEqual(3600);
    }
  });

  it('still finds a leak twice the plan\'s budget after a warm-up (5 MB/h on 600 MB over two hours)', () => {
    for (const seed of [1, 2, 3]) expect(memoryGrowth(warming(7200, 5, seed), budget, { warmup: 'detect' }).verdict).toBe('growing');
  });

  it('leaves nothing out of a series without a warm-up, leaking or flat', () => {
    for (const seed of [1, 2, 3]) {
      expect(memoryGrowth(wandering(7200, 0.9, seed), budget, { warmup: 'detect' }).warmup).toBeUndefined();
      const leaking = wandering(7200, 0.9, seed).map((p) => ({ t: p.t, memoryMB: p.memoryMB + (5 / 3600) * p.t }));
      expect(memoryGrowth(leaking, budget, { warmup: 'detect' }).warmup).toBeUndefined();
    }
  });

  it('connections: a pool filling lazily within its capacity is no leak; a count that would pass the capacity within a day is', () => {
    // A pool opening connections lazily, a few over hours, far below its capacity: the shape of the 2-hour soak's
    // Postgres series in docs/soak.md, which the old rule called a leak.
    const filling = Array.from({ length: 7200 }, (_, t) => ({ t, count: 4 + Math.min(3, Math.floor(t / 1800)) }));
    expect(connectionGrowth(filling, 60).verdict).not.toBe('growing');
    expect(connectionGrowth(filling).verdict).toBe('growing'); // against 5% of the mean per hour, as before: the false alarm
    const leaking = Array.from({ length: 7200 }, (_, t) => ({ t, count: 5 + Math.floor((t / 3600) * 12) }));
    expect(connectionGrowth(leaking, 60).verdict).toBe('growing');
    const flat = Array.from({ length: 600 }, (_, t) => ({ t, count: 5 }));
    expect(connectionGrowth(flat, 60).verdict).toBe('stable');
  });

  it('connections over a nightly soak\'s 30 minutes: a pool\'s first steps are no leak within its horizon; a gross leak is', () => {
    // Nightly PERF-05 on 12-07: 9 to 12 connections in 30 minutes (slope 5.4/h), called growing against a day's horizon.
    const steps = Array.from({ length: 1800 }, (_, t) => ({ t, count: 9 + (t > 300 ? 1 : 0) + (t > 900 ? 1 : 0) + (t > 1500 ? 1 : 0) }));
    const day = connectionGrowth(steps, 60);
    expect(day.verdict).toBe('growing');
    expect(day.reason).toMatch(/connections\/h\)/);
    expect(connectionGrowth(steps, 60, 5).verdict).not.toBe('growing');
    // A connection never returned every minute (60/h) passes a 60-connection pool within the hour: caught at 5 h too.
    const leaking = Array.from({ length: 1800 }, (_, t) => ({ t, count: 9 + Math.floor(t / 60) }));
    expect(connectionGrowth(leaking, 60, 5).verdict).toBe('growing');
  });
});
