import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../engine/result.ts';
import type { SloCheck } from '../shared/slo.ts';
import { DEFAULT_GATEWAY } from '../shared/stack-info.ts';
import { median } from '../shared/statistics.ts';
import { config } from '../shared/config.ts';

export const BASELINE_DIR = config().PERF_BASELINE_DIR ?? fileURLToPath(new URL('../../../baselines/', import.meta.url));

/** A committed baseline: one case, one profile, with the environment it was taken on. */
export interface Baseline {
  schema: 1;
  case: string;
  profile: string;
  recordedAt: string;
  environment: Environment;
  /** Latency p50 (ms) of the calibration target in the same run, or null when none was measured. */
  calibrationP50: number | null;
  /** Medians over the recorded runs (the reference a comparison uses). */
  metrics: { p50: number; p95: number; p99: number; errorRate: number; achievedRate: number; completed: number; vus?: number };
  /** Relative standard error of each percentile within a run, from the per-second series (the largest of the runs). */
  noise: { p50: number; p95: number; p99: number };
  /**
   * Spread of each percentile between the recorded runs: 1.4826 x the median absolute deviation of their logs (a
   * relative standard deviation that one odd run cannot inflate); null with fewer than MIN_SPREAD_RUNS runs.
   */
  spread: { p50: number; p95: number; p99: number } | null;
  /** Every recorded run (latest 10), so the spread between runs is measured, not assumed. */
  runs: RecordedRun[];
}

export interface RecordedRun {
  recordedAt: string;
  calibrationP50: number | null;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  achievedRate: number;
  completed: number;
  /** A closed-model run's VUs (its load, as the rate is an open-model run's). */
  vus?: number;
  noise: { p50: number; p95: number; p99: number };
}

/** Recorded runs a baseline keeps (the latest). */
export const MAX_RUNS = 10;
/** Recorded runs before the spread between runs is taken as measured (a MAD from fewer is mostly noise). */
export const MIN_SPREAD_RUNS = 5;
/** Samples that must lie beyond a percentile before a change in it is judged. */
export const MIN_TAIL = 10;

export interface Environment {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  stack?: string;
  gateway?: string;
  images?: Record<string, string>;
}

/**
 * Whether two records of an image name the same one. An image built here is the same when built from the same recipe
 * (its Dockerfile, build arguments and the files it copies: npm run images labels it), though every build gives it a
 * new id ("rebuilt"); a record from before the label, of an image built here under the same name (its tag carries the
 * pinned version), is taken as the same recipe. Otherwise ids are compared by prefix (records keep a short id), and
 * names, where either side has no id, whole.
 */
function sameImage(a: string, b: string): 'same' | 'rebuilt' | 'other' {
  const id = (image: string) => /sha256:[0-9a-f]+/.exec(image)?.[0];
  const recipe = (image: string) => /\brecipe ([0-9a-f]+)/.exec(image)?.[1];
  const name = (image: string) => image.split(' ')[0];
  const builtHere = (image: string) => /built (by npm run images|from fixtures\/)/.test(image);
  const [ia, ib] = [id(a), id(b)];
  const sameId = ia && ib ? ia.startsWith(ib) || ib.startsWith(ia) : name(a) === name(b);
  const [ra, rb] = [recipe(a), recipe(b)];
  const sameRecipe = ra && rb ? ra === rb : (ra || rb) && builtHere(a) && builtHere(b) ? name(a) === name(b) : undefined;
  if (sameRecipe === undefined) return sameId ? 'same' : 'other';
  return !sameRecipe ? 'other' : sameId ? 'same' : 'rebuilt';
}

/** Each role's image in both records, or undefined for one the other lacks. */
function imagePairs(then: Environment, now: { images?: Record<string, string> }): [string, string | undefined, string | undefined][] {
  return [...new Set([...Object.keys(then.images ?? {}), ...Object.keys(now.images ?? {})])].map((role) => [role, then.images?.[role], now.images?.[role]]);
}

/**
 * How the stack a baseline was recorded on differs from this run's, one line per difference: the provider, and
 * each image (sameImage). Empty when they match or the run has no stack (a unit test).
 */
