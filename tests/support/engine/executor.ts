import { classifyError, failureKey, type Failure } from './errors.ts';
import type { MetricsRecorder } from './metrics.ts';
import type { IterationContext, IterationDone, Operation, OperationStart, Outcome, VuState } from './operation.ts';
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

const now = () => performance.now();

/** One turn of the event loop: I/O that has arrived is handled before this resolves. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

/** Waits for `work`, but not past `deadline` (engine clock) or an abort. */
async function untilDeadline(work: Promise<unknown>, deadline: number, signal?: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([work, sleep(deadline - now(), stop.signal)]);
  } finally {
    stop.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A VU and the iteration it is running. Reused for every iteration of the VU, so an iteration costs
 * no allocation beyond the operation's own: the context object is the same, and the abort controller
 * is created only when the operation asks for a signal, and kept until it is aborted.
 */
class Slot {
  readonly vu: VuState;
  readonly ctx: IterationContext;
  intendedAt = 0;
  startedAt = 0;
  /** The name the running iteration records under, when it set one (IterationContext.name). */
  name: string | undefined;
  deadline = 0;
  /** The iteration was settled by the engine (timeout or hard stop); its late outcome is ignored. */
  settled = false;
  /**
   * The settle callbacks of this VU's iterations, made once: an iteration allocates no closures of the
   * engine's. done takes an outcome (a promise's fulfilment too) or an error; onError a promise's rejection.
   */
  done: IterationDone = () => undefined;
  onError: (error: unknown) => void = () => undefined;
  /** The callback form reported before start() returned: the next iteration must not start on this stack. */
  starting = false;
  /** Called when an iteration on this slot has settled (arrival-rate executors put the VU back in the free list). */
  release: (() => void) | undefined;
  private controller: AbortController | undefined;

  constructor(vu: VuState) {
    this.vu = vu;
    this.ctx = contextOf(this);
  }

  signal(): AbortSignal {
    if (!this.controller || this.controller.signal.aborted) this.controller = new AbortController();
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.controller?.abort(reason);
  }
}

function contextOf(slot: Slot): IterationContext {
  return {
    vu: slot.vu,
    get signal() {
      return slot.signal();
    },
    get intendedAt() {
      return slot.intendedAt;
    },
    get name() {
      return slot.name;
    },
    set name(value: string | undefined) {
      slot.name = value;
    },
  };
}

/** Runs one thread's segment of a scenario, recording into `recorder`. Resolves when the segment is done. */
export async function execute(opts: ExecutionOptions): Promise<ExecutionSummary> {
  const { scenario, recorder, segment } = opts;
  const operation = opts.operation;
  const running = new Set<Slot>();
  let interrupted = 0;
  let onIdle: (() => void) | undefined;
  const timeoutMessage = `no answer within ${scenario.timeoutMs} ms`;

  const complete = (slot: Slot, outcome: Outcome | void, error: unknown): void => {
    running.delete(slot);
    recorder.inFlight--;
    if (!slot.settled) {
      const end = now();
      const name = outcome?.name ?? slot.name ?? opts.operationName;
      let failure: Failure | undefined;
      if (error !== undefined) failure = classifyError(error);
      else if (outcome && !outcome.ok) failure = outcome.failure;
      const sentAt = outcome?.sentAt ?? slot.startedAt;
      if (failure) {
        recorder.recordFailure(name, failureKey(failure), end - slot.intendedAt, end - sentAt, failure.message, outcome?.bytesIn, outcome?.bytesOut);
      } else {
        recorder.recordSuccess(name, end - slot.intendedAt, end - sentAt, outcome?.bytesIn, outcome?.bytesOut);
      }
    }
    slot.release?.();
    if (running.size === 0) onIdle?.();
  };

  const startOperation = opts.start;
  const markStart = (slot: Slot, intendedAt: number): void => {
    const startedAt = now();
    slot.intendedAt = intendedAt;
    slot.startedAt = startedAt;
    slot.deadline = startedAt + scenario.timeoutMs;
    slot.settled = false;
    slot.name = undefined;
    slot.vu.iteration++;
    recorder.recordStart(startedAt - intendedAt);
    recorder.inFlight++;
    running.add(slot);
  };

  const runOperation = (slot: Slot): Promise<void> => {
    let pending: Promise<Outcome | void>;
    try {
      pending = operation(slot.ctx);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(slot.done, slot.onError);
  };

  /** Starts an iteration on a slot and returns at once; the slot's release runs when it has settled. */
  const beginIteration = (slot: Slot, intendedAt: number): void => {
    markStart(slot, intendedAt);
    if (!startOperation) {
      void runOperation(slot);
      return;
    }
    slot.starting = true;
    try {
      startOperation(slot.ctx, slot.done);
    } catch (error) {
      slot.done(undefined, error);
    }
    slot.starting = false;
  };

  /** Starts an iteration on a slot; the promise settles when the operation itself has settled. */
  const runIteration = (slot: Slot, intendedAt: number): Promise<void> => {
    if (startOperation) {
      return new Promise<void>((resolve) => {
        slot.release = resolve;
        beginIteration(slot, intendedAt);
      });
    }
    markStart(slot, intendedAt);
    return runOperation(slot);
  };

  /**
   * A closed-model VU in the callback form: each settled iteration starts the next from its release, with
   * no promise per iteration. Resolves when more() says the VU is done.
   */
  const runVuLoop = (slot: Slot, more: (vu: VuState) => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const next = (): void => {
        if (more(slot.vu)) beginIteration(slot, now());
        else resolve();
      };
      // An iteration that settled inside start() must not start the next one on the same stack.
      slot.release = () => (slot.starting ? queueMicrotask(next) : next());
      next();
    });

  // One sweep for every timeout instead of a timer per iteration.
  const sweepEvery = Math.min(100, Math.max(5, scenario.timeoutMs / 20));
  const sweeper = setInterval(() => {
    const t = now();
    for (const slot of running) {
      if (slot.settled || slot.deadline > t) continue;
      slot.settled = true;
      recorder.recordFailure(slot.name ?? opts.operationName, 'timeout:iteration', t - slot.intendedAt, t - slot.startedAt, timeoutMessage);
      slot.abort(Object.assign(new Error(timeoutMessage), { name: 'TimeoutError' }));
    }
  }, sweepEvery);

  const waitIdle = (ms: number): Promise<void> => {
    if (running.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        onIdle = undefined;
        resolve();
      }
      onIdle = finish;
    });
  };

  const newSlot = (id: number): Slot => {
    const slot = new Slot({ id, iteration: 0, data: {} });
    slot.done = (outcome, error) => complete(slot, outcome, error);
    slot.onError = (error) => complete(slot, undefined, error);
    return slot;
  };
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
      const free: Slot[] = [];
      const freeable = (slot: Slot): Slot => {
        slot.release = () => void free.push(slot);
        return slot;
      };
      let allocated = 0;
      for (; allocated < Math.max(1, shareOf(scenario.preAllocatedVUs)); allocated++) free.push(freeable(newSlot(allocated * segment.count + segment.index)));
      recorder.vus = allocated;
      const launch = (intendedAt: number): boolean => {
        let slot = free.pop();
        if (!slot) {
          if (allocated >= maxVUs) return false;
          slot = freeable(newSlot(allocated * segment.count + segment.index));
          allocated++;
          recorder.vus = allocated;
        }
        beginIteration(slot, intendedAt);
        return true;
      };
      for (let i = segment.index; i < schedule.total && !opts.signal?.aborted; i += segment.count) {
        const due = start + schedule.timeOf(i);
        // Timers may fire a fraction of a millisecond early: never start before the intended time.
        for (let wait = due - now(); wait > 0 && !opts.signal?.aborted; wait = due - now()) await sleep(wait, opts.signal);
        if (opts.signal?.aborted) break;
        // Iterations falling due together (a timer fires at most once a millisecond) start in one burst that
        // never yields; a VU whose answer has already arrived is free, so the answers waiting are taken in
        // before an iteration is dropped.
        if (!launch(due)) {
          await yieldToIo();
          if (!launch(due)) recorder.recordDropped();
        }
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
      // A VU whose iteration ignores its abort signal would never finish its loop: the wait for the VUs
      // ends at the hard stop whatever they do, and the stop below interrupts what still runs.
      await untilDeadline(Promise.all(ids.map(async (id) => {
        const slot = newSlot(id);
        if (startOperation) return runVuLoop(slot, more);
        while (more(slot.vu)) await runIteration(slot, now());
      })), end + scenario.gracefulStopMs, opts.signal);
      break;
    }
    case 'ramping-vus': {
      const ids: number[] = [];
      for (let id = segment.index; id < scenario.maxVUs; id += segment.count) ids.push(id);
      let wakeParked: () => void = () => undefined;
      let parked = new Promise<void>((resolve) => (wakeParked = resolve));
      const target = () => vusAt(scenario.startVUs, scenario.stages, now() - start);
      const slots = new Map<number, Slot>();
      const rampDownSince = new Map<number, number>();
      const controller = setInterval(() => {
        const t = target();
        const at = now();
        recorder.vus = ids.filter((id) => id < t).length;
        // A VU above the target may finish its iteration within gracefulRampDown; after that it is interrupted.
        for (const id of ids) {
          if (id < t) {
            rampDownSince.delete(id);
            continue;
          }
          if (!rampDownSince.has(id)) rampDownSince.set(id, at);
          const slot = slots.get(id);
          if (slot && running.has(slot) && !slot.settled && at - rampDownSince.get(id)! > scenario.gracefulRampDownMs) {
            slot.settled = true;
            interrupted++;
            slot.abort(Object.assign(new Error('interrupted: ramped down'), { name: 'AbortError' }));
          }
        }
        const old = wakeParked;
        parked = new Promise<void>((resolve) => (wakeParked = resolve));
        old();
      }, 50);
      try {
        await untilDeadline(Promise.all(ids.map(async (id) => {
          const slot = newSlot(id);
          slots.set(id, slot);
          while (!opts.signal?.aborted && now() < end) {
            // The controller wakes parked VUs every 50 ms, so a parked VU needs no timer of its own.
            if (id >= target()) {
              await parked;
              continue;
            }
            await runIteration(slot, now());
          }
        })), end + scenario.gracefulStopMs, opts.signal);
      } finally {
        clearInterval(controller);
      }
      break;
    }
  }

  const loadPhaseMs = scenario.model === 'open' && !opts.signal?.aborted ? scenario.durationMs : now() - start;
  await waitIdle(opts.signal?.aborted ? 0 : Math.max(0, Math.min(scenario.gracefulStopMs, end + scenario.gracefulStopMs - now())));
  for (const slot of running) {
    if (slot.settled) continue;
    slot.settled = true;
    interrupted++;
    slot.abort(Object.assign(new Error('interrupted: the run stopped'), { name: 'AbortError' }));
  }
  // Operations that honour their signal settle at once; one that ignores it is not waited for long.
  await waitIdle(1000);
  clearInterval(sweeper);
  return { loadPhaseMs, interrupted };
}
