import { parseDuration } from './duration.ts';

export type ExecutorName =
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate'
  | 'constant-vus'
  | 'ramping-vus'
  | 'per-vu-iterations'
  | 'shared-iterations';

export const EXECUTORS: readonly ExecutorName[] = [
  'constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations',
];

export type Duration = string | number;

export interface Stage {
  duration: Duration;
  target: number;
}

/** A scenario as a user writes it, with k6's option names. */
export interface ScenarioInput {
  name: string;
  executor: ExecutorName;
  rate?: number;
  timeUnit?: Duration;
  duration?: Duration;
  preAllocatedVUs?: number;
  maxVUs?: number;
  startRate?: number;
  stages?: Stage[];
  vus?: number;
  startVUs?: number;
  gracefulRampDown?: Duration;
  iterations?: number;
  maxDuration?: Duration;
  gracefulStop?: Duration;
  /** Per-iteration timeout; the iteration is counted as a timeout error after it. */
  timeout?: Duration;
}

export interface NormalizedStage {
  durationMs: number;
  target: number;
}

/** A validated scenario: durations in milliseconds, rates per second, defaults applied. */
export interface Scenario {
  name: string;
  executor: ExecutorName;
  model: 'open' | 'closed';
  /** Open model: arrivals per second at start; for constant-arrival-rate the constant rate. */
  startRatePerSec: number;
  /** Open model: stages with targets in arrivals per second. Closed ramping: targets in VUs. */
  stages: NormalizedStage[];
  /** Planned length of the load phase (without graceful stop); per-vu/shared iterations: maxDuration. */
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  vus: number;
  startVUs: number;
  iterations: number;
  gracefulStopMs: number;
  gracefulRampDownMs: number;
  timeoutMs: number;
}

export class ScenarioError extends Error {
  constructor(scenario: string, problem: string) {
    super(`scenario "${scenario}": ${problem}`);
    this.name = 'ScenarioError';
  }
}

const OPTIONS_BY_EXECUTOR: Record<ExecutorName, readonly string[]> = {
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
};
const COMMON = ['name', 'executor', 'gracefulStop', 'timeout'];

