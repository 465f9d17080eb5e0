// Whether an A/B case that found no regression could have found one: a run whose rounds spread so much that even
// its most sensitive metric would have missed a large change says nothing, and must not read as a pass.
import type { AbOutcome, AbVerdictRow } from '../shared/ab-outcome.ts';
import { parseRatio } from '../shared/slo.ts';
import { worseChangeText } from './paired.ts';
import { config } from '../shared/config.ts';

/** Twice the +20% the gate is benchmarked to catch (npm run bench:gate). */
export const DEFAULT_MAX_DETECTABLE = 0.4;

/** The gate's limit on the smallest detectable change: PERF_AB_MAX_DETECTABLE ("40%" or 0.4), else the default. */
export function maxDetectable(env: string | undefined = config().PERF_AB_MAX_DETECTABLE): number {
  if (env === undefined || env.trim() === '') return DEFAULT_MAX_DETECTABLE;
  const limit = parseRatio(env, 'PERF_AB_MAX_DETECTABLE');
  if (!(limit > 0)) throw new RangeError(`PERF_AB_MAX_DETECTABLE must be above 0 (e.g. "40%"), got "${env}"`);
  return limit;
}

/**
 * Why the case could not have caught a change of `limit` in any of its metrics, or undefined when one of them could.
 * Metrics without a detectable change (too few rounds) do not count: the case is INVALID then, not inconclusive.
 */
export function insensitivity(verdicts: AbVerdictRow[], limit: number): string | undefined {
  const judged = verdicts.filter((v) => Number.isFinite(v.detectable));
  if (judged.length === 0) return undefined;
  const best = judged.reduce((a, b) => (b.detectable < a.detectable ? b : a));
  if (best.detectable <= limit) return undefined;
  const size = (x: number) => worseChangeText(best.direction, x);
  return `the smallest change it could have caught (4 times in 5) was ${size(best.detectable)} in ${best.metric}, past the gate's limit of ${size(limit)} (PERF_AB_MAX_DETECTABLE): its rounds spread too much`;
}

/** The outcome with its blindness judged from its own verdicts at `limit` (whatever it carried before). */
export function withSensitivity(o: AbOutcome, limit: number): AbOutcome {
  return { ...o, inconclusive: insensitivity(o.verdicts, limit) };
}
