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
  checkShare(spec.share);
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
 * A fitted load is refitted each run from a 10 s probe, so it wanders between runs; a run whose phase has a
 * baseline runs at the baseline's load instead (its latencies are then comparable) wherever that load stays within
 * this share of what the probe found: past it the stack may be past its knee, and the run fits afresh (its baseline
 * then says "another load").
 */
export const RECORDED_LOAD_LIMIT = 0.8;

/**
 * The plan's rate when it lies within `share` of the measured capacity, else that share (one decimal, at least
 * 1/s): a profile written for a large runner run on a small one measures the largest load the machine holds below
 * its knee, instead of a queue that grows for the whole phase. With `recordedRate` (the phase's baseline's), that
 * rate wherever it is within the plan and RECORDED_LOAD_LIMIT of the capacity.
 */
export function fitRate(planRate: number, capacityPerSec: number, share: number, recordedRate?: number): FittedRate {
  checkFitInputs(capacityPerSec, share, 'rate');
  if (recordedRate !== undefined && recordedRate > 0 && recordedRate <= planRate && recordedRate <= RECORDED_LOAD_LIMIT * capacityPerSec) {
    const rate = Math.round(recordedRate * 10) / 10;
    return { rate, lowered: rate < planRate, text: `${rate}/s, the load its baseline was recorded at (the plan's ${planRate}/s; within ${RECORDED_LOAD_LIMIT * 100}% of the ${+capacityPerSec.toFixed(1)} calls/s this stack held in its capacity probe)` };
  }
  const limit = Math.max(1, Math.round(capacityPerSec * share * 10) / 10);
  const held = `${Math.round(share * 100)}% of the ${+capacityPerSec.toFixed(1)} calls/s this stack held in its capacity probe`;
  return planRate <= limit
    ? { rate: planRate, lowered: false, text: `the plan's ${planRate}/s (within ${held})` }
    : { rate: limit, lowered: true, text: `${limit}/s, not the plan's ${planRate}/s: ${held}` };
}

/** A share of capacity must lie in (0, 1). */
function checkShare(share: number): void {
  if (!(share > 0 && share < 1)) throw new Error(`a share of capacity must lie between 0 and 1, got ${share}`);
}

/** What every fit against a probe's rate needs: a share of capacity in (0, 1), and a probe that completed calls. */
function checkFitInputs(capacityPerSec: number, share: number, what: string): void {
  checkShare(share);
  if (!Number.isFinite(capacityPerSec) || capacityPerSec <= 0) {
    throw new Error(`the capacity probe completed no call (${capacityPerSec} calls/s): the stack answers nothing at this phase's calls, so no ${what} can be fitted to it`);
  }
}

/** A closed loop's VU count against what the stack held: the plan's where it fits, else the most that do. */
export interface FittedVus {
  vus: number;
  lowered: boolean;
  text: string;
}

/**
 * The closed-model counterpart of fitRate. V VUs with no think time, below the knee, complete V / R calls per
 * second (R the latency of a call with nothing queued before it), so the share of capacity they take is
 * V / (R x C): a plan's VUs within `share` of it are kept, more are lowered to floor(share x C x R), at least 1.
 * Past the knee every VU more only lengthens the queue: p95 grows by about 1/C per VU and the plan's latency
 * budget measures the machine's size, not the gateway. `atLeast` keeps a case whose subject is concurrency
 * concurrent where the stack's share comes to fewer VUs (one VU calls nothing concurrently): never below it.
 */
export function fitVus(planVus: number, capacityPerSec: number, soloLatencyMs: number, share: number, recordedVus?: number, atLeast = 1): FittedVus {
  checkFitInputs(capacityPerSec, share, 'VU count');
  if (!Number.isFinite(soloLatencyMs) || soloLatencyMs <= 0) throw new Error(`the one-VU probe measured no latency (${soloLatencyMs} ms): it completed no call`);
  const n = (v: number) => `${v} VU${v === 1 ? '' : 's'}`;
  // The most VUs that take no more than `of` of the capacity (Little: V = throughput x R), at least 1.
  const most = (of: number) => Math.max(1, Math.floor(of * capacityPerSec * soloLatencyMs / 1000));
  const stackHeld = `the ${+capacityPerSec.toFixed(1)} calls/s this stack held, at ${+soloLatencyMs.toFixed(1)} ms a call with none queued`;
  const floor = Math.min(atLeast, planVus);
  if (recordedVus !== undefined && recordedVus >= floor && recordedVus <= planVus && (recordedVus <= most(RECORDED_LOAD_LIMIT) || recordedVus === floor)) {
    return { vus: recordedVus, lowered: recordedVus < planVus, text: `${n(recordedVus)}, the load its baseline was recorded with (the plan's ${planVus}; within ${RECORDED_LOAD_LIMIT * 100}% of ${stackHeld})` };
  }
  const limit = most(share);
  const held = `${Math.round(share * 100)}% of ${stackHeld}`;
  if (limit < floor) {
    const why = `the case's least, as its subject is concurrency (${held} would be ${n(limit)}; past it calls queue)`;
    return { vus: floor, lowered: floor < planVus, text: floor < planVus ? `${n(floor)}, not the plan's ${planVus}: ${why}` : `the plan's ${n(planVus)}, ${why}` };
  }
  return planVus <= limit
    ? { vus: planVus, lowered: false, text: `the plan's ${n(planVus)} (within ${held})` }
    : { vus: limit, lowered: true, text: `${n(limit)}, not the plan's ${planVus}: ${held}` };
}

