import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SloCheck } from '../shared/slo.ts';
import { baselinePath, BaselineError, MAX_RUNS, MIN_SPREAD_RUNS, readBaselineFile, robustSpread, round3, type Environment } from './baseline.ts';
import { median } from '../shared/statistics.ts';

/**
 * A committed baseline of one headline figure of a case (PERF-03's knee rate, PERF-04's recovery time, the scaling
 * ratio, ...): every recorded run's value, so its spread between runs is measured as a latency baseline's is.
 */
export interface FigureBaseline {
  schema: 1;
  kind: 'figure';
  figure: string;
  profile: string;
  unit: string;
  better: 'higher' | 'lower';
  recordedAt: string;
  environment: Environment;
  /** Median of the recorded runs: the reference. */
  median: number;
  /** 1.4826 x MAD of the runs' logs (of value + floor); null with fewer than MIN_SPREAD_RUNS runs. */
  spread: number | null;
  /** The figure's floor, when it has one (see Figure.floor). */
  floor?: number;
  /** The figure's smallest judged change, when it has one (see Figure.minChange). */
  minChange?: number;
  /** The load its runs were measured under (see Figure.load); absent in files recorded before loads were kept. */
  load?: string;
  runs: { recordedAt: string; value: number }[];
}

export interface Figure {
  /** Names the figure and its file: baselines/<profile>/[<gateway>/]figure-<name>.json. */
  name: string;
  unit: string;
  /** Which way is better: a knee rate is better higher, a recovery time lower. */
  better: 'higher' | 'lower';
  /**
   * A change smaller than this (in the figure's unit) is never judged, and the figure may be 0: a recovery time is
   * often 0 s, which no relative band can hold. Without it the figure must be positive.
   */
  floor?: number;
  /**
   * The smallest relative change judged, for a figure measured in steps (PERF-03's bisection stops once the knee is
   * known within 10%, so a baseline and a run can differ by a step or two with nothing changed), or one that moves
   * between sessions more than between the runs of one (the scaling ratio on shared cores). Default 0.10.
   */
  minChange?: number;
  /**
   * The load the figure is measured under, in words ("5/s for 40s"): a baseline recorded under another load is not
   * compared (the run fails, saying so), and PERF_BASELINE=add starts its runs afresh.
   */
  load?: string;
}

/** Whether a baseline can hold this value: positive, or non-negative when the figure has a floor. */
export function holdable(value: number, figure: Pick<Figure, 'floor'>): boolean {
  return Number.isFinite(value) && (figure.floor ? value >= 0 : value > 0);
}

/** The spread between recorded runs (of value + floor, so a 0 can be held); null with fewer than MIN_SPREAD_RUNS. */
function spreadOfRuns(runs: FigureBaseline['runs'], floor = 0): number | null {
  return runs.length >= MIN_SPREAD_RUNS ? robustSpread(runs.map((r) => r.value + floor)) : null;
}

/** Why a baseline's runs were measured under another load than `load`; undefined when they match or either is unknown. */
export function otherLoad(base: Pick<FigureBaseline, 'load'>, load: string | undefined): string | undefined {
  return base.load !== undefined && load !== undefined && base.load !== load ? `measured under ${base.load}, this run under ${load}` : undefined;
}

export function figurePath(name: string, profile: string, gateway?: string): string {
  return baselinePath(figureCaseName(name), profile, gateway);
}

/** The name a figure's baseline file is made from (baselineFileName). */
export const figureCaseName = (name: string): string => `figure ${name}`;

/** A figure baseline from this value alone, or (with `previous`) this value added to the recorded ones. */
export function toFigureBaseline(value: number, figure: Figure, profile: string, environment: Environment, previous?: FigureBaseline): FigureBaseline {
  if (!holdable(value, figure)) throw new BaselineError(`figure "${figure.name}": ${value} cannot be recorded (a baseline figure must be a positive number, or >= 0 with a floor)`);
  const recordedAt = new Date().toISOString();
  const kept = previous && !otherLoad(previous, figure.load) ? previous.runs : [];
  const runs = [...kept, { recordedAt, value: round3(value) }].slice(-MAX_RUNS);
  const spread = spreadOfRuns(runs, figure.floor);
  return {
    schema: 1, kind: 'figure', figure: figure.name, profile, unit: figure.unit, better: figure.better, recordedAt, environment,
    median: round3(median(runs.map((r) => r.value))), spread: spread === null ? null : round3(spread), runs,
    ...(figure.floor ? { floor: figure.floor } : {}),
    ...(figure.minChange ? { minChange: figure.minChange } : {}),
    ...(figure.load ? { load: figure.load } : {}),
  };
}

