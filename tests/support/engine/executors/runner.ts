import { classifyError, failureKey, type Failure } from '../errors.ts';
import type { MetricsRecorder } from '../metrics.ts';
import type { IterationContext, IterationDone, Operation, OperationStart, Outcome, VuState } from '../operation.ts';
import type { Scenario } from '../scenario.ts';

export const now = () => performance.now();

/** One turn of the event loop: I/O that has arrived is handled before this resolves. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
export async function untilDeadline(work: Promise<unknown>, deadline: number, signal?: AbortSignal): Promise<void> {
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
export class Slot {
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

export interface RunnerOptions {
  scenario: Scenario;
  operation: Operation;
  start?: OperationStart;
  recorder: MetricsRecorder;
  operationName: string;
}

/**
 * What every executor shares: starting an iteration on a VU's slot (promise or callback form), recording how it
 * settled, the timeout sweep, and interrupting what still runs at the end. An executor decides only when and on
 * which VU each iteration starts.
 */
export class IterationRunner {
  readonly running = new Set<Slot>();
  interrupted = 0;
  private onIdle: (() => void) | undefined;
  private readonly o: RunnerOptions;
  private readonly timeoutMessage: string;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(o: RunnerOptions) {
    this.o = o;
    this.timeoutMessage = `no answer within ${o.scenario.timeoutMs} ms`;
    // One sweep for every timeout instead of a timer per iteration.
    const sweepEvery = Math.min(100, Math.max(5, o.scenario.timeoutMs / 20));
    this.sweeper = setInterval(() => this.sweep(), sweepEvery);
  }

  newSlot(id: number): Slot {
    const slot = new Slot({ id, iteration: 0, data: {} });
    slot.done = (outcome, error) => this.complete(slot, outcome, error);
    slot.onError = (error) => this.complete(slot, undefined, error);
    return slot;
  }

  /** Starts an iteration on a slot and returns at once; the slot's release runs when it has settled. */
  beginIteration(slot: Slot, intendedAt: number): void {
    this.markStart(slot, intendedAt);
    const start = this.o.start;
    if (!start) {
      void this.runOperation(slot);
      return;
    }
    slot.starting = true;
    try {
      start(slot.ctx, slot.done);
    } catch (error) {
      slot.done(undefined, error);
    }
    slot.starting = false;
  }

  /** Starts an iteration on a slot; the promise settles when the operation itself has settled. */
  runIteration(slot: Slot, intendedAt: number): Promise<void> {
    if (this.o.start) {
      return new Promise<void>((resolve) => {
        slot.release = resolve;
        this.beginIteration(slot, intendedAt);
      });
    }
    this.markStart(slot, intendedAt);
    return this.runOperation(slot);
  }

  /**
   * A closed-model VU: each settled iteration starts the next, until more() says the VU is done. In the callback
   * form the next starts from the slot's release, with no promise per iteration.
   */
  runVu(slot: Slot, more: (vu: VuState) => boolean): Promise<void> {
    if (!this.o.start) {
      return (async () => {
        while (more(slot.vu)) await this.runIteration(slot, now());
      })();
    }
    return new Promise<void>((resolve) => {
      const next = (): void => {
        if (more(slot.vu)) this.beginIteration(slot, now());
        else resolve();
      };
      // An iteration that settled inside start() must not start the next one on the same stack.
      slot.release = () => (slot.starting ? queueMicrotask(next) : next());
      next();
    });
  }

  /** Settles a running iteration as interrupted (its late outcome is ignored) and aborts it. */
  interrupt(slot: Slot, reason: string): void {
    slot.settled = true;
    this.interrupted++;
    slot.abort(Object.assign(new Error(reason), { name: 'AbortError' }));
  }

  /** Resolves when nothing runs, or after ms. */
  waitIdle(ms: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.onIdle = finish;
    });
  }

  /** Interrupts what still runs, waits a moment for it, and stops the sweep. */
  async finish(): Promise<void> {
    for (const slot of this.running) if (!slot.settled) this.interrupt(slot, 'interrupted: the run stopped');
    // Operations that honour their signal settle at once; one that ignores it is not waited for long.
    await this.waitIdle(1000);
    clearInterval(this.sweeper);
  }

  private markStart(slot: Slot, intendedAt: number): void {
    const startedAt = now();
    slot.intendedAt = intendedAt;
    slot.startedAt = startedAt;
    slot.deadline = startedAt + this.o.scenario.timeoutMs;
    slot.settled = false;
    slot.name = undefined;
    slot.vu.iteration++;
    this.o.recorder.recordStart(startedAt - intendedAt);
    this.o.recorder.inFlight++;
    this.running.add(slot);
  }

  private runOperation(slot: Slot): Promise<void> {
    let pending: Promise<Outcome | void>;
    try {
      pending = this.o.operation(slot.ctx);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(slot.done, slot.onError);
  }

  private complete(slot: Slot, outcome: Outcome | void, error: unknown): void {
    const { recorder } = this.o;
    this.running.delete(slot);
    recorder.inFlight--;
    if (!slot.settled) {
      const end = now();
      const name = outcome?.name ?? slot.name ?? this.o.operationName;
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
    if (this.running.size === 0) this.onIdle?.();
  }

  private sweep(): void {
    const t = now();
    for (const slot of this.running) {
      if (slot.settled || slot.deadline > t) continue;
      slot.settled = true;
      this.o.recorder.recordFailure(slot.name ?? this.o.operationName, 'timeout:iteration', t - slot.intendedAt, t - slot.startedAt, this.timeoutMessage);
      slot.abort(Object.assign(new Error(this.timeoutMessage), { name: 'TimeoutError' }));
    }
  }
}

/** What an executor is given: its thread's segment of the scenario, the runner, and the load phase's bounds. */
export interface ExecutorRun {
  scenario: Scenario;
  runner: IterationRunner;
  recorder: MetricsRecorder;
  segment: { index: number; count: number };
  /** Engine-clock start and end of the load phase. */
  start: number;
  end: number;
  signal?: AbortSignal;
}
