import type { LatencySummary } from './histogram.ts';
import type { ErrorClass } from './errors.ts';
import type { ExecutorName } from './scenario.ts';

export interface OperationResult {
  count: number;
  ok: number;
  failed: number;
  errorRate: number;
  errors: Record<string, number>;
  latency: LatencySummary;
  service: LatencySummary;
  bytesIn: number;
  bytesOut: number;
  /** The latency histogram, hdr compressed base64, for exact merges and comparisons later. */
  latencyHistogram: string;
}

export interface SeriesPoint {
  /** Seconds since the start of the load phase. */
  t: number;
  requests: number;
  errors: number;
  dropped: number;
  p50: number;
  p95: number;
  p99: number;
  inFlight: number;
  vus: number;
}

/** Everything a run measured, as plain JSON. Latencies in milliseconds. */
export interface RunResult {
  scenario: string;
  executor: ExecutorName;
  model: 'open' | 'closed';
  /** How latency was timed: from the intended start (open model) or from the send (closed model). */
  latencyTiming: 'intended-start' | 'send';
  startedAt: string;
  durationMs: number;
  workers: number;
  rate: { target: number | null; achieved: number };
  counts: { started: number; completed: number; ok: number; failed: number; dropped: number; interrupted: number };
  errorRate: number;
  errorsByClass: Partial<Record<ErrorClass, number>>;
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  latency: LatencySummary;
  service: LatencySummary;
  schedulerLag: LatencySummary;
  operations: Record<string, OperationResult>;
  bytes: { in: number; out: number };
  vus: { peakInFlight: number; max: number };
  series: SeriesPoint[];
  /** What the load generator itself used, to tell a generator-bound run from a gateway-bound one. */
  generator?: GeneratorLoad;
}

export interface GeneratorLoad {
  threads: number;
  /** CPU of the whole load process (all threads) over the phase, % of one core. */
  cpuPercent: number;
  /** Busiest load thread's event-loop utilization (0..1): near 1, the thread, not the target, set the pace. */
  eventLoopUtilization: number;
}
