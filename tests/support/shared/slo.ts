// Budgets as a case states them, and each check's row: what every layer that judges, exports or reports reads.
/** Budgets a case asserts: latency percentiles ("200ms", "1s" or ms), error rate ("0.1%" or a fraction), achieved share of the target rate. */
export interface Slo {
  p50?: string | number;
  p90?: string | number;
  p95?: string | number;
  p99?: string | number;
  max?: string | number;
  errorRate?: string | number;
  /** Achieved rate at least this share of the target rate ("95%" or 0.95); open-model scenarios only. */
  minRateShare?: string | number;
  /** Which operation to judge (default: all operations together). */
  operation?: string;
}

export interface SloCheck {
  metric: string;
  target: string;
  measured: string;
  margin: string;
  pass: boolean;
  /** false: shown for information only (too few samples to judge); such a row always passes. */
  judged?: boolean;
}

export function parseRatio(value: string | number, what: string): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (m) return Number(m[1]) / 100;
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n)) return n;
  throw new TypeError(`${what}: "${value}" is not a ratio; write "0.1%" or 0.001`);
}

