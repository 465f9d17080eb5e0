// The reports' line chart: every point inside the plot, negative values included (a ratio's change in %), and the
// x axis of a history starting at its first run, not at 0.
import { describe, expect, it } from 'vitest';
import { lineChart } from '../support/report/svg-chart.ts';

const HEIGHT = 220;
const TOP = 28;
const BOTTOM = HEIGHT - 36;
const circles = (svg: string) => [...svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));

describe('lineChart', () => {
  it('draws negative values inside the plot, below a zero line, and positive ones above it', () => {
    const svg = lineChart('head/base', '%', [{ name: 'change', color: '#000', points: [[1, -4.2], [2, 1.5], [3, -0.3], [4, 6.1]] }], 540, HEIGHT, { unit: '', name: 'run', fromData: true });
    const ys = circles(svg).map((c) => c.y);
    expect(ys).toHaveLength(4);
    for (const y of ys) {
      expect(y).toBeGreaterThanOrEqual(TOP - 0.01);
      expect(y).toBeLessThanOrEqual(BOTTOM + 0.01);
    }
    expect(ys[0]).toBeGreaterThan(ys[2]!); // -4.2 lower on the page than -0.3
    expect(ys[3]).toBeLessThan(ys[1]!);
    expect(svg).toMatch(/>-5<\/text>/); // the axis reaches a round value below the lowest
  });

  it('keeps y from 0 for non-negative values, and x from 0 unless told to start at the data', () => {
    const points: [number, number][] = [[3, 10], [4, 20], [5, 15]];
    const fromZero = lineChart('t', 'ms', [{ name: 'p50', color: '#000', points }], 540, HEIGHT, { unit: '', name: 'run' });
    expect(fromZero).toMatch(/>run 0</);
    const fromData = lineChart('t', 'ms', [{ name: 'p50', color: '#000', points }], 540, HEIGHT, { unit: '', name: 'run', fromData: true });
    expect(fromData).not.toMatch(/>run 0</);
    expect(fromData).toMatch(/>run 3</);
    expect(Math.max(...circles(fromData).map((c) => c.y))).toBeLessThanOrEqual(BOTTOM + 0.01);
    expect(fromData).toMatch(/>0<\/text>/);
  });
});
