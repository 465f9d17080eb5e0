// What an A/B comparison concluded, as reports and matchers read it (the statistics are in budget/paired.ts).

/** How a metric gets worse: latency when it rises, throughput when it falls. */
export type Direction = 'higher-is-worse' | 'lower-is-worse';

export type PairedStatus = 'regression' | 'no regression' | 'improvement' | 'too few rounds';

export interface PairedVerdict {
  n: number;
  /** head / base, Hodges-Lehmann estimate. */
  ratio: number;
  /** Interval of head / base at `confidence` (exact, from the signed-rank distribution). */
  ci: [number, number];
  /** Confidence the exact interval actually has (the distribution is discrete). */
  achievedConfidence: number;
  allowed: number;
  /**
   * The smallest worsening this run would have flagged with 80% probability, at the spread its own rounds
   * showed (as a fraction: 0.12 = 12% worse). NaN with too few rounds.
   */
  detectable: number;
  /** Run-to-run standard deviation of ln(head/base) added to the interval (A/A-measured; 0 when none was). */
  runToRunSd: number;
  /** A/A runs that sd was measured from, when one was. */
  runToRunRuns?: number;
  status: PairedStatus;
  direction: Direction;
}

/** One metric's A/B verdict, as reports show it. */
export interface AbVerdictRow extends PairedVerdict {
  case: string;
  metric: string;
  unit: string;
  /** Medians over the rounds, per side. */
  base: number;
  head: number;
  /** The metric in each judged round, per side (pairs share an index): what the report draws. */
  rounds?: { base: number[]; head: number[] };
}

/** Failed and dropped iterations against all of them, over every round of one side. */
export interface ErrorCount {
  failed: number;
  total: number;
}

export interface ErrorRateVerdict {
  base: ErrorCount;
  head: ErrorCount;
  /** One-sided p-value of "head fails more often than base" (two-proportion z-test, pooled). */
  p: number;
  status: 'regression' | 'no regression';
  text: string;
}

export interface AbOutcome {
  case: string;
  /** Two arms measured side by side on one stack (a comparison, not a gate): what base and head stand for. */
  arms?: { base: string; head: string };
  /** The load each side carried in a round, when the case says (e.g. a rate sized to the runner). */
  load?: string;
  verdicts: AbVerdictRow[];
  errors: ErrorRateVerdict;
  /** Set when too many rounds had to be discarded: the case is then invalid, neither passed nor failed. */
  invalid: string[];
  /** Rounds discarded (and run again) because the generator, not a gateway, set the pace in them. */
  discarded: string[];
  /**
   * Set when even the case's most sensitive metric could only have caught a change past the gate's limit
   * (PERF_AB_MAX_DETECTABLE): why. It counts only where the case found no regression (inconclusiveCase); when every
   * judged case of a run is so, the gate is INCONCLUSIVE (gateInconclusive).
   */
  inconclusive?: string;
  idleGatewayCpuPercent: { mean: number; max: number };
  wallSeconds: number;
}

/** A case whose rounds were too often generator-bound was not judged (AbOutcome.invalid). */
export function judgedCase(c: AbOutcome): boolean {
  return c.invalid.length === 0;
}

/** A judged case that flagged a regression: in any metric or in its error rate. */
export function regressedCase(c: AbOutcome): boolean {
  return judgedCase(c) && (c.errors.status === 'regression' || c.verdicts.some((v) => v.status === 'regression'));
}

/** A judged case that found no regression and could not alone have found one of the gate's size (AbOutcome.inconclusive). */
export function inconclusiveCase(c: AbOutcome): boolean {
  return judgedCase(c) && c.inconclusive !== undefined && !regressedCase(c);
}

/**
 * A run that found no regression in any case, and none of whose judged cases could have found one of the gate's
 * size: it says nothing about the head, so it neither passes nor fails.
 */
export function gateInconclusive(outcomes: AbOutcome[]): boolean {
  const judged = outcomes.filter(judgedCase);
  return judged.length > 0 && !outcomes.some(regressedCase) && judged.every(inconclusiveCase);
}
