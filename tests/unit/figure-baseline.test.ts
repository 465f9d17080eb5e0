// Baselines of a case's headline figure (PERF-03's knee rate, PERF-04's recovery time, the scaling ratio): each
// is judged the way a latency baseline is, in the figure's own direction, and fails on a known change for the worse.

import { describe, expect, it, vi } from 'vitest';
import type { Figure } from '../support/budget/figure-baseline.ts';
import { scratchDir } from '../scratch-dir.ts';

vi.stubEnv('PERF_BASELINE_DIR', scratchDir('figures'));
const { currentEnvironment } = await import('../support/budget/baseline.ts');
const { compareFigure, figurePath, readFigureBaseline, toFigureBaseline, writeFigureBaseline } = await import('../support/budget/figure-baseline.ts');

const knee: Figure = { name: 'PERF-03 knee rate', unit: 'req/s', better: 'higher' };
const recovery: Figure = { name: 'PERF-04 recovery time', unit: 's', better: 'lower' };
const baseOf = (figure: Figure, ...values: number[]) => {
  let b: ReturnType<typeof toFigureBaseline> | undefined;
  for (const v of values) b = toFigureBaseline(v, figure, 'smoke', currentEnvironment(), b);
  return b!;
};

describe('figure baselines', () => {
  it('a halved knee fails even against one recorded run (its 50% band while the spread is unknown); -20% passes it', () => {
    const one = baseOf(knee, 320);
    expect(compareFigure(160, one).pass).toBe(false);
    expect(compareFigure(256, one)).toMatchObject({ pass: true, row: { target: expect.stringMatching(/>= 213\.333 req\/s .*spread unknown, 1 of 5 runs recorded; detectable -33%/) } });
  });

  it('from 5 recorded runs the band is the spread between them: a steady knee 20% lower fails, a knee that moved 20% between runs does not', () => {
    expect(compareFigure(256, baseOf(knee, 320, 320, 320, 320, 320)).pass).toBe(false);
    expect(compareFigure(300, baseOf(knee, 320, 320, 320, 320, 320)).pass).toBe(true);
    const moving = baseOf(knee, 320, 384, 256, 341, 299);
    expect(moving.spread).toBeGreaterThan(0.09);
    expect(compareFigure(256, moving).pass).toBe(true);
  });

  it('a figure measured under another load than its baseline is not compared, and adding a run under a new load starts afresh', () => {
    const at5: Figure = { ...knee, load: 'from 5/s' };
    const base = baseOf(at5, 320, 320, 320, 320, 320);
    expect(base.load).toBe('from 5/s');
    expect(compareFigure(320, base, {}, 'from 5/s').pass).toBe(true);
    expect(compareFigure(320, base, {}, 'from 10/s')).toEqual({
      pass: false,
      row: expect.objectContaining({ target: "measured under from 5/s, as its baseline's runs were", measured: '320 req/s under from 10/s', margin: expect.stringMatching(/^another load: not compared; record the baseline again/) }),
    });
    expect(compareFigure(320, baseOf(knee, 320), {}, 'from 10/s').pass, 'a file recorded before loads were kept is compared').toBe(true);
    const at10 = toFigureBaseline(300, { ...knee, load: 'from 10/s' }, 'smoke', currentEnvironment(), base);
    expect(at10.runs.map((r) => r.value)).toEqual([300]);
    expect(toFigureBaseline(300, at5, 'smoke', currentEnvironment(), base).runs).toHaveLength(6);
  });

  it('a knee measured in steps of 10% has a smallest judged change of 20%: one step lower passes, -20% fails (the knees of 12-02)', () => {
    const stepped: Figure = { ...knee, minChange: 0.2 };
    const base = baseOf(stepped, 35, 35, 38, 35, 35);
    expect(base.spread, 'four of five runs on one step: no measured spread').toBe(0);
    expect(compareFigure(30, baseOf(knee, 35, 35, 38, 35, 35)).pass, 'without it, the 10% minimum fails a knee one bisection step lower').toBe(false);
    expect(compareFigure(30, base).pass).toBe(true);
    expect(compareFigure(28, base)).toMatchObject({ pass: false, row: { target: expect.stringMatching(/>= 29\.167 req\/s .*the figure's smallest judged change, 20%; detectable -17%/) } });
    expect(compareFigure(17.5, base).pass, 'a halved knee').toBe(false);
    writeFigureBaseline(base);
    expect(() => readFigureBaseline(knee, 'smoke')).toThrow(/recorded with a smallest judged change of 0.2, the case now gives 0/);
    expect(readFigureBaseline(stepped, 'smoke')!.minChange).toBe(0.2);
  });

  it('a lower-is-better figure fails when it rises: recovery twice as long', () => {
    const base = baseOf(recovery, 5, 5.5, 4.5, 5, 5.2);
    expect(compareFigure(10, base).pass).toBe(false);
    expect(compareFigure(5.3, base).pass).toBe(true);
    expect(compareFigure(3, base).pass).toBe(true);
  });

  it('a figure with a floor may be 0 (a recovery of 0 s) and fails when it rises by more than the floor', () => {
    const instant: Figure = { ...recovery, floor: 5 };
    const base = baseOf(instant, 0, 0, 0, 0, 0);
    expect(base.spread).toBe(0);
    expect(compareFigure(4, base).pass).toBe(true);
    expect(compareFigure(10, base)).toMatchObject({ pass: false, row: { target: expect.stringMatching(/<= 5 s .*a change under 5 s is not judged; detectable \+5 s/) } });
    expect(() => baseOf(recovery, 0)).toThrow(/cannot be recorded/);
  });

  it('the gateway\'s p50 overhead: the +14.6 ms a gateway 37% slower added (39.1 -> 53.7 ms p50) fails against 5 runs near 35 ms', () => {
    const overhead: Figure = { name: 'gateway overhead p50 Streamable HTTP', unit: 'ms', better: 'lower', floor: 2 };
    const base = baseOf(overhead, 35.2, 36.9, 34.1, 35.8, 33.7);
    expect(compareFigure(35.2 + 14.6, base).pass).toBe(false);
    expect(compareFigure(36.5, base).pass).toBe(true);
    expect(compareFigure(0, base).pass).toBe(true);
  });

  it('round-trips through baselines/<profile>/figure-<name>.json and refuses a file of another unit or direction', () => {
    const path = writeFigureBaseline(baseOf(knee, 320, 330));
    expect(path).toBe(figurePath(knee.name, 'smoke'));
    expect(path).toMatch(/smoke\/figure-perf-03-knee-rate\.json$/);
    expect(readFigureBaseline(knee, 'smoke')!.median).toBe(325);
    expect(() => readFigureBaseline({ ...knee, better: 'lower' }, 'smoke')).toThrow(/holds req\/s \(better higher\), the case gives req\/s \(better lower\)/);
    expect(readFigureBaseline(recovery, 'smoke')).toBeUndefined();
    writeFigureBaseline(baseOf({ ...recovery, floor: 5 }, 0, 1));
    expect(() => readFigureBaseline(recovery, 'smoke')).toThrow(/recorded with a floor of 5 s, the case now gives 0/);
  });

  it('toMatchBaselineFigure reports a worse figure without failing, fails on it with PERF_BASELINE=judge, and never records a non-figure', async () => {
    await import('../support/budget/matchers.ts');
    const { caseRecord } = await import('../support/shared/case-record.ts');
    writeFigureBaseline(baseOf(recovery, 5, 5, 5, 5, 5));
    expect(10).toMatchBaselineFigure(recovery);
    expect(caseRecord().checks.at(-1)).toMatchObject({ kind: 'baseline', pass: false, advisory: true });
    expect(caseRecord().figures!.at(-1), 'kept for npm run compare -- --against').toEqual({ ...recovery, value: 10 });
    vi.stubEnv('PERF_BASELINE', 'judge');
    try {
      expect(5.2).toMatchBaselineFigure(recovery);
      expect(() => expect(10).toMatchBaselineFigure(recovery)).toThrow(/"PERF-04 recovery time" regressed against its baseline/);
      const kept = caseRecord().figures!.length;
      expect(Number.NaN).toMatchBaselineFigure(recovery);
      expect(caseRecord().notes.at(-1)).toMatch(/NaN s is not a figure a baseline can hold/);
      expect(caseRecord().figures, 'a non-figure is not kept either').toHaveLength(kept);
    } finally {
      vi.stubEnv('PERF_BASELINE', undefined);
    }
  });
  it('records no figure from a case whose phases ran on a busy machine', async () => {
    await import('../support/budget/matchers.ts');
    const { caseRecord } = await import('../support/shared/case-record.ts');
    const knee: Figure = { name: 'knee measured on a busy machine', unit: 'req/s', better: 'higher' };
    const machine = [1, 2, 3].map((t) => ({ t, stealPercent: 40, othersPercent: 0 }));
    const phase = (busy: boolean) => ({ scenario: 'level', samples: [], cost: { samples: 3, ms: 1 }, errors: [], ...(busy ? { machine } : {}) });
    caseRecord().monitors.push(phase(false), phase(true));
    try {
      expect(30).toMatchBaselineFigure(knee);
      expect(readFigureBaseline(knee, 'smoke')).toBeUndefined();
      expect(caseRecord().notes.at(-1)).toMatch(/^no baseline: NOT RECORDED: .*40% of a core/);
    } finally {
      caseRecord().monitors.length = 0;
    }
    expect(30).toMatchBaselineFigure(knee);
    expect(readFigureBaseline(knee, 'smoke')?.runs).toHaveLength(1);
  });
});