export function stackDifferences(then: Environment, now: { stack?: string; images?: Record<string, string> } | undefined): string[] {
  if (!now?.stack) return [];
  const diffs: string[] = [];
  if (then.stack && then.stack !== now.stack) diffs.push(`stack: ${then.stack} then, ${now.stack} now`);
  for (const [role, a, b] of imagePairs(then, now)) {
    if (a === undefined || b === undefined) diffs.push(`${role}: ${a ?? 'none'} then, ${b ?? 'none'} now`);
    else if (sameImage(a, b) === 'other') diffs.push(`${role}: ${a} then, ${b} now`);
  }
  return diffs;
}

/** The roles whose image was rebuilt from the same recipe since the baseline (a new id, the same definition). */
export function stackRebuilds(then: Environment, now: { stack?: string; images?: Record<string, string> } | undefined): string[] {
  if (!now?.stack) return [];
  return imagePairs(then, now).filter(([, a, b]) => a !== undefined && b !== undefined && sameImage(a, b) === 'rebuilt').map(([role]) => role);
}

/**
 * Why a baseline's recorded runs cannot take this run beside them (PERF_BASELINE=add): another load (`otherLoad`, from
 * otherPhaseLoad, or a figure's otherLoad) or another stack; undefined when they can.
 */
export function runsApart(then: Environment, now: Parameters<typeof stackDifferences>[1], otherLoad: string | undefined): string | undefined {
  const stacks = stackDifferences(then, now);
  return otherLoad ?? (stacks.length ? `recorded on another stack (${stacks.join('; ')})` : undefined);
}

export function currentEnvironment(extra: Partial<Environment> = {}): Environment {
  return { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, ...extra };
}

/** baselines/<profile>/<case>.json for ContextForge (and stacks without a gateway); baselines/<profile>/<gateway>/ for any other gateway. */
export function baselinePath(caseName: string, profile: string, gateway?: string): string {
  const file = baselineFileName(caseName);
  return gateway && gateway !== DEFAULT_GATEWAY ? join(BASELINE_DIR, profile, gateway, file) : join(BASELINE_DIR, profile, file);
}

/** The file a case's baseline has in its profile's (or gateway's) directory. */
export function baselineFileName(caseName: string): string {
  return `${caseName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.json`;
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

/** Reads a baseline file: undefined when there is none; a clear error when it does not parse or `problemsOf` finds problems. */
export function readBaselineFile<T>(path: string, problemsOf: (parsed: T) => string[]): T | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: T;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new BaselineError(`baseline ${path} does not parse (${(error as Error).message}). Fix it, or delete it and record a new one with "npm run perf:baseline".`);
  }
  const problems = problemsOf(parsed);
  if (problems.length) throw new BaselineError(`baseline ${path} cannot be used: ${problems.join('; ')}. Record it again with "npm run perf:baseline".`);
  return parsed;
}

/** Reads a baseline; undefined when there is none; a clear error when it does not parse or is not this profile's. */
export function readBaseline(caseName: string, profile: string, gateway?: string): Baseline | undefined {
  return readBaselineAt(baselinePath(caseName, profile, gateway), profile);
}

/** readBaseline from a given file. */
export function readBaselineAt(path: string, profile: string): Baseline | undefined {
  return readBaselineFile<Baseline>(path, (parsed) => baselineProblems(parsed, profile));
}

/** Why a parsed latency baseline cannot serve a run of `profile` (none: it can). */
export function baselineProblems(parsed: Baseline, profile: string): string[] {
  const problems: string[] = [];
  if (parsed.schema !== 1) problems.push(`schema is ${String(parsed.schema)}, expected 1`);
  if (parsed.profile !== profile) problems.push(`it was recorded for profile "${parsed.profile}", this run is "${profile}"`);
  for (const k of ['p50', 'p95', 'p99', 'errorRate'] as const) if (typeof parsed.metrics?.[k] !== 'number') problems.push(`metrics.${k} is missing`);
  return problems;
}

/**
 * Relative standard error of the mean of per-second percentiles (seconds with traffic only). A run without series (one
 * operation's view) has none to give: 0, and the between-run spread (or the band of an unknown one) stands for it.
 */
export function seriesNoise(result: RunResult): Baseline['noise'] {
  if (result.series.length === 0) return { p50: 0, p95: 0, p99: 0 };
  const rse = (key: 'p50' | 'p95' | 'p99') => {
    const xs = result.series.filter((p) => p.requests > 0).map((p) => p[key]);
    if (xs.length < 3) return 0.5;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    return mean > 0 ? sd / mean / Math.sqrt(xs.length) : 0.5;
  };
  return { p50: rse('p50'), p95: rse('p95'), p99: rse('p99') };
}

