import type { VuState } from '../operation.ts';
import { now, untilDeadline, type ExecutorRun } from './runner.ts';

/**
 * constant-vus, per-vu-iterations and shared-iterations (closed model): each VU starts its next iteration when
 * the last has settled, until the duration ends or the iterations are done.
 */
export async function runVus({ scenario, runner, recorder, segment, end, signal }: ExecutorRun): Promise<void> {
  if (scenario.executor !== 'constant-vus' && scenario.executor !== 'per-vu-iterations' && scenario.executor !== 'shared-iterations') {
    throw new Error(`runVus cannot run ${scenario.executor}`);
  }
  const ids: number[] = [];
  for (let id = segment.index; id < scenario.vus; id += segment.count) ids.push(id);
  recorder.vus = ids.length;
  let shared = 0;
  const sharedTotal = Math.floor(scenario.iterations / segment.count) + (segment.index < scenario.iterations % segment.count ? 1 : 0);
  const more = (vu: VuState): boolean => {
    if (signal?.aborted || now() >= end) return false;
    if (scenario.executor === 'per-vu-iterations') return vu.iteration < scenario.iterations;
    if (scenario.executor === 'shared-iterations') return shared++ < sharedTotal;
    return true;
  };
  // A VU whose iteration ignores its abort signal would never finish its loop: the wait for the VUs
  // ends at the hard stop whatever they do, and the runner's finish interrupts what still runs.
  await untilDeadline(Promise.all(ids.map((id) => runner.runVu(runner.newSlot(id), more))), end + scenario.gracefulStopMs, signal);
}
