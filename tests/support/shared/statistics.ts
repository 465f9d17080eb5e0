// The statistics every layer uses, in one place: medians, the normal and Student t distributions, least squares,
// the exact binomial tail, the Wilson interval, and the Wilcoxon signed-rank interval with its Hodges-Lehmann
// estimate. Each function is checked against published reference values (tests/unit/statistics.test.ts).

/** The median of `xs` (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [-0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497, 2.93816398269878];
  const dd = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const lowTail = 0.02425;
  const poly = (k: number[], x: number) => k.reduce((acc, v) => acc * x + v, 0);
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(dd, q) * q + 1);
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** ln Γ(x), Lanczos (g = 7, n = 9), relative error about 1e-15 for x > 0. */
function logGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = g[0]!;
  for (let i = 1; i < 9; i++) sum += g[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b))) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    const numerator = i === 0 ? 1 : i % 2 === 0 ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)) : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = 1 + numerator / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-14) break;
  }
  return front * (f - 1);
}

/** Student's t CDF with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Inverse of Student's t CDF: the t below which a share `p` of the distribution lies (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** An ordinary least-squares line y = intercept + slope x, with the standard error of its slope. */
export interface LineFit {
  n: number;
  slope: number;
  intercept: number;
  /** Standard error of the slope (NaN with fewer than three points or no spread in x). */
  slopeSe: number;
  meanX: number;
  meanY: number;
}

export function leastSquares(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  if (ys.length !== n) throw new RangeError(`leastSquares: ${n} x values for ${ys.length} y values`);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - meanX) ** 2;
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - (meanY + slope * (xs[i]! - meanX))) ** 2;
  const slopeSe = n > 2 && sxx > 0 ? Math.sqrt(sse / (n - 2) / sxx) : Number.NaN;
  return { n, slope, intercept: meanY - slope * meanX, slopeSe, meanX, meanY };
}

/**
 * The slope's standard error, and the degrees of freedom to judge it with, allowing for autocorrelated residuals:
 * samples taken once a second of something that drifts slowly (a gateway's memory between collections) are not
 * independent, and the plain least-squares error is then far too small. The larger of two corrections: Newey-West
 * (Bartlett weights, lag by Andrews' 1991 AR(1) plug-in rule), and the AR(1) variance inflation (1 + rho) / (1 - rho)
 * with n (1 - rho) / (1 + rho) effective samples: Newey-West alone under-covers when the autocorrelation is strong
 * (tests/unit/memory-growth.test.ts simulates both; the figures are in docs/monitoring-and-reports.md).
 */
export function slopeSeAutocorrelated(xs: readonly number[], ys: readonly number[], fit: LineFit = leastSquares(xs, ys)): { se: number; df: number; lag: number; rho: number } {
  const n = xs.length;
  if (n < 3) return { se: Number.NaN, df: Number.NaN, lag: 0, rho: Number.NaN };
  const dx = xs.map((x) => x - fit.meanX);
  const e = ys.map((y, i) => y - (fit.meanY + fit.slope * dx[i]!));
  let num = 0;
  let den = 0;
  for (let i = 1; i < n; i++) {
    num += e[i]! * e[i - 1]!;
    den += e[i - 1]! ** 2;
  }
  // Lag-1 autocorrelation of the residuals, kept inside (-0.995, 0.995) so both corrections stay finite.
  const rho = den > 0 ? Math.max(-0.995, Math.min(0.995, num / den)) : 0;
  const alpha = (4 * rho * rho) / ((1 - rho) ** 2 * (1 + rho) ** 2);
  const lag = Math.min(n - 2, Math.floor(1.1447 * Math.cbrt(alpha * n)));
  let sxx = 0;
  for (const d of dx) sxx += d * d;
  if (sxx === 0) return { se: Number.NaN, df: Number.NaN, lag, rho };
  const u = dx.map((d, i) => d * e[i]!);
  let s = 0;
  for (let i = 0; i < n; i++) s += u[i]! * u[i]!;
  for (let l = 1; l <= lag; l++) {
    let c = 0;
    for (let i = l; i < n; i++) c += u[i]! * u[i - l]!;
    s += 2 * (1 - l / (lag + 1)) * c;
  }
  // The small-sample factor n / (n - 2), as the plain error has.
  const hac = Math.sqrt(Math.max(0, s) * (n / (n - 2))) / sxx;
  if (rho <= 0) return { se: Math.max(hac, fit.slopeSe), df: n - 2, lag, rho };
  const ar1 = fit.slopeSe * Math.sqrt((1 + rho) / (1 - rho));
  const effective = Math.max(3, (n * (1 - rho)) / (1 + rho));
  return ar1 >= hac ? { se: ar1, df: effective - 2, lag, rho } : { se: hac, df: n - 2, lag, rho };
}

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

/** The Wilson score interval of k successes in n at `confidence` (two-sided); [0, 1] for n = 0. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}

/** Number of subsets of {1..n} with each rank sum: the null distribution of the signed-rank statistic, times 2^n. */
function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) for (let s = max; s >= k; s--) counts[s]! += counts[s - k]!;
  return counts;
}

/**
 * The largest k with P(T <= k - 1) <= alpha / 2: the interval runs from the k-th smallest to the k-th largest
 * Walsh average. 0 when n is too small for this confidence.
 */
export function signedRankCritical(n: number, confidence: number): { k: number; achieved: number } {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  const half = (1 - confidence) / 2;
  let cumulative = 0;
  let k = 0;
  for (let t = 0; t < counts.length; t++) {
    if ((cumulative + counts[t]!) / total > half) break;
    cumulative += counts[t]!;
    k = t + 1;
  }
  return { k, achieved: 1 - (2 * cumulative) / total };
}

/** Hodges-Lehmann estimate and exact Wilcoxon signed-rank interval of the shift of `d` (e.g. log ratios). */
export function shiftInterval(d: number[], confidence = 0.95): { estimate: number; lo: number; hi: number; achieved: number } | undefined {
  const n = d.length;
  const { k, achieved } = signedRankCritical(n, confidence);
  if (k === 0) return undefined;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i]! + d[j]!) / 2);
  walsh.sort((a, b) => a - b);
  return { estimate: median(walsh), lo: walsh[k - 1]!, hi: walsh[walsh.length - k]!, achieved };
}
