// The statistics module against published reference values (each cited), and its inverses against each other.
import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail, incompleteBeta, leastSquares, median, normalCdf, normalQuantile, shiftInterval, signedRankCritical,
  studentTCdf, studentTQuantile, wilsonInterval,
} from '../support/shared/statistics.ts';

describe('statistics, against published values', () => {
  it('normal quantiles and CDF (standard tables: z 0.975 = 1.959964, z 0.999 = 3.090232; Phi(1.96) = 0.975002, Phi(-1) = 0.158655)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002, 5);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('Student t quantiles (tables: t 0.975 with 1, 10, 25, 60 df = 12.7062, 2.2281, 2.0595, 2.0003; t 0.995 with 30 df = 2.7500)', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 4);
    expect(studentTQuantile(0.975, 25)).toBeCloseTo(2.0595, 4);
    expect(studentTQuantile(0.975, 60)).toBeCloseTo(2.0003, 4);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.75, 4);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281, 4);
    expect(studentTCdf(2.2281389, 10)).toBeCloseTo(0.975, 6);
    // Many degrees of freedom: the normal's.
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 4);
  });

  it('the regularized incomplete beta (I_0.5(2, 3) = 11/16; I_x(1, 1) = x)', () => {
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 10);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 10);
  });

  it('least squares on Anscombe\'s first data set (y = 3.00 + 0.500 x, slope standard error 0.118)', () => {
    const x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
    const y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];
    const fit = leastSquares(x, y);
    expect(fit.slope).toBeCloseTo(0.5001, 4);
    expect(fit.intercept).toBeCloseTo(3.0001, 3);
    expect(fit.slopeSe).toBeCloseTo(0.118, 3);
    expect(leastSquares([1, 2], [1, 2]).slopeSe).toBeNaN();
  });

  it('the binomial upper tail (P(X >= 8), n 10, p 0.5 = 56/1024; P(X >= 1), n 100, p 0.01 = 1 - 0.99^100)', () => {
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialUpperTail(1, 100, 0.01)).toBeCloseTo(1 - 0.99 ** 100, 12);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });

  it('the Wilson interval (Newcombe 1998, Table I: 81/263 -> 0.2553-0.3662; 0/10 -> 0-0.2775)', () => {
    const [lo, hi] = wilsonInterval(81, 263);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('the Wilcoxon signed-rank critical values (tables, two-sided 0.05: n 10 -> T 8; n 6 -> T 0; n 5 -> none)', () => {
    expect(signedRankCritical(10, 0.95)).toEqual({ k: 9, achieved: 1 - (2 * 25) / 1024 });
    expect(signedRankCritical(6, 0.95)).toEqual({ k: 1, achieved: 1 - 2 / 64 });
    expect(signedRankCritical(5, 0.95).k).toBe(0);
  });

  it('Hodges-Lehmann: the median of the Walsh averages', () => {
    expect(shiftInterval([1, 2, 3, 4, 5, 6])).toMatchObject({ estimate: 3.5, lo: 1, hi: 6 });
    expect(shiftInterval([1, 2, 3])).toBeUndefined();
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
