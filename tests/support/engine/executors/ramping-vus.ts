import { vusAt } from '../schedule.ts';
import { now, untilDeadline, type ExecutorRun, type Slot } from './runner.ts';

/**
 * ramping-vus (closed model): VUs below the stages' target run iterations back to back; one above it parks, and
 * its running iteration is interrupted after gracefulRampDown.
 */
export async function runRampingVus({ scenario, runner, recorder, segment, start, end, signal }: ExecutorRun): Promise<void> {
  if (scenario.executor !== 'ramping-vus') throw new Error(`runRampingVus cannot run ${scenario.executor}`);
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
      if (slot && runner.running.has(slot) && !slot.settled && at - rampDownSince.get(id)! > scenario.gracefulRampDownMs) {
        runner.interrupt(slot, 'interrupted: ramped down');
      }
    }
    const old = wakeParked;
    parked = new Promise<void>((resolve) => (wakeParked = resolve));
    old();
  }, 50);
  try {
    await untilDeadline(Promise.all(ids.map(async (id) => {
      const slot = runner.newSlot(id);
      slots.set(id, slot);
      while (!signal?.aborted && now() < end) {
        // The controller wakes parked VUs every 50 ms, so a parked VU needs no timer of its own.
        if (id >= target()) {
          await parked;
          continue;
        }
        await runner.runIteration(slot, now());
      }
    })), end + scenario.gracefulStopMs, signal);
  } finally {
    clearInterval(controller);
  }
}
