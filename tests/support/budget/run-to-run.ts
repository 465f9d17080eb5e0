// Run-to-run noise of the A/B gate. The interval of one run comes from its own rounds, so it cannot see what stays
// the same for a whole run but differs between runs: which stack a recurring job lands on, how each instance settled
// after its start (not how the kernel spreads connections over the workers: they reopen every round and both workers
// stay busy whatever the split, scripts/worker-split.ts). A/A runs (the same image on both sides) measure it: their
// estimates spread more than their own intervals allow. That excess variance tau^2 is added to every verdict's interval.
import { DEFAULT_GATEWAY } from '../shared/stack-info.ts';
import { existsSync, readFileSync } from 'node:fs';
import { judgedCase, type AbOutcome, type AbVerdictRow } from '../shared/ab-outcome.ts';
import { judgeShift, twoSidedZ, type ShiftInterval } from './paired.ts';
import { maxDetectable, withSensitivity } from './sensitivity.ts';
import { config } from '../shared/config.ts';

/** Log-scale standard deviation of a metric's head/base between runs, beyond the spread within each run. */
export interface RunToRunMetric {
  /** A/A runs it was estimated from. */
  runs: number;
  /** tau, on ln(head/base): 0.1 is about 10%. 0 when the runs spread no more than their intervals said. */
  sd: number;
  /** Each A/A run's head/base estimate, for the record. */
  ratios: number[];
}

export interface RunToRunNoise {
  /** Where and how it was measured: the machine, the command, the dates. */
  measured: string;
  /** Keyed by `${case} | ${metric}`. */
  metrics: Record<string, RunToRunMetric>;
}

export const noiseKey = (caseName: string, metric: string) => `${caseName} | ${metric}`;

/**
 * The within-run interval of a verdict's log ratio, from its reported interval. A run judged with run-to-run noise
 * carries a widened interval: each side is narrowed back (judgeShift widened it to sqrt(side^2 + (z sd)^2)), or runs
 * made with a noise file would hide the very spread they measure.
 */
function withinInterval(v: Pick<AbVerdictRow, 'ratio' | 'ci' | 'achievedConfidence' | 'runToRunSd'>): ShiftInterval {
  const z = twoSidedZ(v.achievedConfidence);
  const added = (z * (v.runToRunSd ?? 0)) ** 2;
  const side = (a: number, b: number) => Math.sqrt(Math.max(0, (Math.log(a) - Math.log(b)) ** 2 - added));
  const estimate = Math.log(v.ratio);
  return { estimate, lo: estimate - side(v.ratio, v.ci[0]), hi: estimate + side(v.ci[1], v.ratio), achieved: v.achievedConfidence };
}

/** Within-run standard error of a verdict's log ratio (the mean of its two narrowed sides, over z). */
function withinSe(v: Pick<AbVerdictRow, 'ratio' | 'ci' | 'achievedConfidence' | 'runToRunSd'>): number {
  const w = withinInterval(v);
  return (w.hi - w.lo) / (2 * twoSidedZ(v.achievedConfidence));
}

/**
 * A finished verdict judged again with another run-to-run sd, as the run would have judged it with that sd: what
 * `npm run bench:gate -- --summarize --noise` uses to ask how a noise estimate would have done on recorded runs.
 */
export function rejudge<V extends AbVerdictRow>(v: V, runToRunSd: number, runToRunRuns?: number): V {
  if (v.status === 'too few rounds' || !(v.ratio > 0) || !(v.ci[0] > 0) || !(v.achievedConfidence > 0)) return v;
  const out: V = { ...v, ...judgeShift(withinInterval(v), { direction: v.direction, allowed: v.allowed, runToRunSd }) };
  if (runToRunRuns === undefined) delete out.runToRunRuns;
  else out.runToRunRuns = runToRunRuns;
  return out;
}

/** The fewest A/A runs a metric's run-to-run noise is estimated from. */
export const MIN_AA_RUNS = 3;

