import { describe, expect, it } from 'vitest';
import { memoryGrowth } from '../support/monitor/memory-growth.ts';

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
}

const series = (seconds: number, base: number, mbPerHour: number, noiseMB: number, seed = 1) => {
  const r = lcg(seed);
  return Array.from({ length: seconds }, (_, t) => ({ t, memoryMB: base + (mbPerHour / 3600) * t + r() * 2 * noiseMB }));
};

describe('memoryGrowth', () => {
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
});
