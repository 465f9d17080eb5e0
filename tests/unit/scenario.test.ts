import { describe, expect, it } from 'vitest';
import { normalizeScenario, type ScenarioInput } from '../support/engine/scenario.ts';

const bad = (input: Partial<ScenarioInput> & Record<string, unknown>) => () => normalizeScenario({ name: 'x', ...input } as ScenarioInput);

describe('normalizeScenario', () => {
  it('normalizes a constant-arrival-rate scenario to per-second rates and milliseconds', () => {
    const s = normalizeScenario({ name: 'a', executor: 'constant-arrival-rate', rate: 30, timeUnit: '1m', duration: '2m', preAllocatedVUs: 5 });
    expect(s).toMatchObject({ model: 'open', startRatePerSec: 0.5, durationMs: 120_000, preAllocatedVUs: 5, maxVUs: 5, gracefulStopMs: 30_000, timeoutMs: 60_000 });
  });

  it('sums ramping stages', () => {
    const s = normalizeScenario({ name: 'r', executor: 'ramping-arrival-rate', startRate: 10, stages: [{ duration: '10s', target: 100 }, { duration: '5s', target: 0 }], preAllocatedVUs: 10, maxVUs: 50 });
    expect(s.durationMs).toBe(15_000);
    expect(s.stages).toEqual([{ durationMs: 10_000, target: 100 }, { durationMs: 5000, target: 0 }]);
  });

  it.each([
    [{ executor: 'constant-arrival-rate', rate: 0, duration: '1s', preAllocatedVUs: 1 }, /"rate" must be a positive number/],
    [{ executor: 'constant-arrival-rate', rate: -5, duration: '1s', preAllocatedVUs: 1 }, /"rate" must be a positive number/],
    [{ executor: 'constant-arrival-rate', rate: 10, preAllocatedVUs: 1 }, /"duration" is required/],
    [{ executor: 'constant-arrival-rate', rate: 10, duration: '1s' }, /"preAllocatedVUs" is required/],
    [{ executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 5, maxVUs: 2 }, /"maxVUs" \(2\) must be >= "preAllocatedVUs"/],
    [{ executor: 'constant-arrival-rate', rate: 10, duration: 'ten', preAllocatedVUs: 1 }, /not a duration/],
    [{ executor: 'warp-speed', duration: '1s' }, /unknown executor "warp-speed"; use one of constant-arrival-rate/],
    [{ executor: 'ramping-arrival-rate', stages: [], preAllocatedVUs: 1 }, /"stages" must be a non-empty list/],
    [{ executor: 'ramping-arrival-rate', stages: [{ duration: 'soon', target: 5 }], preAllocatedVUs: 1 }, /stages\[0\].duration: "soon" is not a duration/],
    [{ executor: 'ramping-arrival-rate', stages: [{ duration: '1s', target: -1 }], preAllocatedVUs: 1 }, /stages\[0\].target must be a number/],
    [{ executor: 'ramping-vus', stages: [{ duration: '1s', target: 0 }], startVUs: 0 }, /every stage targets 0 VUs/],
    [{ executor: 'constant-vus', vus: 0, duration: '1s' }, /"vus" must be a whole number >= 1/],
    [{ executor: 'constant-vus', vus: 2 }, /"duration" is required/],
    [{ executor: 'constant-vus', vus: 2, duration: '1s', rate: 5 }, /option "rate" does not apply to executor constant-vus/],
    [{ executor: 'shared-iterations', vus: 5, iterations: 2 }, /"iterations" \(2\) must be >= "vus"/],
  ])('rejects %j', (input, message) => {
    expect(bad(input as Record<string, unknown>)).toThrow(message);
  });

  it('names the scenario in the error', () => {
    expect(() => normalizeScenario({ name: 'PERF-01', executor: 'constant-vus', vus: 1 } as ScenarioInput)).toThrow(/^scenario "PERF-01": /);
  });
});