/** 1.4826 x MAD of the logs: the relative standard deviation of normal noise, robust to one odd run. */
export const robustSpread = (xs: number[]): number => {
  const logs = xs.filter((x) => x > 0).map(Math.log);
  if (logs.length < 2) return 0;
  const mid = median(logs);
  return 1.4826 * median(logs.map((l) => Math.abs(l - mid)));
};

/** The baseline's spread between runs, from its recorded runs; null while fewer than MIN_SPREAD_RUNS are recorded. */
export function spreadOf(base: Pick<Baseline, 'runs'>): Baseline['spread'] {
  const runs = base.runs ?? [];
  if (runs.length < MIN_SPREAD_RUNS) return null;
  const of = (k: 'p50' | 'p95' | 'p99') => round3(robustSpread(runs.map((r) => r[k])));
  return { p50: of('p50'), p95: of('p95'), p99: of('p99') };
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * One operation of a run as a run of its own (its latency, counts and errors; the phase's rate, so a baseline keeps
 * the load it was recorded under); its per-second series are the whole phase's, not its own, so none is given.
 */
export function operationView(result: RunResult, operation: string): RunResult {
  const op = result.operations[operation];
  if (!op) throw new BaselineError(`"${result.scenario}" has no operation "${operation}" to compare with a baseline (it has ${Object.keys(result.operations).join(', ') || 'none'})`);
  return {
    ...result,
    scenario: `${result.scenario} > ${operation}`,
    counts: { ...result.counts, started: op.count, completed: op.count, ok: op.ok, failed: op.failed, dropped: 0, interrupted: 0 },
    errorRate: op.errorRate, errors: op.errors, latency: op.latency, service: op.service,
    operations: { [operation]: op }, series: [],
  };
}

/** A baseline from this run alone, or (with `previous`) this run added to the recorded ones. */
export function toBaseline(result: RunResult, profile: string, calibrationP50: number | null, environment: Environment, previous?: Baseline): Baseline {
  const noise = seriesNoise(result);
  const run: RecordedRun = {
    recordedAt: new Date().toISOString(), calibrationP50,
    p50: result.latency.p50, p95: result.latency.p95, p99: result.latency.p99, errorRate: round3(result.errorRate),
    achievedRate: result.rate.achieved, completed: result.counts.completed, ...(result.model === 'closed' ? { vus: result.vus.max } : {}),
    noise: { p50: round3(noise.p50), p95: round3(noise.p95), p99: round3(noise.p99) },
  };
  const kept = previous && !otherPhaseLoad(result, previous) ? previous.runs : [];
  const runs = [...kept, run].slice(-MAX_RUNS);
  const vus = runs.map((r) => r.vus).filter((v): v is number => v !== undefined);
  const cals = runs.map((r) => r.calibrationP50).filter((c): c is number => c !== null);
  const pick = (k: 'p50' | 'p95' | 'p99') => runs.map((r) => r[k]);
  return {
    schema: 1,
    case: result.scenario,
    profile,
    recordedAt: run.recordedAt,
    environment,
    calibrationP50: cals.length ? round3(median(cals)) : null,
    metrics: {
      p50: round3(median(pick('p50'))), p95: round3(median(pick('p95'))), p99: round3(median(pick('p99'))),
      errorRate: round3(median(runs.map((r) => r.errorRate))), achievedRate: round3(median(runs.map((r) => r.achievedRate))), completed: Math.round(median(runs.map((r) => r.completed))),
      ...(vus.length ? { vus: Math.round(median(vus)) } : {}),
    },
    noise: { p50: Math.max(...runs.map((r) => r.noise.p50)), p95: Math.max(...runs.map((r) => r.noise.p95)), p99: Math.max(...runs.map((r) => r.noise.p99)) },
    spread: spreadOf({ runs }),
    runs,
  };
}

export function writeBaseline(b: Baseline, gateway?: string): string {
  const path = baselinePath(b.case, b.profile, gateway);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(b, null, 2)}\n`);
  return path;
}

export interface CompareOptions {
  /**
   * One operation of a mix, judged against a baseline of its own (`<scenario> > <operation>`): a mix's percentiles
   * fall between its operations' latencies (a p50 at the seam of two of them jumps from run to run), each one's do not.
   */
  operation?: string;
  /** Smallest tolerated relative increase of a percentile (default 0.10). */
  minTolerance?: number;
  /** How many combined standard errors a change must exceed to count (default 3). */
  z?: number;
  /** How many between-run spreads (robust SD of the logs) a change must exceed to count (default 3). */
  zBetween?: number;
  /** Tolerance while the baseline has fewer than MIN_SPREAD_RUNS runs, so the spread between runs is unknown (default 0.5). */
  unknownSpreadTolerance?: number;
  /** A rise of at most this many ms is never a regression (default: this run's calibration p50). */
  noiseFloorMs?: number;
  /** Largest tolerated increase of the error rate, absolute (default 0.005 = 0.5 points). */
  errorRateSlack?: number;
}

export interface Comparison {
  pass: boolean;
  /** Current calibration / baseline calibration (how much slower the machine answered now); null without both. Reported, never applied. */
  calibrationRatio: number | null;
  rows: SloCheck[];
}

/** The share of a run's samples beyond each percentile (MIN_TAIL of them are needed to judge it). */
export const SHARE_BEYOND = { p50: 0.5, p95: 0.05, p99: 0.01 } as const;

/** compareWithBaseline's defaults (CompareOptions). */
export const BAND_DEFAULTS = { minTolerance: 0.1, z: 3, zBetween: 3, unknownSpread: 0.5 } as const;

/**
 * How far one percentile may rise over its baseline: max(minTolerance, within, e^(zBetween x spread) - 1) of it, or
 * the noise floor in ms when that is more; `reason` names the term that set it, `why` adds the band to it. `within` is the run's own share (0 to
 * see the band a baseline holds before any run).
 */
export function percentileBand(base: Pick<Baseline, 'metrics' | 'runs'>, key: 'p50' | 'p95' | 'p99', o: {
  within: number; floorMs: number; minTolerance: number; zBetween: number; unknownSpread: number; z: number;
}): { allowed: number; why: string; reason: string; detectable: string } {
  const spread = spreadOf(base);
  const expected = base.metrics[key];
  const between = spread ? Math.expm1(o.zBetween * spread[key]) : o.unknownSpread;
  const tolerance = Math.max(o.minTolerance, o.within, between);
  // Near the machine's own timing noise a relative band is too narrow: a rise smaller than the
  // calibration's round trip (this machine's fastest MCP call, this run) is not judged a regression.
  const allowed = Math.max(expected * (1 + tolerance), expected + o.floorMs);
  const byFloor = expected + o.floorMs > expected * (1 + tolerance);
  const reason = byFloor ? `+${o.floorMs.toFixed(2)} ms noise floor`
    : tolerance === between && spread ? `${o.zBetween} x spread ${(spread[key] * 100).toFixed(1)}% of ${base.runs.length} runs`
      : tolerance === between ? `spread unknown, ${base.runs?.length ?? 1} of ${MIN_SPREAD_RUNS} runs recorded`
        : tolerance === o.within ? `${o.z} x SE within the runs${spread ? ', beyond the recorded runs\' own' : ''}` : 'the smallest band';
  const why = byFloor ? reason : `+${(tolerance * 100).toFixed(1)}%: ${reason}`;
  return { allowed, why, reason, detectable: `+${((allowed / expected - 1) * 100).toFixed(0)}%` };
}

/** Offered rates further apart than this make a baseline another load's: its latencies cannot judge this run. */
export const RATE_MISMATCH = 0.1;

/**
 * Why a baseline's runs were another load than this run's: an open-model run's offered rate (RATE_MISMATCH), a
 * closed-model run's VUs (when the baseline recorded them); undefined when they match.
 */
export function otherPhaseLoad(result: RunResult, base: Pick<Baseline, 'metrics'>): string | undefined {
  if (result.model === 'closed') {
    const vus = base.metrics.vus;
    return vus === undefined || vus === result.vus.max ? undefined : `run with ${vus} VUs, this run with ${result.vus.max}`;
  }
  const target = result.rate.target;
  const recorded = base.metrics.achievedRate;
  if (target === null || !(recorded > 0) || Math.abs(target / recorded - 1) <= RATE_MISMATCH) return undefined;
  return `run at ${recorded}/s, this run offered ${target}/s`;
}

/**
 * An open-model run offered another rate than its baseline's runs achieved (the case's rate was changed since it was
 * recorded), or a closed-model run other VUs: the failing row that says so, or null when the loads match.
 */
function offeredRateRow(result: RunResult, base: Baseline): SloCheck | null {
  if (!otherPhaseLoad(result, base)) return null;
  if (result.model === 'closed') {
    return {
      metric: 'VUs',
      target: `${base.metrics.vus}, as the baseline's runs had`,
      measured: `${result.vus.max}`,
      margin: 'another load: latencies not compared; record the baseline again with these VUs (PERF_BASELINE=record)',
      pass: false,
    };
  }
  const recorded = base.metrics.achievedRate;
  const target = result.rate.target;
  return {
    metric: 'offered rate',
    target: `${recorded}/s, as the baseline's runs achieved (within ${RATE_MISMATCH * 100}%)`,
    measured: `${target}/s offered`,
    margin: 'another load: latencies not compared; record the baseline again at this rate (PERF_BASELINE=record)',
    pass: false,
  };
}

