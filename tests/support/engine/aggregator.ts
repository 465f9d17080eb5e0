import { classOfKey } from './errors.ts';
import { decodeHistogram, encodeHistogram, newHistogram, summarize, type Histogram } from './histogram.ts';
import { encodeSnapshot, MetricsRecorder, type HistogramData, type IntervalSnapshot } from './metrics.ts';
import type { OperationResult, RunResult, SeriesPoint } from './result.ts';
import type { Scenario } from './scenario.ts';

interface OpTotals {
  count: number;
  ok: number;
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  latency: Histogram;
  service: Histogram;
}

interface PendingSecond {
  requests: number;
  errors: number;
  dropped: number;
  inFlight: number;
  vus: number;
  latency: Histogram;
  sources: number;
}

export interface ProgressLine {
  t: number;
  point: SeriesPoint;
}

/**
 * Merges interval snapshots from one or more threads into cumulative histograms and a per-second
 * series. A second is finalised (percentiles taken, histogram freed) once every source has reported
 * past it, so memory stays bounded over long runs.
 */
export class Aggregator {
  private readonly ops = new Map<string, OpTotals>();
  private readonly lag = newHistogram();
  private readonly pending = new Map<number, PendingSecond>();
  private readonly lastIndex: number[];
  private readonly series: SeriesPoint[] = [];
  private readonly errorSamples: Record<string, string> = {};
  private started = 0;
  private dropped = 0;
  private peakInFlight = 0;
  private readonly onSecond: ((point: SeriesPoint) => void) | undefined;

  constructor(sources: number, onSecond?: (point: SeriesPoint) => void) {
    this.lastIndex = new Array<number>(sources).fill(-1);
    this.onSecond = onSecond;
  }

  add(source: number, snap: IntervalSnapshot): void {
    this.started += snap.started;
    this.dropped += snap.dropped;
    this.peakInFlight = Math.max(this.peakInFlight, snap.inFlight);
    Object.assign(this.errorSamples, Object.fromEntries(Object.entries(snap.errorSamples).filter(([k]) => !(k in this.errorSamples))));
    this.lag.add(histogramOf(snap.lag));
    let second = this.pending.get(snap.index);
    if (!second) {
      second = { requests: 0, errors: 0, dropped: 0, inFlight: 0, vus: 0, latency: newHistogram(), sources: 0 };
      this.pending.set(snap.index, second);
    }
    second.dropped += snap.dropped;
    second.inFlight += snap.inFlight;
    second.vus += snap.vus;
    second.sources++;
    for (const [name, op] of Object.entries(snap.ops)) {
      let totals = this.ops.get(name);
      if (!totals) {
        totals = { count: 0, ok: 0, errors: {}, bytesIn: 0, bytesOut: 0, latency: newHistogram(), service: newHistogram() };
        this.ops.set(name, totals);
      }
      totals.count += op.count;
      totals.ok += op.ok;
      totals.bytesIn += op.bytesIn;
      totals.bytesOut += op.bytesOut;
      for (const [key, n] of Object.entries(op.errors)) totals.errors[key] = (totals.errors[key] ?? 0) + n;
      const latency = histogramOf(op.latency);
      totals.latency.add(latency);
      second.latency.add(latency);
      totals.service.add(histogramOf(op.service));
      second.requests += op.count;
      second.errors += op.count - op.ok;
    }
    this.lastIndex[source] = snap.index;
    const settled = Math.min(...this.lastIndex);
    for (const index of [...this.pending.keys()].sort((a, b) => a - b)) {
      if (index > settled) break;
      this.finalize(index);
    }
  }

  private finalize(index: number): void {
    const s = this.pending.get(index);
    if (!s) return;
    this.pending.delete(index);
    const sum = summarize(s.latency);
    const point: SeriesPoint = {
      t: index + 1, requests: s.requests, errors: s.errors, dropped: s.dropped,
      p50: sum.p50, p95: sum.p95, p99: sum.p99, inFlight: s.inFlight, vus: s.vus,
    };
    this.series.push(point);
    this.onSecond?.(point);
  }

