/** Wilson 95% interval of k successes in n, as "k/n = p% [lo-hi%]" ("-" for n = 0). */
export function wilsonRate(k: number, n: number): string {
  if (n === 0) return '-';
  const z = 1.96;
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return `${k}/${n} = ${(p * 100).toFixed(0)}% [${(Math.max(0, mid - half) * 100).toFixed(0)}-${(Math.min(1, mid + half) * 100).toFixed(0)}%]`;
}
