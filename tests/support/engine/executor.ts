import type { MetricsRecorder } from './metrics.ts';
import type { Operation, OperationStart } from './operation.ts';
import type { ExecutorName, Scenario } from './scenario.ts';
import { runArrivalRate } from './executors/arrival-rate.ts';
import { runRampingVus } from './executors/ramping-vus.ts';
import { IterationRunner, now, sleep, type ExecutorRun } from './executors/runner.ts';
import { runVus } from './executors/vus.ts';

/** Which share of a scenario this thread runs: iterations or VUs i with i % count === index. */
export interface Segment {
  index: number;
  count: number;
}

export interface ExecutionOptions {
  scenario: Scenario;
  operation: Operation;
  /** The operation's callback form, used instead of `operation` when given (LoadOperation.start). */
  start?: OperationStart;
  recorder: MetricsRecorder;
  segment: Segment;
  /** performance.now() value at which the load phase starts (may be slightly in the future). */
  startAt: number;
  /** Default name of the recorded operation. */
  operationName: string;
  /** Aborts the whole run at once (Ctrl-C, a failed test). */
  signal?: AbortSignal;
}

export interface ExecutionSummary {
  loadPhaseMs: number;
  interrupted: number;
}

/** k6's executors, one module each in executors/ (as k6's lib/executor/). */
const EXECUTORS: Record<ExecutorName, (run: ExecutorRun) => Promise<void>> = {
  'constant-arrival-rate': runArrivalRate,
  'ramping-arrival-rate': runArrivalRate,
  'constant-vus': runVus,
  'per-vu-iterations': runVus,
  'shared-iterations': runVus,
  'ramping-vus': runRampingVus,
};

/** Runs one thread's segment of a scenario, recording into `recorder`. Resolves when the segment is done. */
export async function execute(opts: ExecutionOptions): Promise<ExecutionSummary> {
  const { scenario, recorder, segment, signal } = opts;
  const runner = new IterationRunner({ scenario, operation: opts.operation, start: opts.start, recorder, operationName: opts.operationName });
  let loadPhaseMs = 0;
  try {
    const waitStart = opts.startAt - now();
    if (waitStart > 0) await sleep(waitStart, signal);
    const start = opts.startAt;
    const end = start + scenario.durationMs;
    await EXECUTORS[scenario.executor]({ scenario, runner, recorder, segment, start, end, signal });
    loadPhaseMs = scenario.model === 'open' && !signal?.aborted ? scenario.durationMs : now() - start;
    await runner.waitIdle(signal?.aborted ? 0 : Math.max(0, Math.min(scenario.gracefulStopMs, end + scenario.gracefulStopMs - now())));
  } finally {
    // What still runs is interrupted (and counted) before the summary is made.
    await runner.finish();
  }
  return { loadPhaseMs, interrupted: runner.interrupted };
}
