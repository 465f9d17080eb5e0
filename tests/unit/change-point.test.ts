import { describe, expect, it } from 'vitest';
import { findChangePoint, mad } from '../support/analysis/change-point.ts';

/** A noisy series around `level` (deterministic): +-3% wobble. */
const noisy = (n: number, level: number, phase = 0) => Array.from({ length: n }, (_, i) => level * (1 + 0.03 * Math.sin(1.7 * (i + phase)) + 0.02 * Math.cos(5.3 * (i + phase))));

describe('change points in a nightly history', () => {
  it('finds a 15% step where it happened, with its size', () => {
    const series = [...noisy(12, 100), ...noisy(8, 115, 12)];
    const cp = findChangePoint(series, { minChange: 0.05 })!;
    expect(cp).toBeDefined();
    expect(cp.index).toBe(12);
    expect(cp.change).toBeGreaterThan(0.12);
    expect(cp.p).toBeLessThan(0.01);
  });

  it('finds a step made of small ones that no single comparison with the previous night would flag', () => {
    const series = [...noisy(8, 100), ...noisy(3, 104, 8), ...noisy(3, 108, 11), ...noisy(8, 112, 14)];
    for (let i = 1; i < series.length; i++) expect(Math.abs(series[i]! / series[i - 1]! - 1)).toBeLessThan(0.1);
    expect(findChangePoint(series, { minChange: 0.05 })).toBeDefined();
  });

  it('says nothing on a flat series, one outlier included, or on too short a history', () => {
    expect(findChangePoint(noisy(24, 100))).toBeUndefined();
    const spike = noisy(24, 100);
    spike[10] = 180;
    expect(findChangePoint(spike)).toBeUndefined();
    expect(findChangePoint([1, 2, 3, 4, 5])).toBeUndefined();
    expect(mad([1, 1, 1, 100])).toBe(0);
  });
});
