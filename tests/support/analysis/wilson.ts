import { wilsonInterval } from '../shared/statistics.ts';

/** Wilson 95% interval of k successes in n, as "k/n = p% [lo-hi%]" ("-" for n = 0). */
export function wilsonRate(k: number, n: number): string {
  if (n === 0) return '-';
  const [lo, hi] = wilsonInterval(k, n);
  return `${k}/${n} = ${((k / n) * 100).toFixed(0)}% [${(lo * 100).toFixed(0)}-${(hi * 100).toFixed(0)}%]`;
}