  result(scenario: Scenario, meta: { startedAt: Date; durationMs: number; workers: number; interrupted: number }): RunResult {
    for (const index of [...this.pending.keys()].sort((a, b) => a - b)) this.finalize(index);
    const all = newHistogram();
    const allService = newHistogram();
    const operations: Record<string, OperationResult> = {};
    const errors: Record<string, number> = {};
    let completed = 0;
    let ok = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    for (const [name, op] of this.ops) {
      all.add(op.latency);
      allService.add(op.service);
      completed += op.count;
      ok += op.ok;
      bytesIn += op.bytesIn;
      bytesOut += op.bytesOut;
      for (const [key, n] of Object.entries(op.errors)) errors[key] = (errors[key] ?? 0) + n;
      operations[name] = {
        count: op.count, ok: op.ok, failed: op.count - op.ok, errorRate: op.count ? (op.count - op.ok) / op.count : 0,
        errors: op.errors, latency: summarize(op.latency), service: summarize(op.service),
        bytesIn: op.bytesIn, bytesOut: op.bytesOut, latencyHistogram: encodeHistogram(op.latency),
      };
    }
    const errorsByClass: RunResult['errorsByClass'] = {};
    for (const [key, n] of Object.entries(errors)) {
      const cls = classOfKey(key);
      errorsByClass[cls] = (errorsByClass[cls] ?? 0) + n;
    }
    const failed = completed - ok;
    const seconds = meta.durationMs / 1000;
    const targetRate = scenario.executor === 'constant-arrival-rate' ? scenario.startRatePerSec : null;
    return {
      scenario: scenario.name,
      executor: scenario.executor,
      model: scenario.model,
      latencyTiming: scenario.model === 'open' ? 'intended-start' : 'send',
      startedAt: meta.startedAt.toISOString(),
      durationMs: Math.round(meta.durationMs),
      workers: meta.workers,
      rate: { target: targetRate, achieved: seconds > 0 ? round3(completed / seconds) : 0 },
      counts: { started: this.started, completed, ok, failed, dropped: this.dropped, interrupted: meta.interrupted },
      errorRate: completed + this.dropped > 0 ? (failed + this.dropped) / (completed + this.dropped) : 0,
      errorsByClass,
      errors,
      errorSamples: this.errorSamples,
      latency: summarize(all),
      service: summarize(allService),
      schedulerLag: summarize(this.lag),
      operations,
      bytes: { in: bytesIn, out: bytesOut },
      vus: { peakInFlight: this.peakInFlight, max: scenario.maxVUs },
      series: this.series,
    };
  }
}

/**
 * Runs the per-second merge on throwaway data before a run, so its first real runs are compiled code:
 * the first merges, interpreted, are slow enough to delay the iterations due meanwhile (scheduler lag).
 */
export function warmUpAggregation(scenario: Scenario, encoded = false): void {
  const recorder = new MetricsRecorder();
  const aggregator = new Aggregator(1);
  for (let second = 0; second < 8; second++) {
    for (let i = 1; i <= 200; i++) {
      recorder.recordStart(i / 100);
      if (i % 50 === 0) recorder.recordFailure('warm-up', 'other', i, i);
      else recorder.recordSuccess('warm-up', i / 10, i / 20);
    }
    const snap = recorder.flush();
    aggregator.add(0, encoded ? encodeSnapshot(snap) : snap);
  }
  aggregator.result(scenario, { startedAt: new Date(), durationMs: 1000, workers: 1, interrupted: 0 });
}

const histogramOf = (h: HistogramData): Histogram => (typeof h === 'string' ? decodeHistogram(h) : h);

const round3 = (n: number) => Math.round(n * 1000) / 1000;
