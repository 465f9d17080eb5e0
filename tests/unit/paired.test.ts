import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../support/analysis/random.ts';
import { pairedVerdict } from '../support/budget/paired.ts';
import { normalQuantile, shiftInterval, signedRankCritical } from '../support/shared/statistics.ts';

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());

/** Rounds of a noisy machine: a drift shared by both sides of a round, and independent noise per phase. */
function rounds(n: number, change: number, noise: number, r: () => number): [number, number][] {
  return Array.from({ length: n }, () => {
    const drift = 40 * (1 + 0.2 * gauss(r));
    return [drift * (1 + noise * gauss(r)), drift * (1 + change) * (1 + noise * gauss(r))] as [number, number];
  });
}

describe('paired A/B verdicts', () => {
  it('uses the exact signed-rank critical values (n = 8: T <= 3 at 95%; n = 5 cannot reach 95%)', () => {
    expect(signedRankCritical(8, 0.95)).toEqual({ k: 4, achieved: 1 - (2 * 5) / 256 });
    expect(signedRankCritical(10, 0.95).k).toBe(9);
    expect(signedRankCritical(5, 0.95).k).toBe(0);
    expect(pairedVerdict([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]], { direction: 'higher-is-worse' }).status).toBe('too few rounds');
  });

  it('estimates the shift by Hodges-Lehmann', () => {
    expect(shiftInterval([1, 2, 3, 4, 5, 6, 7, 8])!.estimate).toBe(4.5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('flags a 30% slower head, and says how large a change the rounds could have caught', () => {
    const v = pairedVerdict(rounds(10, 0.3, 0.05, rng(1)), { direction: 'higher-is-worse' });
    expect(v.status).toBe('regression');
    expect(v.ratio).toBeGreaterThan(1.2);
    expect(v.ci[0]).toBeGreaterThan(1.05);
    expect(v.detectable).toBeGreaterThan(0.05);
    expect(v.detectable).toBeLessThan(0.3);
  });

  it('judges throughput the other way: a 20% drop is a regression, a 20% gain an improvement', () => {
    const r = rng(2);
    expect(pairedVerdict(rounds(10, -0.2, 0.03, r), { direction: 'lower-is-worse' }).status).toBe('regression');
    expect(pairedVerdict(rounds(10, 0.2, 0.03, r), { direction: 'lower-is-worse' }).status).toBe('improvement');
    expect(pairedVerdict(rounds(10, -0.2, 0.03, r), { direction: 'higher-is-worse' }).status).toBe('improvement');
  });

  it('is not moved to a verdict by one stalled round', () => {
    const pairs = rounds(10, 0, 0.03, rng(3));
    pairs[4] = [pairs[4]![0], pairs[4]![1] * 10];
    expect(pairedVerdict(pairs, { direction: 'higher-is-worse' }).status).toBe('no regression');
  });

  it('cries wolf at most at its nominal one-sided rate on unchanged pairs, and catches +20% at 5% noise', () => {
    const r = rng(4);
    let falseAlarms = 0;
    let caught = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      if (pairedVerdict(rounds(8, 0, 0.05, r), { direction: 'higher-is-worse', allowed: 0 }).status === 'regression') falseAlarms++;
      if (pairedVerdict(rounds(8, 0.2, 0.05, r), { direction: 'higher-is-worse' }).status === 'regression') caught++;
    }
    // One-sided half of a 96.1% interval: 1.95% expected with no allowance at all.
    expect(falseAlarms / trials).toBeLessThan(0.03);
    expect(caught / trials).toBeGreaterThan(0.9);
  });
});
