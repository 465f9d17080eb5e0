import { classifyError, failureKey, type Failure } from './errors.ts';
import type { MetricsRecorder } from './metrics.ts';
import type { IterationContext, Operation, Outcome, VuState } from './operation.ts';
import { ArrivalSchedule, vusAt } from './schedule.ts';
import type { Scenario } from './scenario.ts';

/** Which share of a scenario this thread runs: iterations or VUs i with i % count === index. */
export interface Segment {
  index: number;
  count: number;
}

export interface ExecutionOptions {
  scenario: Scenario;
  operation: Operation;
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

const TIMEOUT = Symbol('timeout');
const INTERRUPT = Symbol('interrupt');
const now = () => performance.now();

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs one thread's segment of a scenario, recording into `recorder`. Resolves when the segment is done. */
export async function execute(opts: ExecutionOptions): Promise<ExecutionSummary> {
  const { scenario, recorder, segment } = opts;
  const inflight = new Set<AbortController>();
  let interrupted = 0;
  const settled = new Set<Promise<void>>();

  const runIteration = async (vu: VuState, intendedAt: number): Promise<void> => {
    const startedAt = now();
    recorder.recordStart(startedAt - intendedAt);
    recorder.inFlight++;
    vu.iteration++;
    const controller = new AbortController();
    inflight.add(controller);
    const timer = setTimeout(() => controller.abort(TIMEOUT), scenario.timeoutMs);
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const ctx: IterationContext = { vu, signal: controller.signal, intendedAt };
    let outcome: Outcome | void = undefined;
    let failure: Failure | undefined;
    try {
      outcome = await Promise.race([opts.operation(ctx), aborted]);
    } catch (error) {
      if (error === INTERRUPT) {
        interrupted++;
      } else if (error === TIMEOUT) {
        failure = { class: 'timeout', code: 'iteration', message: `no answer within ${scenario.timeoutMs} ms` };
      } else {
        failure = classifyError(error);
        if (failure.class === 'interrupted' && controller.signal.reason === TIMEOUT) {
          failure = { class: 'timeout', code: 'iteration', message: `no answer within ${scenario.timeoutMs} ms` };
        }
      }
    } finally {
      clearTimeout(timer);
      inflight.delete(controller);
      recorder.inFlight--;
    }
    if (controller.signal.reason === INTERRUPT) return;
    const end = now();
    const name = outcome?.name ?? opts.operationName;
    if (!failure && outcome && !outcome.ok) failure = outcome.failure;
    if (failure) {
      recorder.recordFailure(name, failureKey(failure), end - intendedAt, end - startedAt, failure.message, outcome?.bytesIn, outcome?.bytesOut);
    } else {
      recorder.recordSuccess(name, end - intendedAt, end - startedAt, outcome?.bytesIn, outcome?.bytesOut);
    }
  };

  const track = (p: Promise<void>) => {
    settled.add(p);
    void p.finally(() => settled.delete(p));
  };

  const newVu = (id: number): VuState => ({ id, iteration: 0, data: {} });
  const waitStart = opts.startAt - now();
  if (waitStart > 0) await sleep(waitStart, opts.signal);
  const start = opts.startAt;
  const end = start + scenario.durationMs;

  switch (scenario.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const schedule = new ArrivalSchedule(scenario.startRatePerSec, scenario.stages);
      const shareOf = (n: number) => Math.floor(n / segment.count) + (segment.index < n % segment.count ? 1 : 0);
      const maxVUs = Math.max(1, shareOf(scenario.maxVUs));
      const free: VuState[] = [];
      let allocated = 0;
      for (; allocated < Math.max(1, shareOf(scenario.preAllocatedVUs)); allocated++) free.push(newVu(allocated * segment.count + segment.index));
      recorder.vus = allocated;
      const launch = (intendedAt: number) => {
        let vu = free.pop();
        if (!vu) {
          if (allocated >= maxVUs) {
            recorder.recordDropped();
            return;
          }
          vu = newVu(allocated * segment.count + segment.index);
          allocated++;
          recorder.vus = allocated;
        }
        const owned = vu;
        track(runIteration(owned, intendedAt).finally(() => free.push(owned)));
      };
      for (let i = segment.index; i < schedule.total && !opts.signal?.aborted; i += segment.count) {
        const due = start + schedule.timeOf(i);
        // Timers may fire a fraction of a millisecond early: never start before the intended time.
        for (let wait = due - now(); wait > 0 && !opts.signal?.aborted; wait = due - now()) await sleep(wait, opts.signal);
        if (opts.signal?.aborted) break;
        launch(due);
      }
      break;
    }
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations': {
      const ids: number[] = [];
      for (let id = segment.index; id < scenario.vus; id += segment.count) ids.push(id);
      recorder.vus = ids.length;
      let shared = 0;
      const sharedTotal = Math.floor(scenario.iterations / segment.count) + (segment.index < scenario.iterations % segment.count ? 1 : 0);
      const more = (vu: VuState): boolean => {
        if (opts.signal?.aborted || now() >= end) return false;
        if (scenario.executor === 'per-vu-iterations') return vu.iteration < scenario.iterations;
        if (scenario.executor === 'shared-iterations') return shared++ < sharedTotal;
        return true;
      };
      await Promise.all(ids.map(async (id) => {
        const vu = newVu(id);
        while (more(vu)) {
          const p = runIteration(vu, now());
          track(p);
          await p;
        }
      }));
      break;
    }
    case 'ramping-vus': {
      const ids: number[] = [];
      for (let id = segment.index; id < scenario.maxVUs; id += segment.count) ids.push(id);
      let wakeParked: () => void = () => undefined;
      let parked = new Promise<void>((resolve) => (wakeParked = resolve));
      const target = () => vusAt(scenario.startVUs, scenario.stages, now() - start);
      const controller = setInterval(() => {
        const t = target();
        recorder.vus = ids.filter((id) => id < t).length;
        const old = wakeParked;
        parked = new Promise<void>((resolve) => (wakeParked = resolve));
        old();
      }, 50);
      try {
        await Promise.all(ids.map(async (id) => {
          const vu = newVu(id);
          while (!opts.signal?.aborted && now() < end) {
            if (id >= target()) {
              await Promise.race([parked, sleep(end - now(), opts.signal)]);
              continue;
            }
            const p = runIteration(vu, now());
            track(p);
            await p;
          }
        }));
      } finally {
        clearInterval(controller);
      }
      break;
    }
  }

  const loadPhaseMs = scenario.model === 'open' && !opts.signal?.aborted ? scenario.durationMs : now() - start;
  if (settled.size > 0) {
    await Promise.race([Promise.allSettled([...settled]), sleep(scenario.gracefulStopMs, opts.signal)]);
  }
  if (inflight.size > 0) {
    for (const controller of inflight) controller.abort(INTERRUPT);
    await Promise.allSettled([...settled]);
  }
  return { loadPhaseMs, interrupted };
}