/**
 * Compares a run with its baseline's median run. A rise fails only when it exceeds the noise floor, z standard errors
 * within the runs (with the spread measured: only this run's noise beyond the recorded runs') and zBetween robust
 * spreads between the baseline's recorded runs (a wide band while fewer than MIN_SPREAD_RUNS are recorded). No speed
 * factor: the spread between runs recorded on the same machine already holds its drift, and a factor taken from one
 * short calibration could hide a regression of up to 2x (it did, before).
 */
export function compareWithBaseline(result: RunResult, base: Baseline, calibrationP50: number | null, o: CompareOptions = {}): Comparison {
  const minTolerance = o.minTolerance ?? BAND_DEFAULTS.minTolerance;
  const z = o.z ?? BAND_DEFAULTS.z;
  const zBetween = o.zBetween ?? BAND_DEFAULTS.zBetween;
  const unknownSpread = o.unknownSpreadTolerance ?? BAND_DEFAULTS.unknownSpread;
  const floorMs = o.noiseFloorMs ?? calibrationP50 ?? 0;
  const slack = o.errorRateSlack ?? 0.005;
  const calibrationRatio = calibrationP50 && base.calibrationP50 ? round3(calibrationP50 / base.calibrationP50) : null;
  const offered = offeredRateRow(result, base);
  if (offered) return { pass: false, calibrationRatio, rows: [offered] };
  const spread = spreadOf(base);
  const noise = seriesNoise(result);
  const rows: SloCheck[] = [];
  for (const key of ['p50', 'p95', 'p99'] as const) {
    const expected = base.metrics[key];
    const measured = result.latency[key];
    // A percentile with fewer than MIN_TAIL samples beyond it moves with one stall: report it, do not judge it.
    const tail = Math.floor(result.latency.count * SHARE_BEYOND[key]);
    if (tail < MIN_TAIL) {
      rows.push({
        metric: `latency ${key}`, target: `not judged: ${tail} sample(s) beyond it, ${MIN_TAIL} needed (run longer)`,
        measured: `${measured} ms (baseline ${base.metrics[key]} ms)`, margin: 'statistically weak', pass: true, judged: false,
      });
      continue;
    }
    // With the spread measured, each recorded run's own sampling noise is already in it: only noise this run has
    // beyond the recorded runs' (a disturbed run) widens the band. Without it, both runs' noise counts.
    const within = spread
      ? z * Math.sqrt(Math.max(0, noise[key] ** 2 - median(base.runs.map((r) => r.noise?.[key] ?? 0)) ** 2))
      : z * Math.sqrt(noise[key] ** 2 + (base.noise?.[key] ?? 0) ** 2);
    const { allowed, why, detectable } = percentileBand(base, key, { within, floorMs, minTolerance, zBetween, unknownSpread, z });
    const change = expected > 0 ? measured / expected - 1 : 0;
    rows.push({
      metric: `latency ${key}`,
      target: `<= ${allowed.toFixed(2)} ms (baseline ${base.metrics[key]} ms ${why}; detectable ${detectable})`,
      measured: `${measured} ms (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%)`,
      margin: `${(allowed - measured).toFixed(2)} ms`,
      pass: measured <= allowed,
    });
  }
  const er = result.errorRate;
  rows.push({
    metric: 'error rate',
    target: `<= ${((base.metrics.errorRate + slack) * 100).toFixed(3)}% (baseline ${(base.metrics.errorRate * 100).toFixed(3)}%)`,
    measured: `${(er * 100).toFixed(3)}%`,
    margin: `${((base.metrics.errorRate + slack - er) * 100).toFixed(3)} points`,
    pass: er <= base.metrics.errorRate + slack,
  });
  return { pass: rows.every((r) => r.pass), calibrationRatio, rows };
}
