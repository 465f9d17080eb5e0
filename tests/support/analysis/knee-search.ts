/** What one load level measured, and whether it met the SLO that defines "sustainable". */
export interface Level {
  rate: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  dropped: number;
  pass: boolean;
  /** Which budget the level broke, in words ("p95 412 ms > 300 ms"). */
  broke: string[];
  /** Whatever else the case measured at this level (gateway CPU %, memory MB, Postgres connections). */
  extra: Record<string, number>;
}

export interface SustainableSlo {
  p95Ms: number;
  errorRate: number;
  /** Achieved share of the offered rate (default 0.95). */
  minRateShare?: number;
}

export interface KneeSearchOptions {
  startRate: number;
  /** The rate is multiplied by this while levels pass (default 2). */
  growth?: number;
  /** Never offer more than this. */
  maxRate: number;
  /**
   * Where the start rate already breaks the SLO (a plan written for a larger machine), rates divided by `growth`
   * are offered down to this one until one holds, and the search bisects above it (default startRate: no step down).
   */
  minRate?: number;
  /** Bisection steps between the last passing and the first failing level (default 2). */
  refineSteps?: number;
  /** Stop refining when the bracket is narrower than this share of the passing rate (default 0.1). */
  resolution?: number;
  slo: SustainableSlo;
}

export interface KneeSearchResult {
  levels: Level[];
  /** The highest rate that met the SLO; null when even the start rate broke it. */
  knee: number | null;
  /** The lowest rate that broke it; null when every rate up to maxRate held. */
  breaking: number | null;
  summary: string;
}

export type LevelMeasurement = Omit<Level, 'pass' | 'broke' | 'rate'>;

/** Judges one level against the SLO. */
export function judgeLevel(rate: number, m: LevelMeasurement, slo: SustainableSlo): Level {
  const broke: string[] = [];
  if (!(m.p95 <= slo.p95Ms)) broke.push(`p95 ${m.p95} ms > ${slo.p95Ms} ms`);
  if (m.errorRate > slo.errorRate) broke.push(`errors ${(m.errorRate * 100).toFixed(2)}% > ${(slo.errorRate * 100).toFixed(2)}%`);
  const share = slo.minRateShare ?? 0.95;
  if (m.achieved < rate * share) broke.push(`achieved ${m.achieved}/s < ${(share * 100).toFixed(0)}% of ${rate}/s`);
  return { ...m, rate, pass: broke.length === 0, broke };
}

/**
 * Finds the maximum sustainable rate: offers geometrically growing rates until one breaks the SLO, then
 * bisects between the last that held and the first that broke. `measure` runs one level (and should let
 * the target drain afterwards); levels are measured in the order returned.
 */
export async function findKnee(measure: (rate: number) => Promise<LevelMeasurement>, o: KneeSearchOptions): Promise<KneeSearchResult> {
  const growth = o.growth ?? 2;
  if (!(o.startRate > 0) || !(o.maxRate >= o.startRate) || !(growth > 1)) {
    throw new Error(`knee search: need 0 < startRate <= maxRate and growth > 1 (got startRate ${o.startRate}, maxRate ${o.maxRate}, growth ${growth})`);
  }
  const levels: Level[] = [];
  const run = async (rate: number) => {
    const level = judgeLevel(rate, await measure(rate), o.slo);
    levels.push(level);
    return level;
  };
  let good: number | null = null;
  let bad: number | null = null;
  for (let rate = o.startRate; ; rate = Math.min(o.maxRate, Math.round(rate * growth))) {
    const level = await run(rate);
    if (!level.pass) {
      bad = rate;
      break;
    }
    good = rate;
    if (rate >= o.maxRate) break;
  }
  for (let rate = Math.floor(o.startRate / growth); good === null && rate >= (o.minRate ?? o.startRate); rate = Math.floor(rate / growth)) {
    if ((await run(rate)).pass) good = rate;
    else bad = rate;
  }
  const resolution = o.resolution ?? 0.1;
  for (let step = 0; step < (o.refineSteps ?? 2) && good !== null && bad !== null; step++) {
    if (bad - good <= Math.max(1, good * resolution)) break;
    const mid = Math.round((good + bad) / 2);
    if ((await run(mid)).pass) good = mid;
    else bad = mid;
  }
  const why = bad === null ? '' : levels.find((l) => l.rate === bad)!.broke.join(', ');
  const summary = good === null
    ? `not sustainable even at ${bad}/s (${why})`
    : bad === null
      ? `sustained every rate tried, up to ${good}/s: the maximum is above ${good}/s (raise maxRate to find it)`
      : `maximum sustainable rate ${good}/s; ${bad}/s broke the SLO (${why})`;
  return { levels: [...levels].sort((a, b) => a.rate - b.rate), knee: good, breaking: bad, summary };
}