/** tau per case and metric from the outcomes of several A/A runs (one array of outcomes per run). */
export function estimateRunToRun(runs: AbOutcome[][]): Record<string, RunToRunMetric> {
  const byKey = new Map<string, { log: number; se2: number; ratio: number }[]>();
  for (const outcomes of runs) {
    for (const o of outcomes) {
      if (!judgedCase(o)) continue;
      for (const v of o.verdicts) {
        if (!(v.ratio > 0) || !(v.ci[0] > 0) || !(v.achievedConfidence > 0)) continue;
        const key = noiseKey(o.case, v.metric);
        byKey.set(key, [...(byKey.get(key) ?? []), { log: Math.log(v.ratio), se2: withinSe(v) ** 2, ratio: v.ratio }]);
      }
    }
  }
  const out: Record<string, RunToRunMetric> = {};
  for (const [key, xs] of byKey) {
    if (xs.length < MIN_AA_RUNS) continue;
    // A moment estimate weighted by each run's precision (DerSimonian-Laird, with the mean known): every A/A run's
    // true head/base is 1, so E[sum w y^2] = k + tau^2 sum w, with w = 1 / se^2 and y = ln(head/base). A precise
    // run far from 0 says more than a vague one, which an unweighted variance would let hide it.
    const w = xs.map((x) => 1 / Math.max(x.se2, 1e-8));
    const q = xs.reduce((a, x, i) => a + w[i]! * x.log ** 2, 0);
    const tau2 = Math.max(0, (q - xs.length) / w.reduce((a, b) => a + b, 0));
    out[key] = { runs: xs.length, sd: +Math.sqrt(tau2).toFixed(4), ratios: xs.map((x) => +x.ratio.toFixed(4)) };
  }
  return out;
}

/**
 * A run's outcomes judged again with the run-to-run noise `metrics` (a metric it lacks is judged with none, and named
 * in `unmeasured` when given), and whether each could have caught a change of `limit` with its intervals widened.
 */
export function rejudgeOutcomes(outcomes: AbOutcome[], metrics: Record<string, RunToRunMetric>, unmeasured?: Set<string>, limit = maxDetectable()): AbOutcome[] {
  return outcomes.map((c) => {
    const verdicts = c.verdicts.map((v) => {
      const m = metrics[noiseKey(c.case, v.metric)];
      if (!m) unmeasured?.add(noiseKey(c.case, v.metric));
      return rejudge(v, m?.sd ?? 0, m?.runs);
    });
    return withSensitivity({ ...c, verdicts }, limit);
  });
}

/**
 * Each A/A run judged with the noise all the others measure (leave one out): how a noise file made from these runs
 * would do on a run it has not seen. A run judged with its own share of the estimate would flatter it.
 */
export function leaveOneOut(aa: AbOutcome[][], unmeasured?: Set<string>): AbOutcome[][] {
  return aa.map((run, i) => rejudgeOutcomes(run, estimateRunToRun(aa.filter((_, j) => j !== i)), unmeasured));
}

export const DEFAULT_NOISE_FILE = 'baselines/gate-noise.json';

/** Each gateway's own noise file: A/A runs of one gateway say nothing about another's spread. */
export function defaultNoiseFile(gateway: string | undefined): string {
  return !gateway || gateway === DEFAULT_GATEWAY ? DEFAULT_NOISE_FILE : `baselines/${gateway}/gate-noise.json`;
}

/**
 * The run-to-run noise the gate adds to its intervals: PERF_AB_NOISE names the file (`none`: add nothing), else
 * the gateway's default file (defaultNoiseFile) when it exists. A named file that is missing or malformed is an error.
 */
export function loadRunToRun(env: string | undefined = config().PERF_AB_NOISE, gateway?: string): { noise: RunToRunNoise | null; from: string } {
  if (env === 'none') return { noise: null, from: 'PERF_AB_NOISE=none' };
  const fallback = defaultNoiseFile(gateway);
  const path = env || fallback;
  if (!existsSync(path)) {
    if (env) throw new Error(`PERF_AB_NOISE=${env}: no such file. Make one from A/A runs with "npm run gate:noise -- <run dirs>", or set PERF_AB_NOISE=none`);
    return { noise: null, from: `${fallback} absent` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not JSON (${(error as Error).message}); remake it with "npm run gate:noise -- <A/A run dirs>"`);
  }
  const n = parsed as Partial<RunToRunNoise>;
  const bad = typeof n.measured !== 'string' || typeof n.metrics !== 'object' || n.metrics === null ||
    Object.values(n.metrics).some((m) => !(typeof m?.sd === 'number' && m.sd >= 0 && Number.isInteger(m.runs)));
  if (bad) throw new Error(`${path} is not a gate noise file ({ measured, metrics: { "<case> | <metric>": { runs, sd, ratios } } }); remake it with "npm run gate:noise -- <A/A run dirs>"`);
  return { noise: n as RunToRunNoise, from: path };
}