/** A spike's figures against what the stack held. */
export interface FittedSpike {
  calm: number;
  peak: number;
  lowered: boolean;
  text: string;
}

/**
 * The share of the capacity probe's rate a spike's peak may reach: about the stack's knee, the most it serves before
 * its queue grows without bound (as RECORDED_LOAD_LIMIT, where a refitted load stops being trusted).
 */
export const SPIKE_PEAK_SHARE = 0.8;

/**
 * A spike of the plan's shape on a stack that cannot hold its peak. The plan's (100/s -> 1000/s for 60 s) peaks
 * at the rate its sustained case holds (PERF-02's 1000/s): a tenfold jump from a tenth of what the machine serves
 * to its edge. Fitted, the peak is that edge here (SPIKE_PEAK_SHARE of the capacity probe's rate) and the calm the
 * plan's ratio below it (never above the share a fitted rate may take). A peak past the knee held for the plan's
 * 60 s leaves a backlog only a far lower calm clears within the budget, and a gateway's throughput falls under
 * overload, so the case would measure the machine's size (docs/catalogue.md has the run that showed it).
 */
export function fitSpike(plan: { calm: number; peak: number; peakSeconds: number; recoverySeconds: number }, capacityPerSec: number, share: number): FittedSpike {
  checkFitInputs(capacityPerSec, share, 'spike');
  const edge = Math.round(SPIKE_PEAK_SHARE * capacityPerSec * 10) / 10;
  const held = `the ${+capacityPerSec.toFixed(1)} calls/s this stack held in its capacity probe`;
  if (plan.peak <= edge && plan.calm <= fitRate(plan.calm, capacityPerSec, share).rate) {
    return { calm: plan.calm, peak: plan.peak, lowered: false, text: `the plan's calm ${plan.calm}/s and peak ${plan.peak}/s (within ${held})` };
  }
  const peak = Math.max(1, Math.min(plan.peak, edge));
  const calm = Math.max(1, Math.min(fitRate(plan.calm, capacityPerSec, share).rate, Math.round(peak * plan.calm / plan.peak * 10) / 10));
  return {
    calm, peak, lowered: true,
    text: `calm ${calm}/s, peak ${peak}/s for ${plan.peakSeconds} s, not the plan's ${plan.calm}/s and ${plan.peak}/s: the peak at ${Math.round(SPIKE_PEAK_SHARE * 100)}% of ${held} (about its knee, as the plan's peak is the rate its sustained case holds), the calm the plan's ratio below it`,
  };
}

/** A count of held streams against the database connections they hold. */
export interface FittedStreams {
  count: number;
  lowered: boolean;
  text: string;
}

/**
 * Streams held open for a phase, fitted to a gateway whose open streams each hold database connections (measured:
 * `perStream`, from a few streams opened first) out of pools of known size: at most `share` of all its workers'
 * pools, at least 1. Past the pools, opens wait for a connection and time out, and the case measures the pool
 * size, not the gateway; the rest of the share is left to the calls on the streams, which need connections too.
 * Streams that hold none, or a pool of unknown size, keep the plan's count.
 */
export function fitStreams(planCount: number, perStream: number | undefined, pool: { workers: number; perWorker: number } | undefined, share: number): FittedStreams {
  checkShare(share);
  if (perStream === undefined || !pool) return { count: planCount, lowered: false, text: `the plan's ${planCount} (the connections a stream holds or the gateway's pools are not known here: not fitted)` };
  if (!Number.isFinite(perStream) || perStream < 0) throw new Error(`database connections held per stream must be a number >= 0, got ${perStream}`);
  // Less than one connection per twenty streams: noise from the monitor's own queries, not held by streams.
  if (perStream < 0.05) return { count: planCount, lowered: false, text: `the plan's ${planCount} (an open stream holds no database connection)` };
  const total = pool.workers * pool.perWorker;
  const limit = Math.max(1, Math.floor(share * total / perStream));
  const held = `each open stream holds ${+perStream.toFixed(2)} database connection${perStream === 1 ? '' : 's'}, and ${Math.round(share * 100)}% of the ${total} the gateway's ${pool.workers} worker pools allow is ${limit} streams`;
  return planCount <= limit
    ? { count: planCount, lowered: false, text: `the plan's ${planCount} (${held})` }
    : { count: limit, lowered: true, text: `${limit}, not the plan's ${planCount}: ${held}` };
}