/** Validates a scenario before any load starts; every problem names the option and what to write instead. */
export function normalizeScenario(input: ScenarioInput): Scenario {
  const name = typeof input?.name === 'string' && input.name ? input.name : '(unnamed)';
  const fail = (problem: string): never => {
    throw new ScenarioError(name, problem);
  };
  if (!input || typeof input !== 'object') return fail('a scenario must be an object');
  if (!EXECUTORS.includes(input.executor)) {
    fail(`unknown executor "${String(input.executor)}"; use one of ${EXECUTORS.join(', ')}`);
  }
  const allowed = new Set([...COMMON, ...OPTIONS_BY_EXECUTOR[input.executor]]);
  for (const key of Object.keys(input)) {
    if (!allowed.has(key) && (input as unknown as Record<string, unknown>)[key] !== undefined) {
      fail(`option "${key}" does not apply to executor ${input.executor} (it takes ${OPTIONS_BY_EXECUTOR[input.executor].join(', ')})`);
    }
  }
  const duration = (value: Duration | undefined, what: string, fallback?: number): number => {
    if (value === undefined) return fallback ?? fail(`"${what}" is required for executor ${input.executor}, e.g. ${what}: "30s"`);
    try {
      return parseDuration(value, what);
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  const positiveInt = (value: number | undefined, what: string, fallback?: number): number => {
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      return fail(`"${what}" is required for executor ${input.executor}`);
    }
    if (!Number.isInteger(value) || value < 1) fail(`"${what}" must be a whole number >= 1, got ${value}`);
    return value;
  };
  const stagesOf = (stages: Stage[] | undefined, unit: string, scale: number): NormalizedStage[] => {
    if (!Array.isArray(stages) || stages.length === 0) return fail(`"stages" must be a non-empty list like [{ duration: "30s", target: 100 }]`);
    return stages.map((stage, i) => {
      if (!stage || typeof stage !== 'object') fail(`stages[${i}] must be { duration, target }`);
      const durationMs = duration(stage.duration, `stages[${i}].duration`);
      if (typeof stage.target !== 'number' || !Number.isFinite(stage.target) || stage.target < 0) {
        fail(`stages[${i}].target must be a number of ${unit} >= 0, got ${String(stage.target)}`);
      }
      return { durationMs, target: stage.target * scale };
    });
  };

  const gracefulStopMs = duration(input.gracefulStop, 'gracefulStop', 30_000);
  const timeoutMs = duration(input.timeout, 'timeout', 60_000);
  if (timeoutMs <= 0) fail('"timeout" must be greater than zero');
  const base = { name, executor: input.executor, gracefulStopMs, timeoutMs, gracefulRampDownMs: 0, iterations: 0, vus: 0, startVUs: 0 };

  switch (input.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const timeUnitMs = duration(input.timeUnit, 'timeUnit', 1000);
      if (timeUnitMs <= 0) fail('"timeUnit" must be greater than zero');
      const perSec = 1000 / timeUnitMs;
      const preAllocatedVUs = positiveInt(input.preAllocatedVUs, 'preAllocatedVUs');
      const maxVUs = positiveInt(input.maxVUs, 'maxVUs', preAllocatedVUs);
      if (maxVUs < preAllocatedVUs) fail(`"maxVUs" (${maxVUs}) must be >= "preAllocatedVUs" (${preAllocatedVUs})`);
      if (input.executor === 'constant-arrival-rate') {
        if (typeof input.rate !== 'number' || !Number.isFinite(input.rate) || input.rate <= 0) {
          fail(`"rate" must be a positive number of iterations per timeUnit, got ${String(input.rate)}`);
        }
        const durationMs = duration(input.duration, 'duration');
        if (durationMs <= 0) fail('"duration" must be greater than zero');
        const rate = input.rate! * perSec;
        return { ...base, model: 'open', startRatePerSec: rate, stages: [{ durationMs, target: rate }], durationMs, preAllocatedVUs, maxVUs };
      }
      const startRate = input.startRate ?? 0;
      if (typeof startRate !== 'number' || !Number.isFinite(startRate) || startRate < 0) fail(`"startRate" must be a number >= 0, got ${startRate}`);
      const stages = stagesOf(input.stages, 'iterations per timeUnit', perSec);
      const durationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
      if (durationMs <= 0) fail('the stages add up to zero time');
      if (startRate === 0 && stages.every((s) => s.target === 0)) fail('every stage targets a rate of 0: nothing would run');
      return { ...base, model: 'open', startRatePerSec: startRate * perSec, stages, durationMs, preAllocatedVUs, maxVUs };
    }
    case 'constant-vus': {
      const vus = positiveInt(input.vus, 'vus', 1);
      const durationMs = duration(input.duration, 'duration');
      if (durationMs <= 0) fail('"duration" must be greater than zero');
      return { ...base, model: 'closed', startRatePerSec: 0, stages: [], durationMs, vus, preAllocatedVUs: vus, maxVUs: vus };
    }
    case 'ramping-vus': {
      const startVUs = input.startVUs ?? 1;
      if (!Number.isInteger(startVUs) || startVUs < 0) fail(`"startVUs" must be a whole number >= 0, got ${startVUs}`);
      const stages = stagesOf(input.stages, 'VUs', 1);
      stages.forEach((s, i) => Number.isInteger(s.target) || fail(`stages[${i}].target must be a whole number of VUs`));
      const durationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
      if (durationMs <= 0) fail('the stages add up to zero time');
      const maxVUs = Math.max(startVUs, ...stages.map((s) => s.target));
      if (maxVUs === 0) fail('every stage targets 0 VUs: nothing would run');
      const gracefulRampDownMs = duration(input.gracefulRampDown, 'gracefulRampDown', 30_000);
      return { ...base, model: 'closed', startRatePerSec: 0, stages, durationMs, startVUs, vus: maxVUs, preAllocatedVUs: maxVUs, maxVUs, gracefulRampDownMs };
    }
    case 'per-vu-iterations':
    case 'shared-iterations': {
      const vus = positiveInt(input.vus, 'vus', 1);
      const iterations = positiveInt(input.iterations, 'iterations', 1);
      if (input.executor === 'shared-iterations' && iterations < vus) fail(`"iterations" (${iterations}) must be >= "vus" (${vus}) for shared-iterations`);
      const durationMs = duration(input.maxDuration, 'maxDuration', 600_000);
      if (durationMs <= 0) fail('"maxDuration" must be greater than zero');
      return { ...base, model: 'closed', startRatePerSec: 0, stages: [], durationMs, vus, iterations, preAllocatedVUs: vus, maxVUs: vus };
    }
  }
}
