/**
 * Whether a balancer spread requests over its backends: each got at least `minShare` of what an even split would
 * give it. Exactly binomial would be too strict for a closed loop (a slower instance serves fewer calls); this is
 * the gross fault it must catch: an instance that got nothing, or nearly nothing (pinned clients, a dead backend).
 */
export interface SpreadVerdict {
  pass: boolean;
  total: number;
  /** Each backend's share of the requests, 0..1. */
  shares: Record<string, number>;
  text: string;
}

export function spreadVerdict(counts: Record<string, number>, backends: string[], minShare = 0.5): SpreadVerdict {
  const total = backends.reduce((a, b) => a + (counts[b] ?? 0), 0);
  const even = 1 / backends.length;
  const shares = Object.fromEntries(backends.map((b) => [b, total ? (counts[b] ?? 0) / total : 0]));
  const low = backends.filter((b) => shares[b]! < even * minShare);
  const list = backends.map((b) => `${b} ${counts[b] ?? 0} (${(shares[b]! * 100).toFixed(0)}%)`).join(', ');
  return {
    pass: total > 0 && low.length === 0,
    total,
    shares,
    text: total === 0
      ? 'the balancer relayed no request'
      : `${total} requests: ${list}; each must get at least ${(even * minShare * 100).toFixed(0)}% (half an even share)${low.length ? `: ${low.join(', ')} did not` : ''}`,
  };
}

/** The requests between two readings of per-backend counters. */
export function countsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}
