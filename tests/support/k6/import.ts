import type { RunResult } from '../engine/result.ts';

type Stats = Record<string, number>;

/** A metric of either k6 summary format: --summary-export (flat) or handleSummary's JSON ({ values }). */
function metric(summary: { metrics?: Record<string, unknown> }, name: string): Stats | undefined {
  const m = summary.metrics?.[name] as (Stats & { values?: Stats }) | undefined;
  if (!m) return undefined;
  return m.values ?? m;
}

export class K6SummaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'K6SummaryError';
  }
}

/**
 * Reads a k6 summary of a script this suite exported (k6 run --summary-export=summary.json) into a run
 * result, so the same baseline comparison judges it. k6 keeps no per-second series and no scheduler lag;
 * latency is from the actual send (k6's own timing), in the percentiles the summary kept.
 */
export function fromK6Summary(raw: unknown, scenario: string): RunResult {
  if (!raw || typeof raw !== 'object' || !('metrics' in raw)) throw new K6SummaryError('not a k6 summary: it has no "metrics" (write it with k6 run --summary-export=FILE, or JSON from handleSummary)');
  const summary = raw as { metrics: Record<string, unknown>; state?: { testRunDurationMs?: number } };
  const d = metric(summary, 'mcp_op_duration');
  const f = metric(summary, 'mcp_op_failed');
  if (!d || !f) throw new K6SummaryError('the summary has no mcp_op_duration / mcp_op_failed: was the script exported by mcp-perf?');
  for (const k of ['med', 'p(95)', 'p(99)']) if (typeof d[k] !== 'number') throw new K6SummaryError(`mcp_op_duration has no ${k}: export with summaryTrendStats including it (the exported script does)`);
  // A Rate counts "passes" for true samples: here, failed operations.
  const failed = f.passes ?? 0;
  const completed = failed + (f.fails ?? 0);
  const dropped = metric(summary, 'dropped_iterations')?.count ?? 0;
  const durationMs = summary.state?.testRunDurationMs ?? 0;
  const latency = {
    count: completed, min: d.min ?? 0, mean: d.avg ?? 0, p50: d.med!, p90: d['p(90)'] ?? d['p(95)']!, p95: d['p(95)']!, p99: d['p(99)']!, p999: d['p(99.9)'] ?? d.max ?? d['p(99)']!, max: d.max ?? d['p(99)']!,
  };
  return k6RunResult({ scenario, startedAt: new Date(0).toISOString(), durationMs, processes: 1, completed, failed, dropped, latency, vusMax: metric(summary, 'vus_max')?.value ?? 0 });
}

/**
 * A k6 run as the suite's run result, from what k6 measured: operations judged (completed), failed and dropped, and
 * the latency of mcp_op_duration. k6 keeps no per-second series and no scheduler lag, and times from the send.
 */
export function k6RunResult(k: { scenario: string; startedAt: string; durationMs: number; processes: number; completed: number; failed: number; dropped: number; latency: RunResult['latency']; vusMax: number }): RunResult {
  const zero = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const { completed, failed, dropped, durationMs, latency } = k;
  return {
    scenario: k.scenario, executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'send', startedAt: k.startedAt, durationMs, workers: k.processes,
    rate: { target: null, achieved: durationMs ? +(completed / (durationMs / 1000)).toFixed(2) : 0 },
    counts: { started: completed, completed, ok: completed - failed, failed, dropped, interrupted: 0 },
    errorRate: completed + dropped ? (failed + dropped) / (completed + dropped) : 0,
    errorsByClass: failed ? { check_failed: failed } : {}, errors: failed ? { 'check_failed:k6': failed } : {}, errorSamples: {},
    latency, service: latency, schedulerLag: zero, operations: {}, bytes: { in: 0, out: 0 }, vus: { peakInFlight: 0, max: k.vusMax }, series: [],
  };
}
