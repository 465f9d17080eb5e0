import { ArrivalSchedule } from '../schedule.ts';
import { now, sleep, yieldToIo, type ExecutorRun, type Slot } from './runner.ts';

/**
 * constant-arrival-rate and ramping-arrival-rate (open model): iterations start on the schedule whatever the
 * answers do, each on a free VU; with none free and maxVUs reached, the iteration is dropped and counted.
 */
export async function runArrivalRate({ scenario, runner, recorder, segment, start, signal }: ExecutorRun): Promise<void> {
  if (scenario.executor !== 'constant-arrival-rate' && scenario.executor !== 'ramping-arrival-rate') throw new Error(`runArrivalRate cannot run ${scenario.executor}`);
  const schedule = new ArrivalSchedule(scenario.startRatePerSec, scenario.stages);
  const shareOf = (n: number) => Math.floor(n / segment.count) + (segment.index < n % segment.count ? 1 : 0);
  const maxVUs = Math.max(1, shareOf(scenario.maxVUs));
  const free: Slot[] = [];
  const freeable = (slot: Slot): Slot => {
    slot.release = () => void free.push(slot);
    return slot;
  };
  let allocated = 0;
  for (; allocated < Math.max(1, shareOf(scenario.preAllocatedVUs)); allocated++) free.push(freeable(runner.newSlot(allocated * segment.count + segment.index)));
  recorder.vus = allocated;
  const launch = (intendedAt: number): boolean => {
    let slot = free.pop();
    if (!slot) {
      if (allocated >= maxVUs) return false;
      slot = freeable(runner.newSlot(allocated * segment.count + segment.index));
      allocated++;
      recorder.vus = allocated;
    }
    runner.beginIteration(slot, intendedAt);
    return true;
  };
  for (let i = segment.index; i < schedule.total && !signal?.aborted; i += segment.count) {
    const due = start + schedule.timeOf(i);
    // Timers may fire a fraction of a millisecond early: never start before the intended time.
    for (let wait = due - now(); wait > 0 && !signal?.aborted; wait = due - now()) await sleep(wait, signal);
    if (signal?.aborted) break;
    // Iterations falling due together (a timer fires at most once a millisecond) start in one burst that
    // never yields; a VU whose answer has already arrived is free, so the answers waiting are taken in
    // before an iteration is dropped.
    if (!launch(due)) {
      await yieldToIo();
      if (!launch(due)) recorder.recordDropped();
    }
  }
}
