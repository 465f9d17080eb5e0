/**
 * An open-model phase sized to the runner: a share of the base gateway's measured capacity, so the gateway
 * leaves the load generator CPU whatever the machine. A fixed rate does not: at 12/s a gateway spending 85 ms
 * of CPU per call fills 1-1.4 of a 2-core runner, the generator starts iterations late and the round is lost.
 * The phase keeps about the calls it would have had at its reference rate, lengthened at most by `maxStretch`.
 */
export interface SharedLoad {
  /** Arrivals per second (one decimal), never below `minRate`. */
  rate: number;
  /** Phase length, whole seconds. */
  seconds: number;
  /** How the rate was chosen, for the log and the report. */
  text: string;
}

export interface LoadShareSpec {
  /** Share of the capacity to offer (0 < share < 1). */
  share: number;
  /** The phase's rate and length on a runner of reference speed: together the calls a phase should hold. */
  referenceRate: number;
  referenceSeconds: number;
  /** Longest phase, as a multiple of referenceSeconds (default 1.5): bounds the wall time on a slow runner. */
  maxStretch?: number;
  /** Lowest rate offered (default 1/s). */
  minRate?: number;
}

export function shareOfCapacity(capacityPerSec: number, spec: LoadShareSpec): SharedLoad {
  if (!Number.isFinite(capacityPerSec) || capacityPerSec <= 0) {
    throw new Error(`the base gateway's capacity must be a positive rate to size the load from, got ${capacityPerSec}: the capacity phase completed no calls (see its rounds)`);
  }
  if (!(spec.share > 0 && spec.share < 1)) throw new Error(`a share of capacity must lie between 0 and 1, got ${spec.share}`);
  const minRate = spec.minRate ?? 1;
  const rate = Math.max(minRate, Math.round(capacityPerSec * spec.share * 10) / 10);
  const wanted = Math.ceil((spec.referenceRate * spec.referenceSeconds) / rate);
  const seconds = Math.min(Math.ceil(spec.referenceSeconds * (spec.maxStretch ?? 1.5)), Math.max(spec.referenceSeconds, wanted));
  return {
    rate, seconds,
    text: `${rate}/s (${Math.round(spec.share * 100)}% of the base gateway's capacity, ${+capacityPerSec.toFixed(1)} calls/s), ${seconds} s phases`,
  };
}

/** A phase's rate against what the stack held: the plan's where it fits, else the share of capacity it may take. */
export interface FittedRate {
  rate: number;
  /** Whether the plan's rate was lowered. */
  lowered: boolean;
  text: string;
}

/**
 * The plan's rate when it lies within `share` of the measured capacity, else that share (one decimal, at least
 * 1/s): a profile written for a large runner run on a small one measures the largest load the machine holds below
 * its knee, instead of a queue that grows for the whole phase.
 */
export function fitRate(planRate: number, capacityPerSec: number, share: number): FittedRate {
  if (!(share > 0 && share < 1)) throw new Error(`a share of capacity must lie between 0 and 1, got ${share}`);
  if (!Number.isFinite(capacityPerSec) || capacityPerSec <= 0) {
    throw new Error(`the capacity probe completed no call (${capacityPerSec} calls/s): the stack answers nothing at this phase's calls, so no rate can be fitted to it`);
  }
  const limit = Math.max(1, Math.round(capacityPerSec * share * 10) / 10);
  const held = `${Math.round(share * 100)}% of the ${+capacityPerSec.toFixed(1)} calls/s this stack held in its capacity probe`;
  return planRate <= limit
    ? { rate: planRate, lowered: false, text: `the plan's ${planRate}/s (within ${held})` }
    : { rate: limit, lowered: true, text: `${limit}/s, not the plan's ${planRate}/s: ${held}` };
}
