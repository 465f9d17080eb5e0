// Exact one-sided binomial test: is the share of samples beyond a limit larger than a budget allows?
import { binomialUpperTail } from '../shared/statistics.ts';

/**
 * The fewest of n samples beyond the limit that show, at one-sided level alpha, a share beyond it larger than
 * `allowed`: below this count, a run cannot tell a budget missed from one met with a few unlucky samples.
 */
export function criticalCount(n: number, allowed: number, alpha = 0.05): number {
  // The tail falls as k rises: bisect for the first k at or below alpha (n + 1 when even all n are not enough).
  let lo = Math.max(1, Math.floor(n * allowed));
  let hi = n + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialUpperTail(mid, n, allowed) <= alpha) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
