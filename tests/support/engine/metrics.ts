import { encodeHistogram, newHistogram, recordMs, type Histogram } from './histogram.ts';

export interface OpCounters {
  count: number;
  ok: number;
  errors: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
}

/** A histogram as recorded, or hdr-encoded to cross a thread boundary exactly. */
export type HistogramData = Histogram | string;

/** One thread's measurements over one interval. */
export interface IntervalSnapshot {
  index: number;
  ops: Record<string, OpCounters & { latency: HistogramData; service: HistogramData }>;
  lag: HistogramData;
  started: number;
  dropped: number;
  inFlight: number;
  vus: number;
  errorSamples: Record<string, string>;
}

interface OpInterval extends OpCounters {
  latency: Histogram;
  service: Histogram;
}

const MAX_ERROR_SAMPLES = 20;

/**
 * The measurements of one thread. Everything is O(1) per sample: histograms and counters that are
 * encoded and reset at each interval, never per-request arrays.
 */
export class MetricsRecorder {
  private ops = new Map<string, OpInterval>();
  private lag = newHistogram();
  private started = 0;
  private dropped = 0;
  private index = 0;
  private errorSamples: Record<string, string> = {};
  private sampledKeys = new Set<string>();
  inFlight = 0;
  vus = 0;

  private op(name: string): OpInterval {
    let op = this.ops.get(name);
    if (!op) {
      op = { count: 0, ok: 0, errors: {}, bytesIn: 0, bytesOut: 0, latency: newHistogram(), service: newHistogram() };
      this.ops.set(name, op);
    }
    return op;
  }

  recordStart(lagMs: number): void {
    this.started++;
    recordMs(this.lag, lagMs);
  }

  recordDropped(): void {
    this.dropped++;
  }

  recordSuccess(name: string, latencyMs: number, serviceMs: number, bytesIn = 0, bytesOut = 0): void {
    const op = this.op(name);
    op.count++;
    op.ok++;
    op.bytesIn += bytesIn;
    op.bytesOut += bytesOut;
    recordMs(op.latency, latencyMs);
    recordMs(op.service, serviceMs);
  }

  recordFailure(name: string, key: string, latencyMs: number, serviceMs: number, message?: string, bytesIn = 0, bytesOut = 0): void {
    const op = this.op(name);
    op.count++;
    op.errors[key] = (op.errors[key] ?? 0) + 1;
    op.bytesIn += bytesIn;
    op.bytesOut += bytesOut;
    recordMs(op.latency, latencyMs);
    recordMs(op.service, serviceMs);
    if (message && !this.sampledKeys.has(key) && this.sampledKeys.size < MAX_ERROR_SAMPLES) {
      this.sampledKeys.add(key);
      this.errorSamples[key] = message.slice(0, 300);
    }
  }

  /**
   * Hands over what was measured since the last flush and starts a new interval. The histograms are handed
   * over, not copied or encoded: a flush must not stall the thread that schedules iterations.
   */
  flush(): IntervalSnapshot {
    const ops: IntervalSnapshot['ops'] = {};
    for (const [name, op] of this.ops) {
      ops[name] = { count: op.count, ok: op.ok, errors: op.errors, bytesIn: op.bytesIn, bytesOut: op.bytesOut, latency: op.latency, service: op.service };
      op.latency = newHistogram();
      op.service = newHistogram();
      op.count = op.ok = op.bytesIn = op.bytesOut = 0;
      op.errors = {};
    }
    const snapshot: IntervalSnapshot = {
      index: this.index++, ops, lag: this.lag, started: this.started, dropped: this.dropped,
      inFlight: this.inFlight, vus: this.vus, errorSamples: this.errorSamples,
    };
    this.lag = newHistogram();
    this.started = this.dropped = 0;
    this.errorSamples = {};
    return snapshot;
  }
}

/** The snapshot with its histograms encoded, to post to another thread. */
export function encodeSnapshot(snap: IntervalSnapshot): IntervalSnapshot {
  const encode = (h: HistogramData) => (typeof h === 'string' ? h : encodeHistogram(h));
  const ops: IntervalSnapshot['ops'] = {};
  for (const [name, op] of Object.entries(snap.ops)) ops[name] = { ...op, latency: encode(op.latency), service: encode(op.service) };
  return { ...snap, ops, lag: encode(snap.lag) };
}
