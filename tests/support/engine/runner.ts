import { availableParallelism } from 'node:os';
// The module's own performance object: a test's fake timers replace the global one, event loop included.
import { performance as hooks, type EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Aggregator, warmUpAggregation } from './aggregator.ts';
import { execute, type ExecutionSummary } from './executor.ts';
import { MetricsRecorder, type IntervalSnapshot } from './metrics.ts';
import type { LoadOperation, Operation } from './operation.ts';
import type { GeneratorLoad, RunResult, SeriesPoint } from './result.ts';
import { normalizeScenario, type Scenario, type ScenarioInput } from './scenario.ts';

export interface RunOptions {
  /** Name recorded for iterations whose outcome names none (default: the scenario's name). */
  operationName?: string;
  /** Called for each finished second of the per-second series. */
  onSecond?: (point: SeriesPoint) => void;
  /** Aborts the run (its in-flight iterations are interrupted; a partial result is still returned). */
  signal?: AbortSignal;
}

/** Where worker threads get the operation: a module exporting createOperation(params). */
export interface WorkerOperation {
  module: string | URL;
  params?: unknown;
  /** Threads to use; default: one per core. */
  workers?: number;
}

const START_DELAY_MS = 50;

/**
 * Starts measuring this process's CPU; the returned function reads it, given each load thread's event-loop
 * utilization over the phase (0..1). A worker measures its own and sends it with 'done': read from here, a worker
 * that had already stopped answers -1 for its idle time, and the phase read as 100% busy.
 */
function generatorMeter(): (threadsElu: number[]) => GeneratorLoad {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return (threadsElu) => {
    const cpu = process.cpuUsage(cpu0);
    const wallMs = Math.max(1, performance.now() - t0);
    return { threads: threadsElu.length, cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10, eventLoopUtilization: Math.round(Math.max(0, ...threadsElu) * 1000) / 1000 };
  };
}

/** This thread's event-loop utilization since `since` (0..1). */
export const eluSince = (since: EventLoopUtilization): number => hooks.eventLoopUtilization(hooks.eventLoopUtilization(), since).utilization;

/** Runs a scenario in this thread. The operation is a function or { iterate, close }. */
export async function runScenario(input: ScenarioInput, operation: Operation | LoadOperation, options: RunOptions = {}): Promise<RunResult> {
  const scenario = normalizeScenario(input);
  const op: LoadOperation = typeof operation === 'function' ? { iterate: operation } : operation;
  warmUpAggregation(scenario);
  const recorder = new MetricsRecorder();
  const aggregator = new Aggregator(1, options.onSecond);
  const startedAt = new Date();
  const startAt = performance.now() + START_DELAY_MS;
  const meter = generatorMeter();
  const elu0 = hooks.eventLoopUtilization();
  const flusher = setInterval(() => aggregator.add(0, recorder.flush()), 1000);
  const firstFlush = setTimeout(() => flusher.refresh(), START_DELAY_MS);
  let summary: ExecutionSummary;
  try {
    summary = await execute({
      scenario, operation: op.iterate, start: op.start, recorder, segment: { index: 0, count: 1 }, startAt,
      operationName: options.operationName ?? scenario.name, signal: options.signal,
    });
  } finally {
    clearInterval(flusher);
    clearTimeout(firstFlush);
    await op.close?.();
  }
  const generator = meter([eluSince(elu0)]);
  aggregator.add(0, recorder.flush());
  return { ...aggregator.result(scenario, { startedAt, durationMs: summary.loadPhaseMs, workers: 1, interrupted: summary.interrupted }), generator };
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'interval'; snapshot: IntervalSnapshot }
  | { type: 'done'; summary: ExecutionSummary; snapshot: IntervalSnapshot; eventLoopUtilization: number }
  | { type: 'error'; message: string };

export interface WorkerInit {
  scenario: Scenario;
  module: string;
  params: unknown;
  segment: { index: number; count: number };
  operationName: string;
}

/**
 * Runs a scenario split over worker threads, like k6's execution segments: thread j of n takes
 * iterations (or VUs) j, j+n, j+2n, ... Interval histograms come back encoded and merge exactly.
 */
export async function runScenarioInWorkers(input: ScenarioInput, operation: WorkerOperation, options: RunOptions = {}): Promise<RunResult> {
  const scenario = normalizeScenario(input);
  const count = Math.max(1, Math.min(operation.workers ?? availableParallelism(), scenario.model === 'closed' ? scenario.vus : Number.MAX_SAFE_INTEGER));
  const aggregator = new Aggregator(count, options.onSecond);
  const moduleUrl = operation.module instanceof URL ? operation.module.href : new URL(operation.module, `file://${process.cwd()}/`).href;
  const workers: Worker[] = [];
  const summaries: ExecutionSummary[] = [];
  const threadsElu: number[] = [];
  const startedAt = new Date();
  let generator: GeneratorLoad | undefined;
  try {
    const ready: Promise<void>[] = [];
    const done: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const init: WorkerInit = { scenario, module: moduleUrl, params: operation.params, segment: { index, count }, operationName: options.operationName ?? scenario.name };
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: init });
      workers.push(worker);
      let onReady: () => void = () => undefined;
      ready.push(new Promise<void>((resolve) => (onReady = resolve)));
      done.push(new Promise<void>((resolve, reject) => {
        worker.on('message', (msg: WorkerMessage) => {
          if (msg.type === 'ready') onReady();
          else if (msg.type === 'interval') aggregator.add(index, msg.snapshot);
          else if (msg.type === 'done') {
            aggregator.add(index, msg.snapshot);
            summaries.push(msg.summary);
            threadsElu.push(msg.eventLoopUtilization);
            resolve();
          } else reject(new Error(`load worker ${index}: ${msg.message}`));
        });
        worker.on('error', (error) => reject(new Error(`load worker ${index} failed: ${error.message}`, { cause: error })));
        worker.on('exit', (code) => reject(new Error(`load worker ${index} exited with code ${code} before finishing`)));
      }));
    }
    await Promise.race([Promise.all(ready), Promise.all(done)]);
    const startAtEpoch = performance.timeOrigin + performance.now() + START_DELAY_MS;
    const abort = () => workers.forEach((w) => w.postMessage({ type: 'abort' }));
    options.signal?.addEventListener('abort', abort, { once: true });
    const meter = generatorMeter();
    workers.forEach((w) => w.postMessage({ type: 'start', startAtEpoch }));
    try {
      await Promise.all(done);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    generator = meter(threadsElu);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const loadPhaseMs = Math.max(...summaries.map((s) => s.loadPhaseMs));
  const interrupted = summaries.reduce((n, s) => n + s.interrupted, 0);
  return { ...aggregator.result(scenario, { startedAt, durationMs: loadPhaseMs, workers: count, interrupted }), generator };
}
