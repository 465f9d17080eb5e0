// What the soak's memory verdict can catch, on the noise of a real gateway: a real unleaked soak's series, its
// warm-up kept as it was and the rest resampled in blocks (a moving-block bootstrap, Kuensch 1989: blocks long
// enough to keep the series' autocorrelation), to any length, with a known leak added as a slope. The verdict is
// then taken as the soak case takes it (memoryGrowth after a warm-up found in the series) many times over.
import { findWarmup, memoryGrowth } from '../monitor/memory-growth.ts';
import { leastSquares, wilsonInterval } from '../shared/statistics.ts';
import { seededRandom } from './random.ts';

type Point = { t: number; memoryMB: number };

/** What a resampled series is made of, taken once from the source: its warm-up, and its detrended remainder. */
interface Source {
  warm: Point[];
  residuals: number[];
  step: number;
  /** Where the remainder starts: its fitted value there (or its mean, with no warm-up). */
  base: number;
}

function sourceOf(source: readonly Point[]): Source {
  const cut = findWarmup(source)?.index ?? 0;
  const rest = source.slice(cut);
  if (rest.length < 3) throw new RangeError(`the source series has ${rest.length} samples after its warm-up: too few to resample`);
  const fit = leastSquares(rest.map((p) => p.t), rest.map((p) => p.memoryMB));
  return {
    warm: source.slice(0, cut).map((p) => ({ t: p.t - source[0]!.t, memoryMB: p.memoryMB })),
    residuals: rest.map((p) => p.memoryMB - (fit.intercept + fit.slope * p.t)),
    step: (rest[rest.length - 1]!.t - rest[0]!.t) / (rest.length - 1) || 1,
    // The warm-up ends where the level begins: its last samples meet the resampled remainder.
    base: cut ? fit.intercept + fit.slope * rest[0]!.t : fit.meanY,
  };
}

function resample(src: Source, seconds: number, blockSeconds: number, random: () => number): Point[] {
  const { residuals, step } = src;
  const block = Math.max(1, Math.min(residuals.length, Math.round(blockSeconds / step)));
  const out: Point[] = [...src.warm];
  let t = out.length ? out[out.length - 1]!.t + step : 0;
  while (t <= seconds) {
    const start = Math.floor(random() * (residuals.length - block + 1));
    for (let i = start; i < start + block && t <= seconds; i++, t += step) out.push({ t, memoryMB: src.base + residuals[i]! });
  }
  return out;
}

/** A series of `seconds` at the source's 1 Hz-ish sampling: its warm-up, then blocks of its detrended remainder. */
export function resampledSeries(source: readonly Point[], seconds: number, blockSeconds: number, random: () => number): Point[] {
  return resample(sourceOf(source), seconds, blockSeconds, random);
}

export interface PowerCell {
  seconds: number;
  leakMBPerHour: number;
  trials: number;
  /** Trials the soak case fails (verdict not "stable"), and the share with its 95% Wilson interval. */
  failed: number;
  failedShare: [number, number, number];
  /** Trials judged "growing" (the whole interval above the budget). */
  growing: number;
}

/**
 * For each length and leak: how often the soak's verdict, with `budgetPerHour` (0.1/24: the plan's 10% in 24 h),
 * fails. At leak 0 that is its false-alarm rate on this gateway's noise.
 */
export function soakPower(source: readonly Point[], o: { lengthsSeconds: number[]; leaksMBPerHour: number[]; trials: number; blockSeconds: number; budgetPerHour: number; seed?: number }): PowerCell[] {
  const random = seededRandom(o.seed ?? 1);
  const src = sourceOf(source);
  const cells: PowerCell[] = [];
  for (const seconds of o.lengthsSeconds) {
    for (const leak of o.leaksMBPerHour) {
      let failed = 0;
      let growing = 0;
      for (let k = 0; k < o.trials; k++) {
        const series = resample(src, seconds, o.blockSeconds, random).map((p) => ({ t: p.t, memoryMB: p.memoryMB + (leak / 3600) * p.t }));
        const g = memoryGrowth(series, o.budgetPerHour, { warmup: 'detect' });
        if (g.verdict !== 'stable') failed++;
        if (g.verdict === 'growing') growing++;
      }
      const [lo, hi] = wilsonInterval(failed, o.trials);
      cells.push({ seconds, leakMBPerHour: leak, trials: o.trials, failed, failedShare: [failed / o.trials, lo, hi], growing });
    }
  }
  return cells;
}
