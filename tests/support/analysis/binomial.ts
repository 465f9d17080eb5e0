// Exact one-sided binomial test: is the share of samples beyond a limit larger than a budget allows?

/** P(X >= k) for X ~ Binomial(n, p), summed in log space so that large n does not underflow. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log((n - i + 1) / i);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(logC + i * lp + (n - i) * lq);
    sum += term;
    if (term < sum * 1e-16 && i > n * p) break;
    logC += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, sum);
}

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