export function writeFigureBaseline(b: FigureBaseline, gateway?: string): string {
  const path = figurePath(b.figure, b.profile, gateway);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(b, null, 2)}\n`);
  return path;
}

/** Reads a figure baseline; undefined when there is none; a clear error when it does not parse or is not this profile's. */
export function readFigureBaseline(figure: Figure, profile: string, gateway?: string): FigureBaseline | undefined {
  return readFigureBaselineAt(figurePath(figure.name, profile, gateway), profile, figure);
}

/** readFigureBaseline from a given file. */
export function readFigureBaselineAt(path: string, profile: string, figure: Figure): FigureBaseline | undefined {
  return readBaselineFile<FigureBaseline>(path, (parsed) => figureBaselineProblems(parsed, profile, figure));
}

/** Why a parsed figure baseline cannot serve a run of `profile`; with `figure`, also where it differs from the case's definition. */
export function figureBaselineProblems(parsed: FigureBaseline, profile: string, figure?: Figure): string[] {
  const problems: string[] = [];
  if (parsed.schema !== 1 || parsed.kind !== 'figure') problems.push('it is not a figure baseline (schema 1, kind "figure")');
  if (parsed.profile !== profile) problems.push(`it was recorded for profile "${parsed.profile}", this run is "${profile}"`);
  if (!Array.isArray(parsed.runs) || parsed.runs.some((r) => typeof r.value !== 'number')) problems.push('runs[].value is missing');
  if (!figure) return problems;
  if (parsed.better !== figure.better || parsed.unit !== figure.unit) problems.push(`it holds ${parsed.unit} (better ${parsed.better}), the case gives ${figure.unit} (better ${figure.better})`);
  if ((parsed.floor ?? 0) !== (figure.floor ?? 0)) problems.push(`it was recorded with a floor of ${parsed.floor ?? 0} ${parsed.unit}, the case now gives ${figure.floor ?? 0}`);
  if ((parsed.minChange ?? 0) !== (figure.minChange ?? 0)) problems.push(`it was recorded with a smallest judged change of ${parsed.minChange ?? 0}, the case now gives ${figure.minChange ?? 0}`);
  return problems;
}

export interface FigureCompareOptions {
  /** Smallest tolerated change for the worse, relative (default: the figure's minChange, else 0.10). */
  minTolerance?: number;
  /** How many between-run spreads a change must exceed to count (default 3). */
  zBetween?: number;
  /** Tolerance while fewer than MIN_SPREAD_RUNS runs are recorded (default 0.5). */
  unknownSpreadTolerance?: number;
}

/**
 * Judges a figure against its baseline's median: a change for the worse beyond max(minChange or 10%, e^(3 s) - 1) fails,
 * s being the spread between the recorded runs (50% while fewer than 5 are recorded). Lower-is-better figures may rise by that
 * factor; higher-is-better ones may fall by it (to median / (1 + tolerance)).
 */
export function compareFigure(value: number, base: FigureBaseline, o: FigureCompareOptions = {}, load?: string): { pass: boolean; row: SloCheck } {
  if (otherLoad(base, load)) {
    return {
      pass: false,
      row: {
        metric: base.figure,
        target: `measured under ${base.load}, as its baseline's runs were`,
        measured: `${round3(value)} ${base.unit} under ${load}`,
        margin: 'another load: not compared; record the baseline again under this one (PERF_BASELINE=record)',
        pass: false,
      },
    };
  }
  const floor = base.floor ?? 0;
  const spread = spreadOfRuns(base.runs, floor);
  const zBetween = o.zBetween ?? 3;
  const between = spread === null ? (o.unknownSpreadTolerance ?? 0.5) : Math.expm1(zBetween * spread);
  const tolerance = Math.max(o.minTolerance ?? base.minChange ?? 0.1, between);
  const higher = base.better === 'higher';
  const allowed = higher ? Math.min(base.median / (1 + tolerance), base.median - floor) : Math.max(base.median * (1 + tolerance), base.median + floor);
  const pass = Number.isFinite(value) && (higher ? value >= allowed : value <= allowed);
  const change = base.median > 0 ? value / base.median - 1 : 0;
  const byFloor = higher ? base.median - floor < base.median / (1 + tolerance) : base.median + floor > base.median * (1 + tolerance);
  const why = byFloor ? `a change under ${floor} ${base.unit} is not judged`
    : spread === null ? `spread unknown, ${base.runs.length} of ${MIN_SPREAD_RUNS} runs recorded`
      : tolerance === between ? `${zBetween} x spread ${(spread * 100).toFixed(1)}% of ${base.runs.length} runs`
        : base.minChange && tolerance === base.minChange ? `the figure's smallest judged change, ${(base.minChange * 100).toFixed(0)}%` : 'the smallest band';
  const detectable = byFloor ? `${higher ? '-' : '+'}${floor} ${base.unit}` : higher ? `-${((1 - 1 / (1 + tolerance)) * 100).toFixed(0)}%` : `+${(tolerance * 100).toFixed(0)}%`;
  return {
    pass,
    row: {
      metric: base.figure,
      target: `${higher ? '>=' : '<='} ${round3(allowed)} ${base.unit} (baseline ${base.median} ${base.unit}, ${why}; detectable ${detectable})`,
      measured: `${round3(value)} ${base.unit} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%)`,
      margin: `${round3(higher ? value - allowed : allowed - value)} ${base.unit}`,
      pass,
    },
  };
}
