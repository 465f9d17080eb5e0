import { describe, expect, it } from 'vitest';
import { resampledSeries, soakPower } from '../support/analysis/soak-power.ts';
import { seededRandom } from '../support/analysis/random.ts';

/** Two hours of a gateway that warms up (60 MB over ~5 min) and then wanders (AR(1), rho 0.9) around 600 MB. */
function source(seed: number) {
  const r = seededRandom(seed);
  let e = 0;
  return Array.from({ length: 7200 }, (_, t) => {
    e = 0.9 * e + Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
    return { t, memoryMB: 600 + e + 60 * (1 - Math.exp(-t / 300)) };
  });
}

describe('soak power (block bootstrap of a real series)', () => {
  it('keeps the warm-up and resamples the rest to any length at the source\'s level', () => {
    const s = source(1);
    const out = resampledSeries(s, 4 * 3600, 600, seededRandom(2));
    expect(out.length).toBeGreaterThan(14_000);
    expect(out[0]!.memoryMB).toBeCloseTo(s[0]!.memoryMB, 6);
    const tail = out.slice(-3600).map((p) => p.memoryMB);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeGreaterThan(655);
    expect(tail.reduce((a, b) => a + b, 0) / tail.length).toBeLessThan(665);
  });

  it('finds no leak where none was added, and a leak twice the plan\'s budget in two hours', () => {
    const budget = 0.1 / 24;
    const [none, twice] = soakPower(source(3), { lengthsSeconds: [7200], leaksMBPerHour: [0, 2 * budget * 660], trials: 20, blockSeconds: 600, budgetPerHour: budget });
    expect(none!.failed).toBeLessThanOrEqual(2);
    expect(twice!.failed).toBeGreaterThanOrEqual(18);
  });
});
